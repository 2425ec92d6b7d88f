package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.core.schema.ListType;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a tree walk is, as a stack of segments: object fields and list elements. Pushing and popping only
 * store references; the string form ({@code spec.template.spec.containers[name=agent].image}) is built when
 * a change or an edge is recorded, so walking unchanged trees builds no strings.
 *
 * <p>Rendering: fields are dotted; a field that is not a plain name ({@code [A-Za-z0-9_-]+}) is bracketed and
 * quoted ({@code metadata.labels["app.kubernetes.io/name"]}); elements of keyed lists print their keys,
 * defaulted ones included ({@code ports[containerPort=8126,protocol=TCP]}); other elements their index.
 */
final class DiffPath {
  private String[] names = new String[32];
  private @Nullable JsonNode[] elements = new JsonNode[32];
  private @Nullable ListType[] types = new ListType[32];
  private int[] indices = new int[32];
  private int depth;

  private String[] fields = new String[32];
  private int fieldDepth;
  private final List<String> fieldView = new AbstractList<>() {
    @Override
    public String get(int index) {
      return fields[index];
    }

    @Override
    public int size() {
      return fieldDepth;
    }
  };

  void clear() {
    Arrays.fill(elements, 0, depth, null);
    Arrays.fill(types, 0, depth, null);
    depth = 0;
    fieldDepth = 0;
  }

  void pushField(String name) {
    grow();
    names[depth] = name;
    elements[depth] = null;
    types[depth] = null;
    depth++;
    if (fieldDepth == fields.length) {
      fields = Arrays.copyOf(fields, fieldDepth * 2);
    }
    fields[fieldDepth++] = name;
  }

  /** An element of a list of type {@code type}, at {@code index} in the list it was taken from. */
  void pushElement(JsonNode element, ListType type, int index) {
    grow();
    names[depth] = "";
    elements[depth] = element;
    types[depth] = type;
    indices[depth] = index;
    depth++;
  }

  void pop() {
    depth--;
    if (types[depth] == null) {
      fieldDepth--;
    }
  }

  int depth() {
    return depth;
  }

  /** The object fields from the root, list elements left out: what {@code ListKeys} reads. A live view. */
  List<String> fields() {
    return fieldView;
  }

  boolean isField(int i) {
    return types[i] == null;
  }

  String name(int i) {
    return names[i];
  }

  /** The innermost object field, or empty at the root or directly on a list element. */
  String lastField() {
    return depth == 0 || types[depth - 1] != null ? "" : names[depth - 1];
  }

  /** The first segment (the top-level field), or empty at the root. */
  String topField() {
    return depth == 0 ? "" : names[0];
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(64);
    for (int i = 0; i < depth; i++) {
      ListType type = types[i];
      if (type == null) {
        appendField(out, names[i], i == 0);
      } else {
        appendElement(out, elements[i], type, indices[i]);
      }
    }
    return out.toString();
  }

  static void appendField(StringBuilder out, String name, boolean first) {
    if (isPlain(name)) {
      if (!first) {
        out.append('.');
      }
      out.append(name);
    } else {
      out.append('[');
      quote(out, name);
      out.append(']');
    }
  }

  static void appendElement(StringBuilder out, @Nullable JsonNode element, ListType type, int index) {
    out.append('[');
    if (type.isMap() && element != null && element.isObject()) {
      boolean first = true;
      for (String key : type.keys()) {
        JsonNode value = element.get(key);
        String text = value != null && !value.isNull() ? value.asText() : type.keyDefaults().get(key);
        if (text == null) {
          continue;
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(key).append('=');
        if (isPlainValue(text)) {
          out.append(text);
        } else {
          quote(out, text);
        }
      }
    } else {
      out.append(index);
    }
    out.append(']');
  }

  private void grow() {
    if (depth == names.length) {
      int size = depth * 2;
      names = Arrays.copyOf(names, size);
      elements = Arrays.copyOf(elements, size);
      types = Arrays.copyOf(types, size);
      indices = Arrays.copyOf(indices, size);
    }
  }

  private static boolean isPlain(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Key values may hold dots and slashes ({@code mountPath=/var/run/datadog}); only delimiters need quotes. */
  private static boolean isPlainValue(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '[' || c == ']' || c == ',' || c == '=' || c == '"' || c == ' ' || c < 0x20) {
        return false;
      }
    }
    return true;
  }

  private static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
