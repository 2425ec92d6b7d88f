package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.json.Trees;

/**
 * Writes through subresources other than {@code status}: a namespace's {@code finalize} and a pod's
 * {@code binding}. Each changes one part of the stored object and is then stored like any update.
 */
final class Subresources {
  private final Writes writes;

  Subresources(Writes writes) {
    this.writes = writes;
  }

  /** A namespace's {@code finalize} subresource: only {@code spec.finalizers} changes. */
  Resource finalizeNamespace(RequestContext ctx, ResourceType type, Resource in) {
    Resource old = writes.require(type, in.key());
    writes.checkPreconditions(type, in, old);
    ObjectNode root = Trees.shallowCopy(old.json());
    JsonNode finalizers = in.spec().path("finalizers");
    ObjectNode spec = Trees.object(root, "spec");
    if (finalizers.isArray()) {
      spec.set("finalizers", finalizers);
    } else {
      spec.remove("finalizers");
    }
    Trees.object(root, "metadata").remove("resourceVersion");
    return writes.updatePrepared(ctx, type, old, root, ctx.info().identity().name(), w -> {}, "finalize", null);
  }

  /**
   * {@code POST pods/<name>/binding} ({@code pkg/registry/core/pod/storage.BindingREST}): sets
   * {@code spec.nodeName} of an unbound pod and its {@code PodScheduled} condition; a bound or terminating pod
   * is a conflict.
   */
  Resource bind(RequestContext ctx, ResourceType type, ResourceKey key, String nodeName) {
    Resource old = writes.require(type, key);
    if (old.isBeingDeleted()) {
      throw Errors.conflict(type, key.name(), "pod " + key.name() + " is being deleted, cannot be assigned to a host");
    }
    String current = old.spec().path("nodeName").asText("");
    if (!current.isEmpty()) {
      throw Errors.conflict(type, key.name(), "pod " + key.name() + " is already assigned to node \"" + current + "\"");
    }
    ObjectNode root = Trees.shallowCopy(old.json());
    Trees.object(root, "metadata").remove("resourceVersion");
    Trees.object(root, "spec").put("nodeName", nodeName);
    ObjectNode status = Trees.object(root, "status");
    com.fasterxml.jackson.databind.node.ArrayNode conditions = Trees.existingArray(status, "conditions");
    if (conditions == null) {
      conditions = status.putArray("conditions");
    }
    ObjectNode scheduled = conditions.addObject();
    scheduled.put("type", "PodScheduled");
    scheduled.put("status", "True");
    scheduled.putNull("lastProbeTime");
    scheduled.put("lastTransitionTime", writes.timestamp(writes.server.ticker().now()));
    return writes.updatePrepared(ctx, type, old, root, ctx.info().identity().name(), w -> {}, "binding", null);
  }
}
