package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.HashMap;
import java.util.List;

/**
 * The objects of one planning graph, numbered in key order, with lookups by key parts (no key is built for a
 * reference that names nothing in the graph) and of CRDs by the group and kind they define.
 */
final class KeyIndex {
  private final List<Resource> objects;
  /** group -> kind -> namespace -> name -> index. */
  private final HashMap<String, HashMap<String, HashMap<String, HashMap<String, Integer>>>> byGroup = new HashMap<>();
  private final HashMap<GroupKind, Integer> crds = new HashMap<>();

  /** @param objects the graph's objects, sorted by key */
  KeyIndex(List<Resource> objects) {
    this.objects = objects;
    for (int i = 0; i < objects.size(); i++) {
      Resource object = objects.get(i);
      ResourceKey key = object.key();
      byGroup.computeIfAbsent(key.group(), k -> new HashMap<>())
          .computeIfAbsent(key.kind(), k -> new HashMap<>())
          .computeIfAbsent(key.namespace(), k -> new HashMap<>())
          .put(key.name(), i);
      if (key.group().equals("apiextensions.k8s.io") && key.kind().equals("CustomResourceDefinition")) {
        JsonNode spec = object.spec();
        String group = spec.path("group").asText("");
        String kind = spec.path("names").path("kind").asText("");
        if (!kind.isEmpty() && Character.isUpperCase(kind.charAt(0)) && group.indexOf('/') < 0) {
          crds.putIfAbsent(GroupKind.of(group, kind), i);
        }
      }
    }
  }

  int size() {
    return objects.size();
  }

  Resource object(int i) {
    return objects.get(i);
  }

  ResourceKey key(int i) {
    return objects.get(i).key();
  }

  /** The index of the object with these key parts, or -1. */
  int find(String group, String kind, String namespace, String name) {
    HashMap<String, HashMap<String, HashMap<String, Integer>>> kinds = byGroup.get(group);
    HashMap<String, HashMap<String, Integer>> namespaces = kinds == null ? null : kinds.get(kind);
    if (namespaces == null) {
      return -1;
    }
    HashMap<String, Integer> names = namespaces.get(namespace);
    if (names == null) {
      return -1;
    }
    Integer i = names.get(name);
    return i == null ? -1 : i;
  }

  int find(ResourceKey key) {
    return find(key.group(), key.kind(), key.namespace(), key.name());
  }

  /** The index of the CRD that defines {@code kind}, or -1. */
  int crdOf(GroupKind kind) {
    if (crds.isEmpty()) {
      return -1;
    }
    Integer i = crds.get(kind);
    return i == null ? -1 : i;
  }
}
