package dev.converge.inmemory.sim.controller;

import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.store.ObjectName;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * kube-controller-manager's pod informer seen by owner: pods indexed by their controller's uid, and per owner
 * kind the notifications the workload controllers' pod handlers make of it ({@code addPod}, {@code updatePod},
 * {@code deletePod}): a new pod is an observed creation, a pod marked for deletion or gone an observed deletion,
 * any other new version a reason to sync its owner. Orphans are not adopted here.
 */
public final class OwnedPods {
  /** What a workload controller hears about the pods of one owner ({@code namespace/name}). */
  public interface Listener {
    void created(String ownerKey);

    void deleted(String ownerKey);

    void changed(String ownerKey, Resource old, Resource current);
  }

  private final Map<String, TreeMap<ObjectName, Resource>> byOwner = new HashMap<>();
  private final Map<String, List<Listener>> listeners = new HashMap<>();
  /** Changes to the index so far: equal counts, the same pods for every owner. */
  private long changes;

  public OwnedPods(Informer pods) {
    pods.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource pod) {
        index(null, pod);
        OwnerReference ref = PodConditions.controllerOf(pod);
        for (Listener listener : listenersOf(ref)) {
          if (pod.isBeingDeleted()) {
            listener.deleted(ownerKey(pod, ref));
          } else {
            listener.created(ownerKey(pod, ref));
          }
        }
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        index(old, current);
        if (Objects.equals(old.resourceVersion(), current.resourceVersion())) {
          return;
        }
        OwnerReference ref = PodConditions.controllerOf(current);
        for (Listener listener : listenersOf(ref)) {
          if (current.isBeingDeleted()) {
            listener.deleted(ownerKey(current, ref));
          } else {
            listener.changed(ownerKey(current, ref), old, current);
          }
        }
      }

      @Override
      public void onDelete(Resource last) {
        unindex(last);
        OwnerReference ref = PodConditions.controllerOf(last);
        for (Listener listener : listenersOf(ref)) {
          listener.deleted(ownerKey(last, ref));
        }
      }
    });
  }

  /** Receives the pod notifications of pods controlled by a {@code ownerKind}. */
  public void addListener(String ownerKind, Listener listener) {
    listeners.computeIfAbsent(ownerKind, k -> new java.util.ArrayList<>()).add(listener);
  }

  private List<Listener> listenersOf(@Nullable OwnerReference ref) {
    return ref == null ? List.of() : listeners.getOrDefault(ref.kind(), List.of());
  }

  /** The pods whose controller has {@code ownerUid}, in namespace and name order. */
  public Collection<Resource> ownedBy(String ownerUid) {
    TreeMap<ObjectName, Resource> pods = byOwner.get(ownerUid);
    return pods == null ? List.of() : Collections.unmodifiableCollection(pods.values());
  }

  /** Changes to the index so far (any pod added, replaced by a new version, or removed). */
  public long changes() {
    return changes;
  }

  private static String ownerKey(Resource pod, OwnerReference ref) {
    return pod.namespace() + "/" + ref.name();
  }

  private void index(@Nullable Resource old, Resource current) {
    changes++;
    if (old != null) {
      OwnerReference before = PodConditions.controllerOf(old);
      OwnerReference after = PodConditions.controllerOf(current);
      if (before != null && (after == null || !before.uid().equals(after.uid()))) {
        unindex(old);
      }
    }
    OwnerReference ref = PodConditions.controllerOf(current);
    if (ref != null) {
      byOwner.computeIfAbsent(ref.uid(), k -> new TreeMap<>())
          .put(new ObjectName(current.namespace(), current.name()), current);
    }
  }

  private void unindex(Resource pod) {
    changes++;
    OwnerReference ref = PodConditions.controllerOf(pod);
    if (ref == null) {
      return;
    }
    TreeMap<ObjectName, Resource> pods = byOwner.get(ref.uid());
    if (pods != null) {
      pods.remove(new ObjectName(pod.namespace(), pod.name()));
      if (pods.isEmpty()) {
        byOwner.remove(ref.uid());
      }
    }
  }
}
