package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One step of a field path, as structured-merge-diff's {@code fieldpath.PathElement}: an object field
 * ({@code f:name}), a list element identified by its key fields ({@code k:{"name":"web"}}), a set element
 * identified by its value ({@code v:"finalizer"}), or, only where nothing else identifies an element, a
 * list index ({@code i:0}).
 *
 * <p>The natural order is structured-merge-diff's: fields before keys before values before indices, each
 * sorted within its kind. It decides the order of the FieldsV1 JSON and of conflict lists.
 */
final class PathElement implements Comparable<PathElement> {
  enum Kind {
    FIELD,
    KEY,
    VALUE,
    INDEX
  }

  /** One key field of a keyed list element, its value in {@link PatchValues#canonical canonical} form. */
  record KeyField(String name, JsonNode value) {}

  private static final Comparator<KeyField> BY_NAME = Comparator.comparing(KeyField::name);

  /**
   * How many field names and FieldsV1 keys are interned. The tables memoize pure functions of their keys
   * (equal elements whichever instance is returned), so they change no result; they only spare every apply
   * and every decoded {@code managedFields} entry the allocation of elements for the same few hundred field
   * names and list keys, and the re-encoding of their FieldsV1 keys. Once full they stop growing.
   */
  static final int INTERN_LIMIT = 1 << 15;

  private static final ConcurrentHashMap<String, PathElement> FIELDS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, PathElement> PARSED = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<ImmutableList<KeyField>, PathElement> KEYS = new ConcurrentHashMap<>();

  private final Kind kind;
  private final String name;
  private final ImmutableList<KeyField> key;
  private final @Nullable JsonNode value;
  private final int index;
  private final int hash;
  private @Nullable String fieldsV1;

  private PathElement(Kind kind, String name, ImmutableList<KeyField> key, @Nullable JsonNode value, int index) {
    this.kind = kind;
    this.name = name;
    this.key = key;
    this.value = value;
    this.index = index;
    this.hash = switch (kind) {
      case FIELD -> name.hashCode();
      case KEY -> 31 * key.hashCode() + 1;
      case VALUE -> 31 * Objects.requireNonNull(value).hashCode() + 2;
      case INDEX -> 31 * index + 3;
    };
  }

  static PathElement field(String name) {
    PathElement element = FIELDS.get(name);
    if (element == null) {
      element = new PathElement(Kind.FIELD, name, ImmutableList.of(), null, 0);
      if (FIELDS.size() < INTERN_LIMIT) {
        PathElement raced = FIELDS.putIfAbsent(name, element);
        if (raced != null) {
          element = raced;
        }
      }
    }
    return element;
  }

  /** A keyed list element; the key fields are sorted by name and their values canonicalised. */
  static PathElement key(List<KeyField> fields) {
    ImmutableList<KeyField> key;
    if (fields.size() == 1) {
      KeyField only = fields.get(0);
      JsonNode value = PatchValues.canonical(only.value());
      key = ImmutableList.of(value == only.value() ? only : new KeyField(only.name(), value));
    } else {
      List<KeyField> sorted = new ArrayList<>(fields.size());
      for (KeyField field : fields) {
        sorted.add(new KeyField(field.name(), PatchValues.canonical(field.value())));
      }
      sorted.sort(BY_NAME);
      key = ImmutableList.copyOf(sorted);
    }
    boolean scalars = true;
    for (KeyField field : key) {
      scalars &= !field.value().isContainerNode(); // only immutable values go into the shared table
    }
    PathElement element = scalars ? KEYS.get(key) : null;
    if (element == null) {
      element = new PathElement(Kind.KEY, "", key, null, 0);
      if (scalars && KEYS.size() < INTERN_LIMIT) {
        PathElement raced = KEYS.putIfAbsent(key, element);
        if (raced != null) {
          element = raced;
        }
      }
    }
    return element;
  }

  static PathElement value(JsonNode value) {
    return new PathElement(Kind.VALUE, "", ImmutableList.of(), PatchValues.canonical(value), 0);
  }

  static PathElement index(int index) {
    return new PathElement(Kind.INDEX, "", ImmutableList.of(), null, index);
  }

  Kind kind() {
    return kind;
  }

  boolean isField() {
    return kind == Kind.FIELD;
  }

  /** The field name of a {@link Kind#FIELD} element. */
  String name() {
    return name;
  }

  /** The key of the element in the FieldsV1 encoding: {@code f:image}, {@code k:{"name":"web"}}. */
  String fieldsV1() {
    String text = fieldsV1;
    if (text == null) {
      text = switch (kind) {
        case FIELD -> "f:" + name;
        case KEY -> keyText();
        case VALUE -> "v:" + JsonText.scalar(Objects.requireNonNull(value));
        case INDEX -> "i:" + index;
      };
      fieldsV1 = text; // a benign race: every thread computes the same string
    }
    return text;
  }

  /**
   * Parses a FieldsV1 key.
   *
   * @throws IllegalArgumentException if it is not one
   */
  static PathElement parse(String text) {
    PathElement known = PARSED.get(text);
    if (known != null) {
      return known;
    }
    PathElement parsed = parseText(text);
    if (parsed.fieldsV1 == null && parsed.fieldsV1().equals(text)) {
      parsed.fieldsV1 = text; // the stored spelling is the canonical one: keep that string, not an equal copy
    }
    if (PARSED.size() < INTERN_LIMIT) {
      PathElement raced = PARSED.putIfAbsent(text, parsed);
      if (raced != null) {
        return raced;
      }
    }
    return parsed;
  }

  private static PathElement parseText(String text) {
    if (text.length() < 2 || text.charAt(1) != ':') {
      throw new IllegalArgumentException("not a FieldsV1 path element: " + text);
    }
    String body = text.substring(2);
    switch (text.charAt(0)) {
      case 'f':
        return field(body);
      case 'k': {
        JsonNode object = Json.parse(body);
        if (!object.isObject()) {
          throw new IllegalArgumentException("a FieldsV1 key must be a JSON object: " + text);
        }
        List<KeyField> fields = new ArrayList<>(object.size());
        for (Map.Entry<String, JsonNode> field : object.properties()) {
          fields.add(new KeyField(field.getKey(), field.getValue()));
        }
        return key(fields);
      }
      case 'v':
        return value(Json.parse(body));
      case 'i':
        try {
          return index(Integer.parseInt(body));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a FieldsV1 index: " + text, e);
        }
      default:
        throw new IllegalArgumentException("not a FieldsV1 path element: " + text);
    }
  }

  /** {@code k:} and the key's JSON object, written as Jackson writes it ({@link JsonText}). */
  private String keyText() {
    StringBuilder out = new StringBuilder(24).append("k:{");
    for (int i = 0; i < key.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      JsonText.string(out, key.get(i).name());
      out.append(':');
      JsonText.scalar(out, key.get(i).value());
    }
    return out.append('}').toString();
  }

  /** structured-merge-diff's path notation: {@code .image}, {@code [name="web"]}, {@code [="x"]}, {@code [0]}. */
  @Override
  public String toString() {
    switch (kind) {
      case FIELD:
        return "." + name;
      case KEY: {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < key.size(); i++) {
          out.append(i == 0 ? "" : ",").append(key.get(i).name()).append('=').append(Json.write(key.get(i).value()));
        }
        return out.append(']').toString();
      }
      case VALUE:
        return "[=" + Json.write(Objects.requireNonNull(value)) + "]";
      default:
        return "[" + index + "]";
    }
  }

  @Override
  public int compareTo(PathElement other) {
    if (kind != other.kind) {
      return kind.compareTo(other.kind);
    }
    switch (kind) {
      case FIELD:
        return name.compareTo(other.name);
      case KEY: {
        int n = Math.min(key.size(), other.key.size());
        for (int i = 0; i < n; i++) {
          int c = key.get(i).name().compareTo(other.key.get(i).name());
          if (c == 0) {
            c = PatchValues.compare(key.get(i).value(), other.key.get(i).value());
          }
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(key.size(), other.key.size());
      }
      case VALUE:
        return PatchValues.compare(Objects.requireNonNull(value), Objects.requireNonNull(other.value));
      default:
        return Integer.compare(index, other.index);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PathElement other
        && hash == other.hash
        && kind == other.kind
        && index == other.index
        && name.equals(other.name)
        && key.equals(other.key)
        && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
