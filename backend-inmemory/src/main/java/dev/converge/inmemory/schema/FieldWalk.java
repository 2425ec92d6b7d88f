package dev.converge.inmemory.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One walk of an object against a {@link FieldSchema}: what it finds (unknown fields, the first value of the
 * wrong type, apply's messages; or, when pruning, the removals to make), and the path to the value being walked,
 * kept as a stack and rendered only for a finding, three ways: with list indices as Go's strict decoding names a
 * field, struct fields only as Go's type errors name it, and as structured-merge-diff prints it.
 */
final class FieldWalk {
  final boolean remove;
  final List<String> unknown = new ArrayList<>(0);
  final List<String> applyErrors = new ArrayList<>(0);
  /** In a pruning walk, the removals of unknown members, run once the walk is over. */
  final List<Runnable> removals = new ArrayList<>(0);
  @Nullable String decodeError;
  /** Where {@link #decodeError} was found, as {@link #path()} names it. */
  String decodeErrorField = "";
  /**
   * The path to the value being walked, one level per entry: a field's name, or (name null) a list index;
   * {@code member} marks a map's key, which is not a struct field. Texts are built only for a finding.
   */
  private String[] names = new String[16];
  private int[] indices = new int[16];
  private boolean[] members = new boolean[16];
  /** For a list index, the item (whose key fields name it in apply's messages). */
  private JsonNode[] items = new JsonNode[16];
  int depth;
  /** The kind whose list keys name keyed items in apply's messages; null when none are made. */
  private final @Nullable GroupKind kind;

  FieldWalk(boolean remove, @Nullable GroupKind kind) {
    this.remove = remove;
    this.kind = kind;
  }

  void push(@Nullable String name, int index, boolean member, @Nullable JsonNode item) {
    if (depth == names.length) {
      names = Arrays.copyOf(names, depth * 2);
      indices = Arrays.copyOf(indices, depth * 2);
      members = Arrays.copyOf(members, depth * 2);
      items = Arrays.copyOf(items, depth * 2);
    }
    names[depth] = name;
    indices[depth] = index;
    members[depth] = member;
    items[depth] = item;
    depth++;
  }

  /**
   * The path as structured-merge-diff prints it: {@code .spec.template.spec.containers[name="app"].image}, the
   * items of keyed lists named by their keys ({@code [containerPort=80,protocol="TCP"]}), of sets by value
   * ({@code [=a]}), of atomic lists by index.
   */
  String applyPath() {
    StringBuilder path = new StringBuilder();
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      if (names[i] != null) {
        path.append('.').append(names[i]);
        fields.add(names[i]);
        continue;
      }
      ListType list = kind == null ? ListType.atomic() : ListKeys.of(kind, fields);
      JsonNode item = items[i];
      if (list.isMap() && item != null && item.isObject()) {
        List<String> keys = new ArrayList<>(list.keys());
        keys.sort(null);
        path.append('[');
        for (int k = 0; k < keys.size(); k++) {
          JsonNode key = item.get(keys.get(k));
          String shown = key == null ? "\"" + list.keyDefaults().getOrDefault(keys.get(k), "") + "\"" : key.toString();
          path.append(k == 0 ? "" : ",").append(keys.get(k)).append('=').append(shown);
        }
        path.append(']');
      } else if (list.kind() == ListType.Kind.SET && item != null && item.isValueNode()) {
        path.append("[=").append(item).append(']');
      } else {
        path.append('[').append(indices[i]).append(']');
      }
    }
    return path.toString();
  }

  /** The path with list indices: {@code spec.template.spec.containers[0].image}. */
  String path() {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (names[i] == null) {
        path.append('[').append(indices[i]).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(names[i]);
      }
    }
    return path.toString();
  }

  /** Struct fields only, as Go's decoder names a field: {@code spec.template.spec.containers.image}. */
  String goPath() {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (names[i] != null && !members[i]) {
        path.append(path.length() == 0 ? "" : ".").append(names[i]);
      }
    }
    return path.toString();
  }
}
