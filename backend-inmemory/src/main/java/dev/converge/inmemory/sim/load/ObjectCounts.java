package dev.converge.inmemory.sim.load;

import dev.converge.inmemory.server.Kinds;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import dev.converge.inmemory.store.ObjectCache;
import java.util.HashMap;
import java.util.Map;

/**
 * How many objects a LIST would walk, kept up to date from the store's changes: per kind, per kind and
 * namespace, and pods per node (the watch cache's {@code spec.nodeName} index). It is what kube-apiserver's
 * object count tracker is to the list work estimator, finer grained: the estimate can follow the namespace
 * and the index, as the in-memory server's lists do.
 */
final class ObjectCounts implements ChangeListener {
  private static final GroupKind POD = GroupKind.of("", "Pod");

  private final Map<GroupKind, KindCount> kinds = new HashMap<>();
  private final Map<String, int[]> podsByNode = new HashMap<>();

  /** Counts what {@code cache} holds now; call under the server's lock. */
  void load(ObjectCache cache) {
    for (GroupKind kind : cache.kinds()) {
      for (Resource object : cache.objects(kind).values()) {
        added(object);
      }
    }
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    switch (change.type()) {
      case ADDED:
        added(object);
        break;
      case DELETED:
        removed(object);
        break;
      default:
        // Only a pod's binding moves it between index entries; every other update leaves the counts alone.
        if (Kinds.is(object, POD) && change.previous() != null) {
          String before = nodeOf(change.previous());
          String after = nodeOf(object);
          if (!before.equals(after)) {
            node(before)[0]--;
            node(after)[0]++;
          }
        }
    }
  }

  /** Objects of {@code kind}; in {@code namespace} unless it is empty. */
  int count(GroupKind kind, String namespace) {
    KindCount count = kinds.get(kind);
    if (count == null) {
      return 0;
    }
    if (namespace.isEmpty()) {
      return count.total;
    }
    int[] inNamespace = count.byNamespace.get(namespace);
    return inNamespace == null ? 0 : inNamespace[0];
  }

  /** Pods bound to {@code node}. */
  int podsOn(String node) {
    int[] count = podsByNode.get(node);
    return count == null ? 0 : count[0];
  }

  private void added(Resource object) {
    KindCount count = kinds.computeIfAbsent(object.groupKind(), k -> new KindCount());
    count.total++;
    count.byNamespace.computeIfAbsent(object.namespace(), n -> new int[1])[0]++;
    if (Kinds.is(object, POD)) {
      node(nodeOf(object))[0]++;
    }
  }

  private void removed(Resource object) {
    KindCount count = kinds.get(object.groupKind());
    if (count == null) {
      return;
    }
    count.total--;
    int[] inNamespace = count.byNamespace.get(object.namespace());
    if (inNamespace != null) {
      inNamespace[0]--;
    }
    if (Kinds.is(object, POD)) {
      node(nodeOf(object))[0]--;
    }
  }

  private int[] node(String name) {
    return podsByNode.computeIfAbsent(name, n -> new int[1]);
  }

  private static String nodeOf(Resource pod) {
    return pod.json().path("spec").path("nodeName").asText("");
  }

  private static final class KindCount {
    int total;
    final Map<String, int[]> byNamespace = new HashMap<>();
  }
}
