package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.converge.api.Json;
import dev.converge.inmemory.json.Rfc3339;
import dev.converge.inmemory.json.Trees;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The decoded {@code metadata.managedFields} of one object: one field set per manager identity, where an
 * identity is (manager, operation, subresource) for appliers and additionally the API version for updaters,
 * as Kubernetes' {@code BuildManagerIdentifier} builds it (an applier keeps one entry whichever version it
 * applies with).
 */
final class FieldManagers {
  static final String APPLY = "Apply";
  static final String UPDATE = "Update";

  /** Kubernetes' {@code DefaultMaxUpdateManagers}: update entries beyond this are merged into one bucket. */
  static final int MAX_UPDATE_MANAGERS = 10;

  /** The manager name of that bucket ({@code ancient-changes} in {@code capmanagers.go}). */
  static final String ANCIENT_CHANGES = "ancient-changes";

  /** A manager identity. {@code apiVersion} is empty for appliers. */
  record Identity(String manager, String operation, String apiVersion, String subresource) {
    static Identity apply(String manager, @Nullable String subresource) {
      return new Identity(manager, APPLY, "", subresource == null ? "" : subresource);
    }

    static Identity update(String manager, String apiVersion, @Nullable String subresource) {
      return new Identity(manager, UPDATE, apiVersion, subresource == null ? "" : subresource);
    }

    boolean isApply() {
      return operation.equals(APPLY);
    }

    /** How Kubernetes names a manager in conflict messages ({@code printManager}). */
    String describe() {
      StringBuilder out = new StringBuilder(Json.write(Json.nodes().textNode(manager)));
      if (!subresource.isEmpty()) {
        out.append(" with subresource ").append(Json.write(Json.nodes().textNode(subresource)));
      }
      if (!isApply()) {
        out.append(" using ").append(apiVersion);
      }
      return out.toString();
    }
  }

  /** One entry: its field set, the API version of its paths, and when it last changed anything. */
  static final class Entry {
    private FieldSet fields;
    /** The stored FieldsV1 of an entry decoded and not changed since, written back as it is. */
    private @Nullable JsonNode encoded;
    /**
     * The whole stored entry object that {@link #encoded} came from; written back as it is (frozen, shared
     * with the previous version) when it is exactly what {@link #encode()} would write for this entry now.
     */
    private @Nullable JsonNode storedEntry;
    /** The applied configuration whose owned set this entry holds, which keeps that set's encoding. */
    private FieldSetMemo.@Nullable Applied applied;
    String apiVersion;
    @Nullable String time;

    Entry(FieldSet fields, String apiVersion, @Nullable String time) {
      this.fields = fields;
      this.apiVersion = apiVersion;
      this.time = time;
    }

    FieldSet fields() {
      return fields;
    }

    void setFields(FieldSet fields) {
      this.fields = fields;
      this.encoded = null;
      this.storedEntry = null;
      this.applied = null;
    }

    /** Sets the owned fields of an applied configuration, whose encoding {@code applied} keeps. */
    void setApplied(FieldSetMemo.Applied applied) {
      setFields(applied.owned());
      this.applied = applied;
    }

    /** Writes this entry's set as {@code fieldsV1}, a frozen encoding of exactly that set. */
    void encodedAs(JsonNode fieldsV1) {
      this.encoded = fieldsV1;
      this.storedEntry = null;
    }

    /** Writes this entry's set as {@code other} had it stored, when the two sets are the same. */
    void reuseEncodingOf(Entry other) {
      this.encoded = other.encoded;
      this.storedEntry = other.storedEntry;
    }

    /** The stored entry object, if it is exactly this entry's encoding as {@code identity}'s. */
    @Nullable JsonNode reusableEntry(Identity identity) {
      JsonNode entry = storedEntry;
      if (entry == null || encoded == null || !Json.isFrozen(entry) || entry.get("fieldsV1") != encoded) {
        return null;
      }
      int expected = (time == null ? 5 : 6) + (identity.subresource().isEmpty() ? 0 : 1);
      boolean same = entry.size() == expected
          && text(entry, "manager", identity.manager())
          && text(entry, "operation", identity.operation())
          && text(entry, "apiVersion", apiVersion)
          && (time == null || text(entry, "time", time))
          && text(entry, "fieldsType", "FieldsV1")
          && (identity.subresource().isEmpty() || text(entry, "subresource", identity.subresource()));
      return same && inEncodingOrder(entry) ? entry : null;
    }

    /** {@link FieldManagers#seconds} of {@link #time}, parsed once per distinct time (sorting asks often). */
    long seconds() {
      String current = time;
      if (current != secondsOf) {
        seconds = FieldManagers.seconds(current);
        secondsOf = current;
      }
      return seconds;
    }

    private long seconds;
    private @Nullable String secondsOf;

    private static boolean text(JsonNode entry, String field, String value) {
      JsonNode node = entry.get(field);
      return node != null && node.isTextual() && node.textValue().equals(value);
    }

    /** Whether the entry's fields come in the order {@link #encode()} writes them. */
    private static boolean inEncodingOrder(JsonNode entry) {
      int rank = -1;
      for (java.util.Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
        int next = ENTRY_FIELDS.indexOf(names.next());
        if (next <= rank) {
          return false;
        }
        rank = next;
      }
      return true;
    }

    /** The entry's FieldsV1, frozen: the stored encoding when the set is unchanged, else a new one (memoized). */
    JsonNode fieldsV1(FieldSetMemo memo) {
      if (encoded != null) {
        return Json.freeze(encoded);
      }
      FieldSetMemo.Applied source = applied;
      JsonNode known = source == null ? null : source.ownedFieldsV1();
      if (known != null) {
        memo.remember(known, fields); // this server's next write of the object decodes nothing either
        return known;
      }
      ObjectNode written = fields.toFieldsV1();
      memo.remember(written, fields);
      if (source != null) {
        source.ownedFieldsV1(written);
      }
      return written;
    }
  }

  /** The fields of an entry in the order {@link #encode()} writes them. */
  private static final List<String> ENTRY_FIELDS =
      List.of("manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource");

  private static final Comparator<Identity> IDENTITY_ORDER = Comparator.comparing(Identity::manager)
      .thenComparing(Identity::operation)
      .thenComparing(Identity::apiVersion)
      .thenComparing(Identity::subresource);

  final Map<Identity, Entry> entries = new LinkedHashMap<>();

  /**
   * Decodes a {@code managedFields} list (absent or null: no managers). Entries that are not valid FieldsV1
   * entries are dropped rather than failing the write: a stored object is not ours to reject.
   */
  static FieldManagers decode(@Nullable JsonNode managedFields) {
    return decode(managedFields, FieldSetMemo.NONE);
  }

  /** {@link #decode(JsonNode)}, taking the sets of FieldsV1 nodes it has seen from {@code memo}. */
  static FieldManagers decode(@Nullable JsonNode managedFields, FieldSetMemo memo) {
    FieldManagers out = new FieldManagers();
    if (managedFields == null || !managedFields.isArray()) {
      return out;
    }
    for (JsonNode entry : managedFields) {
      String operation = entry.path("operation").asText();
      JsonNode fieldsV1 = entry.get("fieldsV1");
      if (!(operation.equals(APPLY) || operation.equals(UPDATE)) || fieldsV1 == null
          || !entry.path("fieldsType").asText("FieldsV1").equals("FieldsV1")) {
        continue;
      }
      FieldSet fields = memo.recall(fieldsV1);
      if (fields == null) {
        try {
          fields = FieldSet.fromFieldsV1(fieldsV1);
        } catch (IllegalArgumentException e) {
          continue;
        }
        memo.remember(fieldsV1, fields);
      }
      String apiVersion = entry.path("apiVersion").asText();
      String subresource = entry.path("subresource").asText();
      String manager = entry.path("manager").asText();
      Identity identity = operation.equals(APPLY)
          ? Identity.apply(manager, subresource)
          : Identity.update(manager, apiVersion, subresource);
      JsonNode time = entry.get("time");
      Entry existing = out.entries.get(identity);
      if (existing != null) {
        existing.setFields(existing.fields.union(fields));
      } else {
        Entry decoded = new Entry(fields, apiVersion, time == null || time.isNull() ? null : time.asText());
        decoded.encoded = fieldsV1;
        decoded.storedEntry = entry;
        out.entries.put(identity, decoded);
      }
    }
    return out;
  }

  /** The managers of {@code object}'s {@code metadata.managedFields}. */
  static FieldManagers of(@Nullable JsonNode object) {
    return of(object, FieldSetMemo.NONE);
  }

  /** {@link #of(JsonNode)} with {@link #decode(JsonNode, FieldSetMemo)}. */
  static FieldManagers of(@Nullable JsonNode object, FieldSetMemo memo) {
    return decode(object == null ? null : object.path("metadata").get("managedFields"), memo);
  }

  /** Removes {@code fields} from every manager's set but {@code except}'s, dropping managers left empty. */
  void takeAway(FieldSet fields, @Nullable Identity except) {
    if (fields.isEmpty()) {
      return;
    }
    entries.entrySet().removeIf(e -> {
      if (e.getKey().equals(except) || !e.getValue().fields.intersects(fields)) {
        return false;
      }
      e.getValue().setFields(e.getValue().fields.difference(fields));
      return e.getValue().fields.isEmpty();
    });
  }

  /**
   * Kubernetes' {@code capUpdateManagers}: while there are more than {@link #MAX_UPDATE_MANAGERS} update
   * entries, the oldest are merged, per API version, into an {@code ancient-changes} entry.
   */
  void capUpdateManagers() {
    List<Identity> updaters = new ArrayList<>();
    entries.forEach((identity, entry) -> {
      if (!identity.isApply()) {
        updaters.add(identity);
      }
    });
    if (updaters.size() <= MAX_UPDATE_MANAGERS) {
      return;
    }
    updaters.sort(Comparator.<Identity>comparingLong(i -> entries.get(i).seconds()).thenComparing(IDENTITY_ORDER));
    Map<String, Identity> firstOfVersion = new LinkedHashMap<>();
    int count = updaters.size();
    for (int i = 0; i < updaters.size() && count > MAX_UPDATE_MANAGERS; i++) {
      Identity identity = updaters.get(i);
      Entry entry = entries.get(identity);
      Identity bucket = Identity.update(ANCIENT_CHANGES, entry.apiVersion, null);
      Identity first = firstOfVersion.putIfAbsent(entry.apiVersion, identity);
      if (first == null) {
        continue;
      }
      if (!entries.containsKey(bucket)) {
        entries.put(bucket, entries.remove(first));
      }
      Entry merged = entries.get(bucket);
      merged.setFields(merged.fields.union(entry.fields));
      merged.time = entry.time; // the newer of the two, since updaters are sorted oldest first
      entries.remove(identity);
      count--;
    }
  }

  /**
   * Writes the entries into {@code object}'s {@code metadata.managedFields} (removing it when there are
   * none), in Kubernetes' order: appliers before updaters, then by time, manager, API version and
   * subresource.
   */
  void encodeInto(ObjectNode object) {
    encodeInto(object, FieldSetMemo.NONE);
  }

  /** {@link #encodeInto(ObjectNode)} with {@link #encode(FieldSetMemo)}. */
  void encodeInto(ObjectNode object, FieldSetMemo memo) {
    ObjectNode metadata = Trees.object(object, "metadata"); // a shared frozen metadata is copied, not changed
    JsonNode list = encode(memo);
    if (list == null) {
      metadata.remove("managedFields");
    } else {
      metadata.set("managedFields", list);
    }
  }

  /** The {@code managedFields} list of the entries ({@link #encodeInto}), or null when there are none. */
  @Nullable JsonNode encode() {
    return encode(FieldSetMemo.NONE);
  }

  /** {@link #encode()}, remembering each newly written FieldsV1 and the set it encodes in {@code memo}. */
  @Nullable JsonNode encode(FieldSetMemo memo) {
    if (entries.isEmpty()) {
      return null;
    }
    List<Map.Entry<Identity, Entry>> sorted = new ArrayList<>(entries.entrySet());
    if (sorted.size() > 1) {
      sorted.sort(ENCODING_ORDER);
    }
    // Built frozen, bottom-up: the stored object holds this list as it is.
    ArrayList<JsonNode> list = new ArrayList<>(sorted.size());
    for (Map.Entry<Identity, Entry> e : sorted) {
      JsonNode unchanged = e.getValue().reusableEntry(e.getKey());
      if (unchanged != null) {
        list.add(unchanged);
        continue;
      }
      LinkedHashMap<String, JsonNode> out = new LinkedHashMap<>(12);
      out.put("manager", TextNode.valueOf(e.getKey().manager()));
      out.put("operation", operation(e.getKey().operation()));
      out.put("apiVersion", TextNode.valueOf(e.getValue().apiVersion));
      if (e.getValue().time != null) {
        out.put("time", TextNode.valueOf(e.getValue().time));
      }
      out.put("fieldsType", FIELDS_V1);
      out.put("fieldsV1", e.getValue().fieldsV1(memo));
      if (!e.getKey().subresource().isEmpty()) {
        out.put("subresource", TextNode.valueOf(e.getKey().subresource()));
      }
      list.add(Json.frozenObject(out));
    }
    return Json.frozenArray(list);
  }

  /** The order of the entries Kubernetes writes: operation, time (seconds), manager, API version, subresource. */
  private static final Comparator<Map.Entry<Identity, Entry>> ENCODING_ORDER =
      Comparator.<Map.Entry<Identity, Entry>, String>comparing(e -> e.getKey().operation())
          .thenComparingLong(e -> e.getValue().seconds())
          .thenComparing(e -> e.getKey().manager())
          .thenComparing(e -> e.getValue().apiVersion)
          .thenComparing(e -> e.getKey().subresource());

  private static final TextNode FIELDS_V1 = TextNode.valueOf("FieldsV1");
  private static final TextNode UPDATE_TEXT = TextNode.valueOf(UPDATE);
  private static final TextNode APPLY_TEXT = TextNode.valueOf(APPLY);

  /**
   * The operation's text node, one shared by every entry of the two operations: each write of a managed
   * object reads its entries' operations, and its own copy would be one more cache miss per entry.
   */
  private static TextNode operation(String operation) {
    return switch (operation) {
      case UPDATE -> UPDATE_TEXT;
      case APPLY -> APPLY_TEXT;
      default -> TextNode.valueOf(operation);
    };
  }

  /** Seconds since the epoch of an RFC 3339 timestamp; 0 when absent or unreadable (as a nil time sorts). */
  private static long seconds(@Nullable String time) {
    if (time == null) {
      return 0;
    }
    try {
      return Rfc3339.epochSeconds(time);
    } catch (DateTimeParseException e) {
      return 0;
    }
  }
}
