package dev.converge.inmemory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.inmemory.json.Rfc3339;
import dev.converge.inmemory.json.Trees;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The managed fields of the most common writes of a large cluster, computed without decoding field sets: a
 * kubelet renewing its Lease, posting its node's status, reporting a pod's status — a writer changing values it
 * already owns. When the stored object's {@code managedFields} has an {@code Update} entry of this very writer
 * (manager, API version, subresource), and the write changes only scalar values outside {@code metadata} at
 * paths that entry lists and no other entry does — keys, array lengths and the keys of associative list
 * elements unchanged — the full algorithm ({@code ManagedFields.recordUpdate}) takes those fields from the
 * writer and gives them back: every set stays as it was and only the writer's {@code time} moves (entries then
 * sorted as Kubernetes sorts them). This class returns exactly that list, or null when any condition fails and
 * the full algorithm must run; {@code OwnedValuesShortcutTest} checks it against the full algorithm.
 */
final class OwnedValuesShortcut {
  private static final Map<String, String> FIELD_KEYS = new ConcurrentHashMap<>();
  private static final Map<String, JsonNode> ELEMENT_KEYS = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 100_000;

  /** {@code FieldManagers.encodeInto}'s order: operation, time (seconds), manager, API version, subresource. */
  private static final Comparator<JsonNode> ORDER = Comparator
      .<JsonNode, String>comparing(e -> e.path("operation").asText())
      .thenComparingLong(e -> seconds(e.path("time").asText(null)))
      .thenComparing(e -> e.path("manager").asText())
      .thenComparing(e -> e.path("apiVersion").asText())
      .thenComparing(e -> e.path("subresource").asText(""));

  private OwnedValuesShortcut() {}

  /** The new {@code managedFields}, or null when the shortcut does not apply. */
  static @Nullable JsonNode managedFields(@Nullable ObjectNode before, ObjectNode after, String manager,
      @Nullable String subresource, String apiVersion, String time) {
    if (before == null) {
      return null;
    }
    JsonNode stored = before.path("metadata").get("managedFields");
    if (stored == null || !stored.isArray() || stored.isEmpty() || stored.size() > 10) {
      return null;
    }
    if (subresource == null) {
      JsonNode supplied = after.path("metadata").get("managedFields");
      if (supplied != null && !(supplied.isArray() && supplied.isEmpty()) && !Trees.equal(supplied, stored)) {
        return null;
      }
    }
    int writer = writerIndex(stored, manager.isEmpty() ? "unknown" : manager, subresource == null ? "" : subresource,
        apiVersion);
    if (writer < 0) {
      return null;
    }
    List<List<String>> changed = new ArrayList<>();
    JsonNode owned = stored.get(writer).path("fieldsV1");
    if (!sameMetadata(before.path("metadata"), after.path("metadata"))
        || !walkObject(before, after, owned, new ArrayList<>(), changed, true) || changed.isEmpty()) {
      return null;
    }
    for (int i = 0; i < stored.size(); i++) {
      if (i == writer) {
        continue;
      }
      JsonNode fields = stored.get(i).path("fieldsV1");
      for (List<String> path : changed) {
        if (contains(fields, path)) {
          return null;
        }
      }
    }
    ObjectNode updated = Trees.shallowCopy(stored.get(writer));
    updated.put("time", time);
    if (stored.size() == 1) {
      return Json.array().add(updated);
    }
    List<JsonNode> entries = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      entries.add(i == writer ? updated : stored.get(i));
    }
    if (entries.size() > 1) {
      entries.sort(ORDER);
    }
    ArrayNode list = Json.array();
    entries.forEach(list::add);
    return list;
  }

  /**
   * The index of the writer's Update entry; -1 when there is none, or when any entry is not a plain FieldsV1
   * entry or two entries share an identity (which decoding would merge).
   */
  private static int writerIndex(JsonNode stored, String manager, String subresource, String apiVersion) {
    int size = stored.size();
    if (size == 1) {
      // One entry shares its identity with no other: only whether it is plain and the writer's is left.
      JsonNode entry = stored.get(0);
      String operation = entry.path("operation").asText();
      boolean plain = (operation.equals("Update") || operation.equals("Apply")) && entry.path("fieldsV1").isObject()
          && entry.path("fieldsType").asText("FieldsV1").equals("FieldsV1");
      return plain && operation.equals("Update") && entry.path("manager").asText().equals(manager)
          && entry.path("apiVersion").asText().equals(apiVersion)
          && entry.path("subresource").asText("").equals(subresource) ? 0 : -1;
    }
    int writer = -1;
    // The identities (manager, operation, API version for Update, subresource) compared pairwise: at most ten
    // entries, and no string is built per request.
    String[] managers = new String[size];
    String[] operations = new String[size];
    String[] versions = new String[size];
    String[] subresources = new String[size];
    for (int i = 0; i < size; i++) {
      JsonNode entry = stored.get(i);
      String operation = entry.path("operation").asText();
      if (!(operation.equals("Update") || operation.equals("Apply")) || !entry.path("fieldsV1").isObject()
          || !entry.path("fieldsType").asText("FieldsV1").equals("FieldsV1")) {
        return -1;
      }
      String entryManager = entry.path("manager").asText();
      String entryVersion = operation.equals("Update") ? entry.path("apiVersion").asText() : "";
      String entrySubresource = entry.path("subresource").asText("");
      for (int j = 0; j < i; j++) {
        if (managers[j].equals(entryManager) && operations[j].equals(operation) && versions[j].equals(entryVersion)
            && subresources[j].equals(entrySubresource)) {
          return -1;
        }
      }
      managers[i] = entryManager;
      operations[i] = operation;
      versions[i] = entryVersion;
      subresources[i] = entrySubresource;
      if (operation.equals("Update") && entryManager.equals(manager)
          && entry.path("apiVersion").asText().equals(apiVersion) && entrySubresource.equals(subresource)) {
        writer = i;
      }
    }
    return writer;
  }

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

  /**
   * Walks two objects of the same shape along the writer's FieldsV1 ({@code owned}), collecting the FieldsV1
   * paths of the scalar values that differ; false when the shapes differ or a difference is not the writer's.
   */
  private static boolean walkObject(JsonNode a, JsonNode b, JsonNode owned, List<String> path,
      List<List<String>> changed, boolean root) {
    if (a.size() != b.size() || !(a instanceof ObjectNode object)) {
      return false;
    }
    ObjectWalk walk = new ObjectWalk(b, owned, path, changed, root);
    object.forEachEntry(walk);
    return walk.ok;
  }

  /**
   * {@link #walkObject}'s visit of one member of {@code a}: the members are visited with {@link
   * ObjectNode#forEachEntry} (a stored, frozen object answers from its arrays, where iterating its entries
   * would allocate one per member); after the first failure the rest are skipped.
   */
  private static final class ObjectWalk implements BiConsumer<String, JsonNode> {
    private final JsonNode b;
    private final JsonNode owned;
    private final List<String> path;
    private final List<List<String>> changed;
    private final boolean root;
    boolean ok = true;

    ObjectWalk(JsonNode b, JsonNode owned, List<String> path, List<List<String>> changed, boolean root) {
      this.b = b;
      this.owned = owned;
      this.path = path;
      this.changed = changed;
      this.root = root;
    }

    @Override
    public void accept(String name, JsonNode x) {
      if (!ok || root && name.equals("metadata")) {
        return;
      }
      JsonNode y = b.get(name);
      if (y == null) {
        ok = false;
        return;
      }
      if (x == y) {
        return;
      }
      String key = fieldKey(name);
      if (!walkValue(x, y, owned.get(key), path, key, changed)) {
        ok = false;
      }
    }
  }

  private static boolean walkValue(JsonNode x, JsonNode y, @Nullable JsonNode owned, List<String> path, String key,
      List<List<String>> changed) {
    if (x.getNodeType() != y.getNodeType()) {
      return false;
    }
    if (x.isObject() || x.isArray()) {
      if (Trees.equal(x, y)) {
        return true;
      }
      if (owned == null || !owned.isObject() || owned.isEmpty() || x.size() != y.size()) {
        return false;
      }
      path.add(key);
      boolean ok = x.isObject() ? walkObject(x, y, owned, path, changed, false) : walkList(x, y, owned, path, changed);
      path.remove(path.size() - 1);
      return ok;
    }
    if (Trees.equal(x, y)) {
      return true;
    }
    if (x.isNull() || owned == null || !owned.isObject()) {
      return false;
    }
    List<String> leaf = new ArrayList<>(path.size() + 1);
    leaf.addAll(path);
    leaf.add(key);
    changed.add(leaf);
    return true;
  }

  /** An associative list whose elements the writer owns by key ({@code k:{…}}), compared element by element. */
  private static boolean walkList(JsonNode x, JsonNode y, JsonNode owned, List<String> path,
      List<List<String>> changed) {
    for (int i = 0; i < x.size(); i++) {
      JsonNode before = x.get(i);
      JsonNode after = y.get(i);
      if (Trees.equal(before, after)) {
        continue;
      }
      if (!before.isObject() || !after.isObject()) {
        return false;
      }
      String elementKey = null;
      for (Map.Entry<String, JsonNode> child : owned.properties()) {
        String name = child.getKey();
        if (name.startsWith("k:") && matches(elementKey(name), before) && matches(elementKey(name), after)) {
          elementKey = name;
          break;
        }
      }
      if (elementKey == null) {
        return false;
      }
      JsonNode ownedElement = owned.get(elementKey);
      if (!ownedElement.isObject() || ownedElement.isEmpty()) {
        return false;
      }
      path.add(elementKey);
      boolean ok = walkObject(before, after, ownedElement, path, changed, false);
      path.remove(path.size() - 1);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(@Nullable JsonNode key, JsonNode element) {
    if (key == null || !key.isObject() || key.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> part : key.properties()) {
      if (!part.getValue().equals(element.get(part.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(JsonNode fields, List<String> path) {
    JsonNode node = fields;
    for (String key : path) {
      node = node.get(key);
      if (node == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Metadata must not change but for the server's {@code resourceVersion} and {@code managedFields}. The new
   * metadata ({@code b}, the server's working copy) is the one iterated: the stored one is frozen, and
   * iterating a frozen object allocates an entry per member.
   */
  private static boolean sameMetadata(JsonNode a, JsonNode b) {
    if (!b.isObject()) {
      return false;
    }
    int compared = 0;
    for (Map.Entry<String, JsonNode> field : b.properties()) {
      String name = field.getKey();
      if (name.equals("resourceVersion") || name.equals("managedFields")) {
        continue;
      }
      compared++;
      if (!Trees.equal(a.get(name), field.getValue())) {
        return false;
      }
    }
    return compared == Trees.sizeWithout(a, "resourceVersion", "managedFields");
  }

  private static String fieldKey(String name) {
    String key = FIELD_KEYS.get(name);
    if (key == null) {
      key = "f:" + name;
      if (FIELD_KEYS.size() < MAX_CACHED) {
        FIELD_KEYS.put(name, key);
      }
    }
    return key;
  }

  private static @Nullable JsonNode elementKey(String name) {
    JsonNode key = ELEMENT_KEYS.get(name);
    if (key == null) {
      try {
        key = Json.parse(name.substring(2));
      } catch (RuntimeException e) {
        return null;
      }
      if (ELEMENT_KEYS.size() < MAX_CACHED) {
        ELEMENT_KEYS.put(name, key);
      }
    }
    return key;
  }
}
