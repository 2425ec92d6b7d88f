package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.HashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The objects of one planning graph, numbered in key order, with lookups by key and of CRDs by the group and
 * kind they define. Only the kinds an implicit edge can start from are indexed up front (and namespaces by
 * name, the most frequent lookup); the full index, needed only for explicit dependencies, is built on first
 * use. Planning 100,000 objects builds no index of the other 60,000.
 */
final class KeyIndex {
  private final List<Resource> objects;
  private final HashMap<String, Integer> namespaces = new HashMap<>();
  private final HashMap<ResourceKey, Integer> prerequisites = new HashMap<>();
  private final HashMap<GroupKind, Integer> crds = new HashMap<>();
  private @Nullable HashMap<ResourceKey, Integer> all;

  /** @param objects the graph's objects, sorted by key */
  KeyIndex(List<Resource> objects) {
    this.objects = objects;
    for (int i = 0; i < objects.size(); i++) {
      Resource object = objects.get(i);
      ResourceKey key = object.key();
      if (!canBePrerequisite(key)) {
        continue;
      }
      if (key.group().isEmpty() && key.kind().equals("Namespace")) {
        namespaces.put(key.name(), i);
      } else {
        prerequisites.put(key, i);
      }
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

  /** The kinds {@link EdgeFinder} looks up: what pod templates, bindings and webhooks reference, and containers. */
  private static boolean canBePrerequisite(ResourceKey key) {
    switch (key.group()) {
      case "":
        switch (key.kind()) {
          case "Namespace":
          case "ServiceAccount":
          case "Secret":
          case "ConfigMap":
          case "PersistentVolumeClaim":
          case "Service":
            return true;
          default:
            return false;
        }
      case "rbac.authorization.k8s.io":
        return key.kind().equals("Role") || key.kind().equals("ClusterRole");
      case "apiextensions.k8s.io":
        return key.kind().equals("CustomResourceDefinition");
      default:
        return false;
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

  /** The index of the Namespace called {@code name}, or -1. */
  int namespace(String name) {
    Integer i = namespaces.isEmpty() ? null : namespaces.get(name);
    return i == null ? -1 : i;
  }

  /** The index of an object of an indexed kind with these key parts, or -1 (also for names no key can have). */
  int find(String group, String kind, String namespace, String name) {
    if (name.isEmpty() || name.indexOf('/') >= 0 || namespace.indexOf('/') >= 0) {
      return -1;
    }
    Integer i = prerequisites.get(new ResourceKey(group, kind, namespace, name));
    return i == null ? -1 : i;
  }

  /** The index of the object with {@code key}, of any kind, or -1. */
  int find(ResourceKey key) {
    HashMap<ResourceKey, Integer> index = all;
    if (index == null) {
      index = new HashMap<>(objects.size() * 2);
      for (int i = 0; i < objects.size(); i++) {
        index.put(objects.get(i).key(), i);
      }
      all = index;
    }
    Integer i = index.get(key);
    return i == null ? -1 : i;
  }

  /** The index of the CRD that defines {@code group}/{@code kind}, or -1. */
  int crdOf(String group, String kind) {
    if (crds.isEmpty() || group.isEmpty()) {
      return -1;
    }
    Integer i = crds.get(GroupKind.of(group, kind));
    return i == null ? -1 : i;
  }
}
