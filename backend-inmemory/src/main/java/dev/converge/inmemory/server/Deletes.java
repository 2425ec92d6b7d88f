package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.admission.AdmissionRequest;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.store.Change;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletion as the generic registry does it ({@code store.Delete}, {@code rest.BeforeDelete},
 * {@code deletionFinalizersForGarbageCollection}, {@code markAsDeleting}) plus the namespace registry's
 * Terminating phase and pods' graceful deletion.
 */
final class Deletes {
  /** The garbage collector's finalizers ({@code metav1.FinalizerOrphanDependents} / {@code FinalizerDeleteDependents}). */
  static final String ORPHAN = "orphan";
  static final String FOREGROUND = "foregroundDeletion";
  static final String CRD_CLEANUP = "customresourcecleanup.apiextensions.k8s.io";
  private static final dev.converge.api.GroupKind CRD =
      dev.converge.api.GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");

  private final Writes writes;

  Deletes(Writes writes) {
    this.writes = writes;
  }

  DeleteResult delete(RequestContext ctx, ResourceType type, ResourceKey key, DeleteParams params) {
    // The handler's mutating admission comes before the registry looks the object up.
    writes.restrictNodes(ctx, Operation.DELETE, type, "", key.name(), null, null);
    Resource old = writes.require(type, key);
    preconditions(type, old, params);
    if (!writes.server.admission().isEmpty()) {
      AdmissionRequest request = new AdmissionRequest(Operation.DELETE, type.groupKind(), type.plural(), "",
          old.namespace(), old.name(), ctx.info().identity(), null, old, ctx.dryRun());
      writes.server.admission().mutateDelete(request, ctx::warn);
      writes.server.admission().validate(request, ctx::warn);
      writes.unchangedMeanwhile(ctx, type, old.namespace(), old.name(), old);
    }
    boolean namespace = type.groupKind().equals(Writes.NAMESPACE);
    if (namespace && old.isBeingDeleted()) {
      throw Errors.conflict(type, old.name(), "The system is ensuring all content is removed from this namespace.  "
          + "Upon completion, this namespace will automatically be purged by the system.");
    }
    List<String> finalizers = finalizersFor(old, params.propagation());
    boolean crd = type.groupKind().equals(CRD);
    if (crd && !finalizers.contains(CRD_CLEANUP)) {
      // The CRD registry's Delete adds the cleanup finalizer on the first delete; the finalizer controller
      // removes every custom resource before dropping it.
      finalizers.add(CRD_CLEANUP);
    }
    long grace = gracePeriod(type, old, params);
    boolean pendingSpecFinalizers = namespace && old.spec().path("finalizers").size() > 0;
    if (finalizers.isEmpty() && grace == 0 && !pendingSpecFinalizers) {
      // A dry run answers the object it would remove, and removes nothing (no dependents collected either).
      return new DeleteResult(ctx.dryRun() ? old : removeNow(old), true);
    }
    Instant now = writes.server.ticker().now();
    ObjectNode root = Trees.shallowCopy(old.json());
    ObjectNode metadata = Trees.object(root, "metadata");
    metadata.remove("resourceVersion");
    if (finalizers.isEmpty()) {
      metadata.remove("finalizers");
    } else {
      metadata.set("finalizers", Writes.strings(finalizers));
    }
    markAsDeleting(old, metadata, now, grace);
    if (namespace) {
      Trees.object(root, "status").put("phase", "Terminating");
    }
    if (crd && !old.isBeingDeleted()) {
      ObjectNode status = Trees.object(root, "status");
      ArrayNode conditions = Trees.existingArray(status, "conditions");
      if (conditions == null) {
        conditions = status.putArray("conditions");
      }
      ObjectNode terminating = conditions.addObject();
      terminating.put("type", "Terminating");
      terminating.put("status", "True");
      terminating.put("reason", "InstanceDeletionInProgress");
      terminating.put("message", "CustomResource deletion is in progress");
      terminating.put("lastTransitionTime", writes.timestamp(now));
    }
    if (Generations.sameIgnoringServerFields(root, old)) {
      return new DeleteResult(old, false);
    }
    Resource stored = writes.commit(ctx, type, Change.Type.MODIFIED, root, old);
    return new DeleteResult(stored, false);
  }

  /**
   * {@code markAsDeleting} / {@code BeforeDelete}: the generation moves (if the kind has one) the first time
   * the deletion timestamp is set; the timestamp is now (now + grace for a graceful pod delete) and only ever
   * moves earlier; {@code deletionGracePeriodSeconds} is 0 unless graceful.
   */
  private void markAsDeleting(Resource old, ObjectNode metadata, Instant now, long grace) {
    if (!old.isBeingDeleted() && old.generation() > 0) {
      metadata.put("generation", old.generation() + 1);
    }
    Instant deadline = now.plusSeconds(grace);
    String existing = old.deletionTimestamp();
    if (existing == null || Instant.parse(existing).isAfter(deadline)) {
      metadata.put("deletionTimestamp", writes.timestamp(deadline));
    }
    if (grace > 0) {
      long current = old.metadata().path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
      metadata.put("deletionGracePeriodSeconds", Math.min(current, grace));
    } else {
      metadata.put("deletionGracePeriodSeconds", 0);
    }
  }

  /**
   * The object's finalizers after this delete ({@code deletionFinalizersForGarbageCollection}): the GC
   * finalizers are removed, then {@code orphan} is added for Orphan and {@code foregroundDeletion} for
   * Foreground; with no policy given, whichever the object already carries stays.
   */
  static List<String> finalizersFor(Resource old, Propagation propagation) {
    List<String> out = new ArrayList<>();
    boolean hadOrphan = false;
    boolean hadForeground = false;
    for (String finalizer : old.finalizers()) {
      if (finalizer.equals(ORPHAN)) {
        hadOrphan = true;
      } else if (finalizer.equals(FOREGROUND)) {
        hadForeground = true;
      } else {
        out.add(finalizer);
      }
    }
    boolean orphan = propagation == null ? hadOrphan : propagation == Propagation.ORPHAN;
    boolean foreground = propagation == null ? hadForeground && !hadOrphan : propagation == Propagation.FOREGROUND;
    if (orphan) {
      out.add(ORPHAN);
    }
    if (foreground) {
      out.add(FOREGROUND);
    }
    return out;
  }

  /**
   * A pod bound to a node and not yet terminated is deleted gracefully ({@code podStrategy.CheckGracefulDelete}):
   * it stays, marked, until its kubelet (the simulation) deletes it with a grace period of 0. Everything else
   * has no grace period.
   */
  private static long gracePeriod(ResourceType type, Resource old, DeleteParams params) {
    if (!type.groupKind().equals(Writes.POD)) {
      return 0;
    }
    String phase = old.status().path("phase").asText("");
    if (old.spec().path("nodeName").asText("").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
      return 0;
    }
    Long requested = params.gracePeriodSeconds();
    long grace = requested != null ? Math.max(requested, 0) : old.spec().path("terminationGracePeriodSeconds").asLong(30);
    if (old.isBeingDeleted()) {
      long current = old.metadata().path("deletionGracePeriodSeconds").asLong(0);
      return requested == null ? current : Math.min(current, grace);
    }
    return grace;
  }

  static void preconditions(ResourceType type, Resource old, DeleteParams params) {
    // rest.BeforeDelete reports precondition failures against the kind, not the resource.
    String subject = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    if (params.uid() != null && !params.uid().equals(old.uid())) {
      throw new dev.converge.api.backend.BackendException.Conflict("Operation cannot be fulfilled on " + subject + " \""
          + old.name() + "\": the UID in the precondition (" + params.uid() + ") does not match the UID in record ("
          + old.uid() + "). The object might have been deleted and then recreated");
    }
    if (params.resourceVersion() != null && !params.resourceVersion().equals(old.resourceVersion())) {
      throw new dev.converge.api.backend.BackendException.Conflict("Operation cannot be fulfilled on " + subject + " \""
          + old.name() + "\": the ResourceVersion in the precondition (" + params.resourceVersion()
          + ") does not match the ResourceVersion in record (" + old.resourceVersion() + "). The object might have been modified");
    }
  }

  /**
   * Whether an update leaves an object that must go now ({@code ShouldDeleteDuringUpdate}): being deleted,
   * no finalizers left (a namespace also needs empty {@code spec.finalizers}), and no grace period pending.
   */
  static boolean shouldDeleteOnUpdate(ResourceType type, JsonNode object) {
    JsonNode metadata = object.path("metadata");
    JsonNode deletion = metadata.path("deletionTimestamp");
    if (deletion.isMissingNode() || deletion.isNull() || metadata.path("finalizers").size() > 0) {
      return false;
    }
    if (type.groupKind().equals(Writes.NAMESPACE) && object.path("spec").path("finalizers").size() > 0) {
      return false;
    }
    return metadata.path("deletionGracePeriodSeconds").asLong(0) == 0;
  }

  /** Removes {@code object} from the store; the DELETED event carries its last state at the deletion's revision. */
  Resource removeNow(Resource object) {
    long revision = writes.store.reserveRevision();
    Resource last = Trees.withResourceVersion(object, revision);
    Resource previous = writes.store.get(object.groupKind(), object.namespace(), object.name());
    writes.store.commit(new Change(revision, Change.Type.DELETED, last, previous == null ? object : previous));
    return last;
  }

}
