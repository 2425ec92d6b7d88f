package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The disruption controller ({@code pkg/controller/disruption/disruption.go}): it keeps each
 * PodDisruptionBudget's status, which the eviction subresource decides by.
 *
 * <ul>
 *   <li>{@code expectedPods} and {@code desiredHealthy}: with an integer {@code minAvailable}, the pods the
 *       selector matches and that number; with a percentage {@code minAvailable} or any {@code maxUnavailable},
 *       the sum of the scales of the pods' controllers (a ReplicaSet's, or its Deployment's) and the value
 *       scaled from it, rounded up.
 *   <li>{@code currentHealthy}: the matching pods that are Ready, not being deleted and not just evicted
 *       ({@code disruptedPods}, dropped once the pod is gone or after two minutes).
 *   <li>{@code disruptionsAllowed}: {@code currentHealthy - desiredHealthy}, at least 0; the condition
 *       {@code DisruptionAllowed} says SufficientPods or InsufficientPods, or SyncFailed when a pod's controller
 *       cannot be scaled (no controller, or one this simulation does not run), which allows none.
 * </ul>
 *
 * A budget is synced when it changes and when a pod its selector matches does; the status is written only when
 * it changes.
 */
public final class DisruptionController {
  static final GroupKind PDB = GroupKind.of("policy", "PodDisruptionBudget");
  /** {@code DeletionTimeout}: how long an evicted pod counts as disrupted while it is not yet deleted. */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  private final SimContext ctx;
  private final SimClient client;
  private final Informer budgets;
  private final Informer pods;
  private final Informer replicaSets;
  private final Informer deployments;
  private final SyncQueue<String> queue;

  public DisruptionController(SimContext ctx, SimClient client, SharedInformers informers) {
    this.ctx = ctx;
    this.client = client;
    this.budgets = informers.of(PDB);
    this.pods = informers.of(GroupKind.of("", "Pod"));
    this.replicaSets = informers.of(ReplicaSetController.REPLICA_SET);
    this.deployments = informers.of(GroupKind.of("apps", "Deployment"));
    this.queue = new SyncQueue<>(ctx.clock(), 1, this::sync);
    budgets.addHandler(Informer.Handler.of(pdb -> queue.add(key(pdb)), pdb -> { }));
    pods.addHandler(Informer.Handler.of(this::enqueueBudgetsOf, this::enqueueBudgetsOf));
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  private static String key(Resource pdb) {
    return pdb.namespace() + "/" + pdb.name();
  }

  private void enqueueBudgetsOf(Resource pod) {
    for (Resource pdb : budgets.inNamespace(pod.namespace()).values()) {
      if (selects(pdb, pod)) {
        queue.add(key(pdb));
      }
    }
  }

  /** policy/v1: an empty selector selects every pod of the namespace, a missing one none. */
  private static boolean selects(Resource pdb, Resource pod) {
    JsonNode selector = pdb.spec().get("selector");
    return selector != null && selector.isObject() && LabelSelector.fromJson(selector).matches(pod.labels());
  }

  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    Resource pdb = budgets.get(key.substring(0, slash), key.substring(slash + 1));
    if (pdb == null || pdb.isBeingDeleted()) {
      done.done(null);
      return;
    }
    Instant now = ctx.clock().now();
    List<Resource> matching = new ArrayList<>();
    for (Resource pod : pods.inNamespace(pdb.namespace()).values()) {
      if (selects(pdb, pod)) {
        matching.add(pod);
      }
    }
    ObjectNode status = Json.object();
    status.put("observedGeneration", pdb.generation());
    ObjectNode disrupted = disruptedPods(pdb, matching, now);
    if (!disrupted.isEmpty()) {
      status.set("disruptedPods", disrupted);
    }
    long healthy = 0;
    for (Resource pod : matching) {
      if (!pod.isBeingDeleted() && !disrupted.has(pod.name()) && PodConditions.isReady(pod)) {
        healthy++;
      }
    }
    Long expected = null;
    long desired = 0;
    JsonNode maxUnavailable = pdb.spec().get("maxUnavailable");
    JsonNode minAvailable = pdb.spec().get("minAvailable");
    if (maxUnavailable != null && !maxUnavailable.isNull()) {
      expected = expectedScale(matching);
      long unavailable = expected == null ? -1 : scaled(maxUnavailable, expected);
      if (unavailable < 0) {
        expected = null;
      } else {
        desired = Math.max(0, expected - unavailable);
      }
    } else if (minAvailable != null && minAvailable.isTextual()) {
      expected = expectedScale(matching);
      long available = expected == null ? -1 : scaled(minAvailable, expected);
      if (available < 0) {
        expected = null;
      } else {
        desired = available;
      }
    } else if (minAvailable != null && minAvailable.isNumber()) {
      expected = (long) matching.size();
      desired = minAvailable.asLong();
    } else {
      expected = (long) matching.size();
    }
    long allowed = expected == null || expected <= 0 ? 0 : Math.max(0, healthy - desired);
    status.put("disruptionsAllowed", allowed);
    status.put("currentHealthy", healthy);
    status.put("desiredHealthy", desired);
    status.put("expectedPods", expected == null ? 0 : expected);
    String reason = expected == null ? "SyncFailed" : allowed > 0 ? "SufficientPods" : "InsufficientPods";
    status.set("conditions", Json.array().add(condition(pdb, allowed > 0, reason, now)));
    if (!disrupted.isEmpty()) {
      queue.addAfter(key, DELETION_TIMEOUT);
    }
    if (status.equals(pdb.status())) {
      done.done(null);
      return;
    }
    ObjectNode root = Trees.shallowCopy(pdb.json());
    root.set("status", status);
    client.updateStatus(Resource.of(root), response -> done.done(response.error()));
  }

  /** The recorded evictions that still count: the pod is there, not being deleted, evicted under two minutes ago. */
  private static ObjectNode disruptedPods(Resource pdb, List<Resource> matching, Instant now) {
    Map<String, Resource> byName = new HashMap<>();
    matching.forEach(pod -> byName.put(pod.name(), pod));
    ObjectNode out = Json.object();
    for (Map.Entry<String, JsonNode> entry : pdb.status().path("disruptedPods").properties()) {
      Resource pod = byName.get(entry.getKey());
      Instant at = Instant.parse(entry.getValue().asText());
      if (pod != null && !pod.isBeingDeleted() && at.plus(DELETION_TIMEOUT).isAfter(now)) {
        out.set(entry.getKey(), entry.getValue());
      }
    }
    return out;
  }

  /** {@code getExpectedScale}: the summed scale of the pods' controllers, or null when one cannot be scaled. */
  private @Nullable Long expectedScale(List<Resource> matching) {
    Map<String, Long> byController = new HashMap<>();
    for (Resource pod : matching) {
      OwnerReference ref = PodConditions.controllerOf(pod);
      if (ref == null || !ref.kind().equals("ReplicaSet")) {
        return null;
      }
      Resource rs = replicaSets.get(pod.namespace(), ref.name());
      if (rs == null || !rs.uid().equals(ref.uid())) {
        return null;
      }
      OwnerReference owner = PodConditions.controllerOf(rs);
      Resource deployment = owner == null || !owner.kind().equals("Deployment") ? null
          : deployments.get(pod.namespace(), owner.name());
      Resource scaled = deployment != null && deployment.uid().equals(owner.uid()) ? deployment : rs;
      byController.put(scaled.uid(), scaled.spec().path("replicas").asLong(1));
    }
    long sum = 0;
    for (long replicas : byController.values()) {
      sum += replicas;
    }
    return sum;
  }

  /**
   * {@code GetScaledValueFromIntOrPercent} rounding up; -1 for a value it refuses (a string that is not a
   * percentage), which fails the sync.
   */
  static long scaled(JsonNode value, long total) {
    if (value.isNumber()) {
      return value.asLong();
    }
    String text = value.asText();
    if (!text.endsWith("%")) {
      return -1;
    }
    try {
      long percent = Long.parseLong(text.substring(0, text.length() - 1));
      return percent < 0 ? -1 : (percent * total + 99) / 100;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static ObjectNode condition(Resource pdb, boolean allowed, String reason, Instant now) {
    ObjectNode condition = Json.object();
    condition.put("type", "DisruptionAllowed");
    condition.put("status", allowed ? "True" : "False");
    condition.put("observedGeneration", pdb.generation());
    JsonNode previous = null;
    for (JsonNode c : pdb.status().path("conditions")) {
      if (c.path("type").asText().equals("DisruptionAllowed")) {
        previous = c;
      }
    }
    boolean same = previous != null && previous.path("status").asText().equals(allowed ? "True" : "False");
    condition.put("lastTransitionTime", same ? previous.path("lastTransitionTime").asText()
        : now.truncatedTo(ChronoUnit.SECONDS).toString());
    condition.put("reason", reason);
    condition.put("message", "");
    return condition;
  }
}
