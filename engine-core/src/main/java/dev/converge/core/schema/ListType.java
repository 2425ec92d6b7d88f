package dev.converge.core.schema;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * How a list field merges, as the Kubernetes OpenAPI extensions {@code x-kubernetes-list-type} and {@code
 * x-kubernetes-list-map-keys} (server-side apply) and {@code x-kubernetes-patch-merge-key} (strategic merge
 * patch) say.
 *
 * @param kind atomic (replaced whole), set (scalars, merged by value) or map (objects, merged by key)
 * @param keys for maps, the fields that identify an element (server-side apply's list-map keys)
 * @param keyDefaults values the server defaults for absent key fields ({@code protocol: TCP} for ports), so
 *     that a desired element without the field matches the live element that has it
 * @param patchMergeKey the single merge key strategic merge patch uses, or empty when it replaces the list
 */
public record ListType(Kind kind, ImmutableList<String> keys, ImmutableMap<String, String> keyDefaults, String patchMergeKey) {

  /** The three list types of server-side apply. */
  public enum Kind {
    ATOMIC,
    SET,
    MAP
  }

  private static final ListType ATOMIC = new ListType(Kind.ATOMIC, ImmutableList.of(), ImmutableMap.of(), "");
  private static final ListType SET = new ListType(Kind.SET, ImmutableList.of(), ImmutableMap.of(), "");

  public static ListType atomic() {
    return ATOMIC;
  }

  public static ListType set() {
    return SET;
  }

  /** A list of objects keyed by one field, which is also its strategic-merge key. */
  public static ListType map(String key) {
    return new ListType(Kind.MAP, ImmutableList.of(key), ImmutableMap.of(), key);
  }

  /** A list of objects keyed by several fields, some defaulted by the server, with its strategic-merge key. */
  public static ListType map(ImmutableList<String> keys, ImmutableMap<String, String> keyDefaults, String patchMergeKey) {
    return new ListType(Kind.MAP, keys, keyDefaults, patchMergeKey);
  }

  public boolean isMap() {
    return kind == Kind.MAP;
  }
}
