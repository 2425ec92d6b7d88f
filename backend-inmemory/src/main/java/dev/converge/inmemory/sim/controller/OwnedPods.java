package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.store.ObjectName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * kube-controller-manager's pod informer seen by owner: pods indexed by their controller's uid, and per owner
 * kind the notifications the workload controllers' pod handlers make of it ({@code addPod}, {@code updatePod},
 * {@code deletePod}): a new pod is an observed creation, a pod marked for deletion or gone an observed deletion,
 * any other new version a reason to sync its owner, and a pod whose controller reference changed a reason to
 * sync the one it had. Pods without a controller (orphans) are indexed by namespace ({@code
 * OrphanPodIndexKeyForNamespace}); a new orphan, or one whose labels or controller reference changed, is handed
 * to the {@linkplain #addOrphanListener orphan listeners}, which queue the controllers that may adopt it.
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
  private final Map<String, TreeMap<ObjectName, Resource>> orphans = new HashMap<>();
  private final List<Consumer<Resource>> orphanListeners = new ArrayList<>();
  /** Per owner uid, what its last claim that found nothing to do left verified ({@link #verified}). */
  private final Map<String, Verification> verifications = new HashMap<>();
  private static final TreeMap<ObjectName, Resource> EMPTY = new TreeMap<>();
  /** Changes to the index so far: equal counts, the same pods for every owner. */
  private long changes;

  public OwnedPods(Informer pods) {
    pods.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource pod) {
        index(null, pod);
        OwnerReference ref = PodConditions.controllerOf(pod);
        if (ref == null && !pod.isBeingDeleted()) {
          orphanListeners.forEach(listener -> listener.accept(pod));
        }
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
        OwnerReference before = PodConditions.controllerOf(old);
        boolean refChanged = !Objects.equals(before, ref);
        if (refChanged && before != null) {
          for (Listener listener : listenersOf(before)) {
            listener.changed(ownerKey(old, before), old, current);
          }
        }
        for (Listener listener : listenersOf(ref)) {
          if (current.isBeingDeleted()) {
            listener.deleted(ownerKey(current, ref));
          } else {
            listener.changed(ownerKey(current, ref), old, current);
          }
        }
        if (ref == null && !current.isBeingDeleted() && (refChanged || !old.labels().equals(current.labels()))) {
          orphanListeners.forEach(listener -> listener.accept(current));
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
    listeners.computeIfAbsent(ownerKind, k -> new ArrayList<>()).add(listener);
  }

  /**
   * Receives every new orphan pod, and every orphan whose labels or controller reference changed ({@code
   * addPod}/{@code updatePod}'s orphan branch); pods being deleted are left out, since no one adopts them.
   */
  public void addOrphanListener(Consumer<Resource> listener) {
    orphanListeners.add(listener);
  }

  /** The pods of {@code namespace} without a controller, in name order. */
  public Collection<Resource> orphansIn(String namespace) {
    TreeMap<ObjectName, Resource> pods = orphans.get(namespace);
    return pods == null ? List.of() : Collections.unmodifiableCollection(pods.values());
  }

  /**
   * What a claim of {@code owner} by {@code selector} must look at ({@link ControllerRefManager}): the orphans of
   * its namespace, and of the pods it controls those whose decision may have changed since its last claim that
   * found nothing to do ({@link #verified}) — the ones that joined it or whose labels changed since — or all of
   * them when there was no such claim by this selector. A pod kept then is kept now: its labels, its controller
   * and the selector are the same, and a controller being deleted never stops being so. Upstream looks at every
   * pod of the namespace on every sync; a DaemonSet's syncs during a rollout over 10,000 nodes made that the
   * costliest step of its sync.
   */
  public List<Resource> claimCandidates(Resource owner, JsonNode selector) {
    String uid = owner.uid() == null ? "" : owner.uid();
    Collection<Resource> loose = orphansIn(owner.namespace());
    Verification verification = verifications.get(uid);
    List<Resource> out = new ArrayList<>();
    if (verification == null || !verification.selector.equals(selector)) {
      out.addAll(ownedBy(uid));
    } else {
      TreeMap<ObjectName, Resource> owned = byOwner.get(uid);
      for (ObjectName name : verification.unverified) {
        Resource pod = owned == null ? null : owned.get(name);
        if (pod != null) {
          out.add(pod);
        }
      }
    }
    out.addAll(loose);
    return out;
  }

  /**
   * A claim of {@code owner} by {@code selector} over {@code examined} (what {@link #claimCandidates} gave) found
   * nothing to do: those of its pods are verified, unless they changed since they were examined.
   */
  public void verified(Resource owner, JsonNode selector, List<Resource> examined) {
    String uid = owner.uid() == null ? "" : owner.uid();
    Verification verification = verifications.get(uid);
    if (verification == null || !verification.selector.equals(selector)) {
      verification = new Verification(selector);
      // Every pod joined before this claim; those examined are verified below, any other stays unverified.
      for (ObjectName name : byOwner.getOrDefault(uid, EMPTY).keySet()) {
        verification.unverified.add(name);
      }
      verifications.put(uid, verification);
    }
    TreeMap<ObjectName, Resource> owned = byOwner.getOrDefault(uid, EMPTY);
    for (Resource pod : examined) {
      ObjectName name = new ObjectName(pod.namespace(), pod.name());
      if (owned.get(name) == pod) {
        verification.unverified.remove(name);
      }
    }
  }

  /** An owner's last claim that found nothing to do: its selector, and its pods that changed since. */
  private static final class Verification {
    final JsonNode selector;
    final Set<ObjectName> unverified = new HashSet<>();

    Verification(JsonNode selector) {
      this.selector = selector;
    }
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
    ObjectName name = new ObjectName(current.namespace(), current.name());
    if (ref != null) {
      Resource previous = byOwner.computeIfAbsent(ref.uid(), k -> new TreeMap<>()).put(name, current);
      removeOrphan(current.namespace(), name);
      Verification verification = verifications.get(ref.uid());
      if (verification != null && (previous == null || !previous.labels().equals(current.labels()))) {
        verification.unverified.add(name);
      }
    } else {
      orphans.computeIfAbsent(current.namespace(), k -> new TreeMap<>()).put(name, current);
    }
  }

  private void removeOrphan(String namespace, ObjectName name) {
    TreeMap<ObjectName, Resource> pods = orphans.get(namespace);
    if (pods != null && pods.remove(name) != null && pods.isEmpty()) {
      orphans.remove(namespace);
    }
  }

  private void unindex(Resource pod) {
    changes++;
    OwnerReference ref = PodConditions.controllerOf(pod);
    if (ref == null) {
      removeOrphan(pod.namespace(), new ObjectName(pod.namespace(), pod.name()));
      return;
    }
    TreeMap<ObjectName, Resource> pods = byOwner.get(ref.uid());
    ObjectName name = new ObjectName(pod.namespace(), pod.name());
    if (pods != null) {
      pods.remove(name);
      if (pods.isEmpty()) {
        byOwner.remove(ref.uid());
      }
    }
    Verification verification = verifications.get(ref.uid());
    if (verification != null) {
      verification.unverified.remove(name);
      if (!byOwner.containsKey(ref.uid())) {
        // The owner's last pod is gone (the owner likely too): nothing is left to verify.
        verifications.remove(ref.uid());
      }
    }
  }
}
