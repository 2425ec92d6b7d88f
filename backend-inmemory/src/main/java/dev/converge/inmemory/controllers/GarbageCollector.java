package dev.converge.inmemory.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.OwnerReference;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The garbage collector ({@code pkg/controller/garbagecollector}): deletes objects all of whose owners are
 * gone, orphans the dependents of an owner deleted with the {@code orphan} finalizer, and deletes the
 * dependents of an owner deleted with {@code foregroundDeletion} before removing that finalizer once no
 * dependent with {@code blockOwnerDeletion} is left. The decision for one dependent follows
 * {@code attemptToDeleteItem}: with a solid (live, not foreground-deleting) owner it only drops references to
 * dangling or waiting owners; otherwise it deletes the dependent — in the foreground when an owner waits for
 * it and it has dependents of its own, else with the policy its own finalizers name (background by default).
 *
 * <p>Its graph (owner uid → dependents) is built from the server's change feed, as the real one builds it from
 * informers; its writes are ordinary requests as {@code system:serviceaccount:kube-system:generic-garbage-collector}.
 */
public final class GarbageCollector extends KeyedController<GarbageCollector.Task> implements ChangeListener {
  /** The identity kube-controller-manager's GC uses with {@code --use-service-account-credentials}. */
  public static final Identity IDENTITY = Identity.serviceAccount("kube-system", "generic-garbage-collector");
  private static final String ORPHAN = "orphan";
  private static final String FOREGROUND = "foregroundDeletion";

  private final ApiServer server;
  private final Map<String, Set<ResourceKey>> dependents = new HashMap<>();

  /** One unit of work: an owner being deleted, or an object whose owners to check. */
  record Task(boolean owner, ResourceKey key) {}

  public GarbageCollector(ApiServer server) {
    super(IDENTITY);
    this.server = server;
    server.addChangeListener(this);
  }

  @Override
  public String name() {
    return "garbage-collector";
  }

  /** The keys of the objects that name {@code ownerUid} as an owner. */
  public Set<ResourceKey> dependentsOf(String ownerUid) {
    return Set.copyOf(dependents.getOrDefault(ownerUid, Set.of()));
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    Resource previous = change.previous();
    if (change.type() == Change.Type.MODIFIED && previous != null && !object.isBeingDeleted()
        && object.metadata().path("ownerReferences").equals(previous.metadata().path("ownerReferences"))) {
      // The graph builder acts on updates only when owner references change or a deletion starts
      // (processGraphChanges: referencesDiffs, beingDeleted): a Lease renewal or a status write is not its
      // business. Without this, every heartbeat of a large cluster would queue a collector step.
      return;
    }
    boolean owned = object.metadata().has("ownerReferences") || (previous != null && previous.metadata().has("ownerReferences"));
    boolean gcFinalizers = object.metadata().has("finalizers") && object.metadata().has("deletionTimestamp");
    String uid = object.uid();
    if (!owned && !gcFinalizers && (change.type() != Change.Type.DELETED || uid == null || !dependents.containsKey(uid))) {
      return;
    }
    if (previous != null) {
      for (OwnerReference ref : previous.ownerReferences()) {
        Set<ResourceKey> set = dependents.get(ref.uid());
        if (set != null) {
          set.remove(previous.key());
          if (set.isEmpty()) {
            dependents.remove(ref.uid());
          }
        }
      }
    }
    if (change.type() == Change.Type.DELETED) {
      if (uid != null) {
        for (ResourceKey dependent : dependents.getOrDefault(uid, Set.of())) {
          queue.add(new Task(false, dependent));
        }
      }
      for (OwnerReference ref : object.ownerReferences()) {
        ownerKey(object, ref).ifPresent(key -> queue.add(new Task(true, key)));
      }
      return;
    }
    for (OwnerReference ref : object.ownerReferences()) {
      dependents.computeIfAbsent(ref.uid(), k -> new LinkedHashSet<>()).add(object.key());
    }
    if (!object.ownerReferences().isEmpty()) {
      queue.add(new Task(false, object.key()));
    }
    if (object.isBeingDeleted() && (object.finalizers().contains(ORPHAN) || object.finalizers().contains(FOREGROUND))) {
      queue.add(new Task(true, object.key()));
      if (object.finalizers().contains(FOREGROUND) && object.uid() != null) {
        for (ResourceKey dependent : dependents.getOrDefault(object.uid(), Set.of())) {
          queue.add(new Task(false, dependent));
        }
      }
    }
  }

  @Override
  void sync(Task task) {
    if (task.owner()) {
      processDeletingOwner(task.key());
    } else {
      attemptToDelete(task.key());
    }
  }

  private void attemptToDelete(ResourceKey key) {
    Resource item = live(key);
    if (item == null || item.ownerReferences().isEmpty()) {
      return;
    }
    if (item.isBeingDeleted()) {
      if (item.finalizers().contains(FOREGROUND)) {
        queue.add(new Task(true, key));
      }
      return;
    }
    List<OwnerReference> solid = new ArrayList<>();
    List<OwnerReference> dangling = new ArrayList<>();
    List<OwnerReference> waiting = new ArrayList<>();
    for (OwnerReference ref : item.ownerReferences()) {
      Optional<ResourceType> type = server.types().find(ref.groupKind());
      if (type.isEmpty()) {
        // An owner kind the server does not serve cannot be resolved; the real GC retries, it never guesses.
        solid.add(ref);
        continue;
      }
      if (type.get().namespaced() && item.namespace().isEmpty()) {
        // Kubernetes ≥ 1.20: a cluster-scoped dependent naming a namespaced owner kind has an unresolvable
        // reference and is never garbage collected (an OwnerRefInvalidNamespace event is all that happens).
        solid.add(ref);
        continue;
      }
      Resource owner = live(type.get().key(item.namespace(), ref.name()));
      if (owner == null || !ref.uid().equals(owner.uid())) {
        dangling.add(ref);
      } else if (owner.isBeingDeleted() && owner.finalizers().contains(FOREGROUND)) {
        waiting.add(ref);
      } else {
        solid.add(ref);
      }
    }
    if (!solid.isEmpty()) {
      if (!dangling.isEmpty() || !waiting.isEmpty()) {
        Set<String> remove = new LinkedHashSet<>();
        dangling.forEach(ref -> remove.add(ref.uid()));
        waiting.forEach(ref -> remove.add(ref.uid()));
        server.update(identity(), withoutOwners(item, remove));
      }
      return;
    }
    Propagation policy;
    if (!waiting.isEmpty() && item.uid() != null && !dependents.getOrDefault(item.uid(), Set.of()).isEmpty()) {
      policy = Propagation.FOREGROUND;
    } else if (item.finalizers().contains(ORPHAN)) {
      policy = Propagation.ORPHAN;
    } else if (item.finalizers().contains(FOREGROUND)) {
      policy = Propagation.FOREGROUND;
    } else {
      policy = Propagation.BACKGROUND;
    }
    server.delete(identity(), key, DeleteParams.of(policy).withUid(item.uid()));
  }

  private void processDeletingOwner(ResourceKey key) {
    Resource owner = live(key);
    if (owner == null || !owner.isBeingDeleted() || owner.uid() == null) {
      return;
    }
    String uid = owner.uid();
    if (owner.finalizers().contains(ORPHAN)) {
      for (ResourceKey dependentKey : List.copyOf(dependents.getOrDefault(uid, Set.of()))) {
        Resource dependent = live(dependentKey);
        if (dependent != null) {
          server.update(identity(), withoutOwners(dependent, Set.of(uid)));
        }
      }
      server.update(identity(), withoutFinalizer(live(key), ORPHAN));
      return;
    }
    if (owner.finalizers().contains(FOREGROUND)) {
      boolean blocked = false;
      for (ResourceKey dependentKey : dependents.getOrDefault(uid, Set.of())) {
        Resource dependent = live(dependentKey);
        if (dependent == null) {
          continue;
        }
        for (OwnerReference ref : dependent.ownerReferences()) {
          if (ref.uid().equals(uid) && ref.blockOwnerDeletion()) {
            blocked = true;
            if (!dependent.isBeingDeleted()) {
              queue.add(new Task(false, dependentKey));
            }
          }
        }
      }
      if (!blocked) {
        server.update(identity(), withoutFinalizer(owner, FOREGROUND));
      }
    }
  }

  private Resource live(ResourceKey key) {
    GroupKind kind = key.groupKind();
    return server.cache().get(kind, key.namespace(), key.name());
  }

  private static Resource withoutOwners(Resource object, Set<String> uids) {
    return object.edit(tree -> {
      ObjectNode metadata = (ObjectNode) tree.get("metadata");
      ArrayNode kept = metadata.arrayNode();
      for (JsonNode ref : metadata.path("ownerReferences")) {
        if (!uids.contains(ref.path("uid").asText())) {
          kept.add(ref);
        }
      }
      if (kept.isEmpty()) {
        metadata.remove("ownerReferences");
      } else {
        metadata.set("ownerReferences", kept);
      }
    });
  }

  private static Resource withoutFinalizer(Resource object, String finalizer) {
    return object.edit(tree -> {
      ObjectNode metadata = (ObjectNode) tree.get("metadata");
      ArrayNode kept = metadata.arrayNode();
      for (JsonNode value : metadata.path("finalizers")) {
        if (!value.asText().equals(finalizer)) {
          kept.add(value);
        }
      }
      if (kept.isEmpty()) {
        metadata.remove("finalizers");
      } else {
        metadata.set("finalizers", kept);
      }
    });
  }

  private Optional<ResourceKey> ownerKey(Resource dependent, OwnerReference ref) {
    return server.types().find(ref.groupKind()).map(type -> type.key(dependent.namespace(), ref.name()));
  }
}
