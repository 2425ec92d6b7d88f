package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import java.time.Duration;

/**
 * The event wiring kube-controller-manager's DaemonSet and ReplicaSet controllers share (their {@code
 * addDaemonset}/{@code updateDaemonset}/{@code deleteDaemonset} and {@code addPod}/{@code updatePod}/{@code
 * deletePod} handlers): an owner's add, update or delete queues the owner; a delete also drops its
 * expectations; an owned pod's creation or deletion is an observed expectation and queues the owner; any other
 * change queues it too, and a pod turning Ready queues it again once {@code minReadySeconds} (plus {@code slack})
 * have passed, when it may count as available.
 */
final class PodOwnerEvents {
  private PodOwnerEvents() {}

  static void wire(Informer owners, OwnedPods pods, String ownerKind, Expectations expectations,
      SyncQueue<String> queue, Duration slack) {
    owners.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource owner) {
        queue.add(key(owner));
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        queue.add(key(current));
      }

      @Override
      public void onDelete(Resource last) {
        expectations.delete(key(last));
        queue.add(key(last));
      }
    });
    pods.addListener(ownerKind, new OwnedPods.Listener() {
      @Override
      public void created(String ownerKey) {
        expectations.creationObserved(ownerKey);
        queue.add(ownerKey);
      }

      @Override
      public void deleted(String ownerKey) {
        expectations.deletionObserved(ownerKey);
        queue.add(ownerKey);
      }

      @Override
      public void changed(String ownerKey, Resource old, Resource current) {
        queue.add(ownerKey);
        Resource owner = owners.get(current.namespace(), ownerKey.substring(ownerKey.indexOf('/') + 1));
        long minReady = owner == null ? 0 : owner.spec().path("minReadySeconds").asLong(0);
        if (minReady > 0 && !PodConditions.isReady(old) && PodConditions.isReady(current)) {
          queue.addAfter(ownerKey, Duration.ofSeconds(minReady).plus(slack));
        }
      }
    });
  }

  /** The queue key of an owner: {@code namespace/name}. */
  static String key(Resource owner) {
    return owner.namespace() + "/" + owner.name();
  }
}
