package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.json.Trees;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes through subresources other than {@code status}: a namespace's {@code finalize}, a pod's {@code
 * binding} and {@code eviction}, and the {@code scale} of the workloads that have one. Each changes one part of
 * the stored object (or deletes it) and is then stored like any write.
 */
final class Subresources {
  /**
   * The kinds with a {@code scale} subresource ({@code autoscaling/v1 Scale}): k8s.io/kubernetes registers one for
   * Deployments, ReplicaSets, StatefulSets and ReplicationControllers. (A custom resource's, declared in its CRD,
   * is not served.)
   */
  static final Set<GroupKind> SCALABLE = Set.of(GroupKind.of("apps", "Deployment"), GroupKind.of("apps", "ReplicaSet"),
      GroupKind.of("apps", "StatefulSet"), GroupKind.of("", "ReplicationController"));

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
   * The {@code Scale} of a workload ({@code scaleFromDeployment} and its siblings in k8s.io/kubernetes
   * {@code pkg/registry/apps/*}): name, namespace, uid, resourceVersion and creationTimestamp of the object, its
   * {@code spec.replicas}, and its {@code status.replicas} with the label selector in its string form.
   */
  static ObjectNode scale(Resource object) {
    ObjectNode scale = Json.object();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode metadata = scale.putObject("metadata");
    for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      JsonNode value = object.metadata().get(field);
      if (value != null) {
        metadata.set(field, value);
      }
    }
    int replicas = object.spec().path("replicas").asInt(0);
    ObjectNode spec = scale.putObject("spec");
    if (replicas != 0) {
      spec.put("replicas", replicas); // ScaleSpec.Replicas is omitempty
    }
    ObjectNode status = scale.putObject("status");
    status.put("replicas", object.status().path("replicas").asInt(0));
    String selector = selector(object.spec().path("selector"), object.kind().equals("ReplicationController"));
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return scale;
  }

  /**
   * {@code labels.Selector.String()} of a workload's selector: {@code key=value} for a label, {@code key in (a,b)},
   * {@code key notin (a)}, {@code key} and {@code !key} for expressions, sorted by key; a ReplicationController's
   * selector is a plain map of labels.
   */
  static String selector(JsonNode selector, boolean plainMap) {
    TreeMap<String, List<String>> byKey = new TreeMap<>();
    JsonNode labels = plainMap ? selector : selector.path("matchLabels");
    labels.properties().forEach(e -> byKey.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
        .add(e.getKey() + "=" + e.getValue().asText()));
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      Collections.sort(values);
      String text = switch (expression.path("operator").asText()) {
        case "In" -> key + " in (" + String.join(",", values) + ")";
        case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
        case "Exists" -> key;
        case "DoesNotExist" -> "!" + key;
        default -> key + " " + expression.path("operator").asText() + " (" + String.join(",", values) + ")";
      };
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(text);
    }
    List<String> parts = new ArrayList<>();
    byKey.values().forEach(parts::addAll);
    return String.join(",", parts);
  }

  /**
   * {@code PUT …/scale} ({@code scaleUpdatedObjectInfo}): the caller's Scale replaces the object's {@code
   * spec.replicas}; its resourceVersion, when set, must be the object's (an empty one updates unconditionally)
   * and its uid, when set, too. Stored as an update of the object through the {@code scale} subresource.
   */
  Resource updateScale(RequestContext ctx, ResourceType type, ResourceKey key, JsonNode scale, WriteOptions options) {
    Resource old = writes.require(type, key);
    JsonNode replicas = scale.path("spec").path("replicas");
    long count = replicas.isMissingNode() || replicas.isNull() ? 0 : replicas.asLong(-1);
    if (!(replicas.isMissingNode() || replicas.isNull() || replicas.isIntegralNumber()) || count < 0
        || count > Integer.MAX_VALUE) {
      throw new BackendException.Invalid("Scale.autoscaling \"" + key.name() + "\" is invalid: spec.replicas: Invalid value: "
          + replicas + ": must be greater than or equal to 0",
          ImmutableList.of("spec.replicas: Invalid value: " + replicas + ": must be greater than or equal to 0"));
    }
    String uid = scale.path("metadata").path("uid").asText("");
    if (!uid.isEmpty() && !uid.equals(old.uid())) {
      throw Errors.conflict(type, key.name(), "Precondition failed: UID in precondition: " + uid
          + ", UID in object meta: " + old.uid());
    }
    String version = scale.path("metadata").path("resourceVersion").asText("");
    if (!version.isEmpty() && !version.equals(old.resourceVersion())) {
      throw Errors.staleVersion(type, key.name());
    }
    ObjectNode root = Trees.shallowCopy(old.json());
    Trees.object(root, "metadata").remove("resourceVersion");
    Trees.object(root, "spec").put("replicas", (int) count);
    if (old.spec().path("replicas").asLong(-1) != count) {
      // The object's own strategy runs: a spec change moves the generation.
      Trees.object(root, "metadata").put("generation", old.generation() + 1);
    }
    return writes.updatePrepared(ctx, type, old, root, options.managerFor(ctx.info().identity()), options.warnings(),
        "scale", null);
  }

  static final GroupKind PDB = GroupKind.of("policy", "PodDisruptionBudget");

  /**
   * {@code POST pods/<name>/eviction} ({@code pkg/registry/core/pod/storage/eviction.go}): deletes the pod unless
   * that would break its PodDisruptionBudget. A pod that is Pending, finished or already being deleted, or that no
   * budget selects, is deleted at once; two budgets are an error; with one, a budget not yet observed or without
   * {@code disruptionsAllowed} refuses with 429, and otherwise the eviction takes one allowed disruption (written
   * to the budget's status, the pod recorded in {@code disruptedPods}) and deletes the pod. An unready pod is
   * deleted without taking one when the budget is met already ({@code unhealthyPodEvictionPolicy} IfHealthyBudget,
   * the default) or always (AlwaysAllow). The disruption controller recomputes the budget's status.
   */
  DeleteResult evict(RequestContext ctx, ResourceType podType, ResourceKey key, DeleteParams params) {
    Resource pod = writes.require(podType, key);
    String phase = pod.status().path("phase").asText("Pending");
    if (phase.equals("Pending") || phase.equals("Succeeded") || phase.equals("Failed") || pod.isBeingDeleted()) {
      return markAndDelete(ctx, podType, pod, params);
    }
    List<Resource> budgets = new ArrayList<>();
    for (Resource pdb : writes.store.inNamespace(PDB, pod.namespace()).values()) {
      // policy/v1: an empty selector selects every pod of the namespace, a missing one none.
      JsonNode selector = pdb.spec().get("selector");
      if (selector != null && selector.isObject() && LabelSelector.fromJson(selector).matches(pod.labels())) {
        budgets.add(pdb);
      }
    }
    if (budgets.size() > 1) {
      throw Errors.internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    }
    if (budgets.isEmpty()) {
      return markAndDelete(ctx, podType, pod, params);
    }
    Resource pdb = budgets.get(0);
    JsonNode status = pdb.status();
    if (!Pods.isReady(pod)) {
      boolean alwaysAllow = pdb.spec().path("unhealthyPodEvictionPolicy").asText("IfHealthyBudget").equals("AlwaysAllow");
      long desired = status.path("desiredHealthy").asLong(0);
      if (alwaysAllow || (desired > 0 && status.path("currentHealthy").asLong(0) >= desired)) {
        return markAndDelete(ctx, podType, pod, params);
      }
    }
    if (status.path("observedGeneration").asLong(0) < pdb.generation()) {
      throw tooManyRequests("The disruption budget " + pdb.name() + " is still being processed by the server.");
    }
    long allowed = status.path("disruptionsAllowed").asLong(0);
    if (allowed <= 0) {
      throw tooManyRequests("The disruption budget " + pdb.name() + " needs " + status.path("desiredHealthy").asLong(0)
          + " healthy pods and has " + status.path("currentHealthy").asLong(0) + " currently");
    }
    ResourceType pdbType = writes.server.types().find(PDB).orElseThrow();
    ObjectNode root = Trees.shallowCopy(pdb.json());
    Trees.object(root, "metadata").remove("resourceVersion");
    ObjectNode budget = Trees.object(root, "status");
    budget.put("disruptionsAllowed", allowed - 1);
    Trees.object(budget, "disruptedPods").put(pod.name(), writes.timestamp(writes.server.ticker().now()));
    writes.updatePrepared(ctx, pdbType, pdb, root, "system:apiserver", w -> {}, "status", null);
    return markAndDelete(ctx, podType, pod, params);
  }

  /**
   * {@code addConditionAndDeletePod}: an evicted pod first gets the condition {@code DisruptionTarget} True,
   * reason {@code EvictionByEvictionAPI}, message "Eviction API: evicting" in its status (PodDisruptionConditions,
   * on by default since 1.26 and GA in 1.31; not in a dry run), so that its controller — a Job's
   * {@code podFailurePolicy} — can tell an eviction from a failure; then it is deleted. The delete's
   * resourceVersion precondition, if any, moves to the version the condition wrote, as upstream's does.
   */
  private DeleteResult markAndDelete(RequestContext ctx, ResourceType podType, Resource pod, DeleteParams params) {
    DeleteParams delete = params;
    if (!params.dryRun()) {
      // getLatestPod: the delete's preconditions hold before the pod is marked.
      Deletes.preconditions(podType, pod, params);
      ObjectNode root = Trees.shallowCopy(pod.json());
      if (Pods.setCondition(Trees.object(root, "status"), "DisruptionTarget", "True", "EvictionByEvictionAPI",
          "Eviction API: evicting", writes.timestamp(writes.server.ticker().now()))) {
        Trees.object(root, "metadata").remove("resourceVersion");
        Resource marked = writes.updatePrepared(ctx, podType, pod, root, "system:apiserver", w -> {}, "status", null);
        if (params.resourceVersion() != null && !params.resourceVersion().isEmpty()) {
          delete = params.withResourceVersion(marked.resourceVersion());
        }
      }
    }
    return writes.delete(ctx, podType, pod.key(), delete);
  }

  /** 429 with {@code Retry-After} unset, as kube-apiserver answers an eviction its budget refuses. */
  private static BackendException tooManyRequests(String detail) {
    return new BackendException.Unavailable(429, "Cannot evict pod as it would violate the pod's disruption budget. "
        + detail, Duration.ZERO);
  }

  /**
   * {@code PATCH …/scale} ({@code kubectl scale}): the patch applies to the current Scale (a strategic merge patch
   * as a merge patch: a Scale has no lists), which then updates the object as {@link #updateScale} does.
   */
  Resource patchScale(RequestContext ctx, ResourceType type, ResourceKey key, PatchType patchType, JsonNode body,
      WriteOptions options) {
    PatchEngine engine = writes.patches;
    if (engine == null) {
      throw Errors.internal("this server was built without a patch engine");
    }
    ObjectNode current = scale(writes.require(type, key));
    ObjectNode patched = switch (patchType) {
      case MERGE, STRATEGIC -> engine.mergePatch(current, body);
      case JSON -> engine.jsonPatch(current, body);
      case APPLY -> throw Errors.badRequest("server-side apply of the scale subresource is not supported by this "
          + "server; send a merge patch or a Scale");
    };
    return updateScale(ctx, type, key, patched, options);
  }

  /**
   * {@code POST serviceaccounts/<name>/token} ({@code pkg/registry/core/serviceaccount/storage/token.go}): the
   * request answered with a token from {@code issuer}, valid for {@code spec.expirationSeconds} (default 3600, at
   * least 600, at most 2^32 s) on the server's clock; the audiences default to the API server's.
   */
  ObjectNode requestToken(ResourceType type, ResourceKey key, JsonNode request, TokenIssuer issuer) {
    Resource account = writes.require(type, key);
    long seconds = request.path("spec").path("expirationSeconds").asLong(3600);
    String invalid = seconds < 600 ? "may not specify a duration less than 10 minutes"
        : seconds > (1L << 32) ? "may not specify a duration larger than 2^32 seconds" : null;
    if (invalid != null) {
      String cause = "spec.expirationSeconds: Invalid value: " + seconds + ": " + invalid;
      throw new BackendException.Invalid("TokenRequest.authentication.k8s.io \"" + key.name() + "\" is invalid: "
          + cause, ImmutableList.of(cause));
    }
    checkBoundObject(key, request.path("spec").path("boundObjectRef"));
    Instant expires = writes.server.ticker().now().plusSeconds(seconds);
    ObjectNode answer = request.isObject() ? ((ObjectNode) request).deepCopy() : Json.object();
    answer.put("kind", "TokenRequest");
    answer.put("apiVersion", "authentication.k8s.io/v1");
    ObjectNode metadata = answer.withObject("metadata");
    metadata.put("name", account.name());
    metadata.put("namespace", account.namespace());
    metadata.putNull("creationTimestamp");
    ObjectNode spec = answer.withObject("spec");
    if (spec.path("audiences").isEmpty()) {
      spec.putArray("audiences").add("https://kubernetes.default.svc.cluster.local");
    }
    spec.put("expirationSeconds", seconds);
    ObjectNode status = answer.putObject("status");
    status.put("token", issuer.issue(account, expires));
    status.put("expirationTimestamp", writes.timestamp(expires));
    return answer;
  }

  /**
   * The object a token is bound to ({@code spec.boundObjectRef}), as {@code token.go} checks it: a Pod or a Secret
   * in the service account's namespace, or a Node, which must exist (404) and have the reference's uid when it
   * names one (409: the object was deleted and made again); any other kind is a 400.
   */
  private void checkBoundObject(ResourceKey account, JsonNode ref) {
    if (!ref.isObject()) {
      return;
    }
    String apiVersion = ref.path("apiVersion").asText("");
    String kind = ref.path("kind").asText("");
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    if (!group.isEmpty() || !(kind.equals("Pod") || kind.equals("Secret") || kind.equals("Node"))) {
      throw Errors.badRequest("cannot bind token for serviceaccount \"" + account.name() + "\" to object of type "
          + group + "/" + (slash < 0 ? apiVersion : apiVersion.substring(slash + 1)) + ", Kind=" + kind);
    }
    ResourceType type = writes.server.type(GroupKind.of("", kind));
    String name = ref.path("name").asText("");
    Resource bound = writes.store.get(type.groupKind(), type.namespaced() ? account.namespace() : "", name);
    if (bound == null) {
      throw Errors.notFound(type, name);
    }
    String uid = ref.path("uid").asText("");
    if (!uid.isEmpty() && !uid.equals(bound.uid())) {
      throw new BackendException.Conflict("Operation cannot be fulfilled on " + kind + " \"" + name + "\": the UID in"
          + " the bound object reference (" + uid + ") does not match the UID in record. The object might have been"
          + " deleted and then recreated");
    }
  }

  /**
   * {@code POST pods/<name>/binding} ({@code pkg/registry/core/pod/storage.BindingREST}): sets
   * {@code spec.nodeName} of an unbound pod and its {@code PodScheduled} condition; a bound or terminating pod
   * is a conflict. The pod's managed fields stay as they were: {@code setPodNodeAndMetadata} writes it with the
   * storage's {@code GuaranteedUpdate}, past the field manager, which only sees the Binding (so what the binding
   * sets is owned by no one). A pod stored without managed fields gets the binder's entry, as before.
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
    return writes.updatePrepared(ctx, type, old, root, ctx.info().identity().name(), w -> {}, "binding",
        old.metadata().get("managedFields"));
  }
}
