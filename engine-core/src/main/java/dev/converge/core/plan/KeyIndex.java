package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.HashMap;
import java.util.List;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The objects of one planning graph, numbered in key order, with lookups by key and of CRDs by the group and
 * kind they define. The objects come sorted by key, so a lookup is a binary search over them and nothing is
 * built up front: a plan with a few actions among 100,000 objects looks up a few thousand keys, which costs
 * less than hashing 100,000 keys into a map would. Only the CRDs, a contiguous run of the sorted objects, are
 * indexed by what they define, on first use.
 */
final class KeyIndex {
  private static final String CRD_GROUP = "apiextensions.k8s.io";
  private static final String CRD_KIND = "CustomResourceDefinition";

  private final List<Resource> objects;
  private @Nullable HashMap<GroupKind, Integer> crds;

  /** @param objects the graph's objects, sorted by key */
  KeyIndex(List<Resource> objects) {
    this.objects = objects;
  }

  /** The kinds {@link EdgeFinder} looks up: what pod templates, bindings and webhooks reference, and containers. */
  private static boolean canBePrerequisite(String group, String kind) {
    switch (group) {
      case "":
        switch (kind) {
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
        return kind.equals("Role") || kind.equals("ClusterRole");
      case CRD_GROUP:
        return kind.equals(CRD_KIND);
      case "node.k8s.io":
        return kind.equals("RuntimeClass");
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
    return find("", "Namespace", "", name);
  }

  /** The index of an object of an indexed kind with these key parts, or -1 (also for names no key can have). */
  int find(String group, String kind, String namespace, String name) {
    if (name.isEmpty() || name.indexOf('/') >= 0 || namespace.indexOf('/') >= 0 || !canBePrerequisite(group, kind)) {
      return -1;
    }
    return find(new ResourceKey(group, kind, namespace, name));
  }

  /** The index of the object with {@code key}, of any kind, or -1. */
  int find(ResourceKey key) {
    int at = lowerBound(key);
    return at < objects.size() && objects.get(at).key().equals(key) ? at : -1;
  }

  /** The index of the CRD that defines {@code group}/{@code kind}, or -1. */
  int crdOf(String group, String kind) {
    if (group.isEmpty()) {
      return -1;
    }
    HashMap<GroupKind, Integer> index = crds;
    if (index == null) {
      index = new HashMap<>();
      for (int i = firstOfKind(CRD_GROUP, CRD_KIND); i < objects.size(); i++) {
        Resource object = objects.get(i);
        if (!object.key().group().equals(CRD_GROUP) || !object.key().kind().equals(CRD_KIND)) {
          break;
        }
        JsonNode spec = object.spec();
        String defines = spec.path("group").asText("");
        String named = spec.path("names").path("kind").asText("");
        if (!named.isEmpty() && Character.isUpperCase(named.charAt(0)) && defines.indexOf('/') < 0) {
          index.putIfAbsent(GroupKind.of(defines, named), i);
        }
      }
      crds = index;
    }
    if (index.isEmpty()) {
      return -1;
    }
    Integer i = index.get(GroupKind.of(group, kind));
    return i == null ? -1 : i;
  }

  /** The index of the first object of this group and kind or after it (keys sort by group, then kind). */
  private int firstOfKind(String group, String kind) {
    return firstNotBelow(at -> {
      int c = at.group().compareTo(group);
      return c == 0 ? at.kind().compareTo(kind) : c;
    });
  }

  /** The index of the first object whose key is not below {@code key}. */
  private int lowerBound(ResourceKey key) {
    return firstNotBelow(at -> at.compareTo(key));
  }

  /** Binary search: the first object whose key {@code order} does not rank below 0 (objects are sorted by key). */
  private int firstNotBelow(ToIntFunction<ResourceKey> order) {
    int low = 0;
    int high = objects.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (order.applyAsInt(objects.get(mid).key()) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
