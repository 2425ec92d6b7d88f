package dev.converge.examples.datadog.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.controllers.Controller;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A test double for kube-controller-manager's DaemonSet and Deployment controllers, for tests on the bare
 * in-memory cluster (which has no workload controllers): whenever a DaemonSet or Deployment is written with a
 * generation its status has not observed, it writes the status the real controllers would reach once every pod
 * of the new template runs: a DaemonSet on {@link #nodes} nodes of which {@link #readyNodes} are ready, a
 * Deployment with all its replicas available (or none while {@link #deploymentsDown}). It writes nothing
 * otherwise, so a converged system stays silent. Its requests carry the user {@value #USER}.
 */
final class WorkloadStandIn implements Controller, ChangeListener {
  static final String USER = "stand-in:kube-controller-manager";
  private static final Identity IDENTITY = Identity.user(USER, Identity.MASTERS);
  private static final GroupKind DAEMON_SET = GroupKind.of("apps", "DaemonSet");
  private static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");

  private final InMemoryCluster cluster;
  private final ApiServer server;
  private final Set<ResourceKey> queue = new LinkedHashSet<>();
  private int nodes;
  private int readyNodes;
  private boolean deploymentsDown;

  private WorkloadStandIn(InMemoryCluster cluster, int nodes) {
    this.cluster = cluster;
    this.server = cluster.server();
    this.nodes = nodes;
    this.readyNodes = nodes;
  }

  /** A stand-in for {@code nodes} nodes, all ready, added to {@code cluster}'s controllers. */
  static WorkloadStandIn install(InMemoryCluster cluster, int nodes) {
    WorkloadStandIn standIn = new WorkloadStandIn(cluster, nodes);
    cluster.server().addChangeListener(standIn);
    cluster.controllers().add(standIn);
    return standIn;
  }

  /** From now on {@code ready} of the nodes run a ready agent; rewrites every DaemonSet's status. */
  void readyNodes(int ready) {
    this.readyNodes = ready;
    rewriteAll(DAEMON_SET);
  }

  /** Takes every Deployment's pods down (or brings them back), as a crash loop or a scale to zero would. */
  void deploymentsDown(boolean down) {
    this.deploymentsDown = down;
    rewriteAll(DEPLOYMENT);
  }

  private void rewriteAll(GroupKind kind) {
    server.locked(() -> server.cache().objects(kind).values().forEach(object -> queue.add(object.key())));
    // Controllers run after requests; with no request pending, run them now.
    cluster.settle();
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    boolean workload = object.groupKind().equals(DAEMON_SET) || object.groupKind().equals(DEPLOYMENT);
    if (workload && change.type() != Change.Type.DELETED
        && object.status().path("observedGeneration").asLong(0) != object.generation()) {
      queue.add(object.key());
    }
  }

  @Override
  public String name() {
    return "workload-stand-in";
  }

  @Override
  public boolean hasWork() {
    return !queue.isEmpty();
  }

  @Override
  public void step() {
    ResourceKey key = queue.iterator().next();
    queue.remove(key);
    Resource live = server.cache().get(key.groupKind(), key.namespace(), key.name());
    if (live == null || live.isBeingDeleted()) {
      return;
    }
    ObjectNode status = live.groupKind().equals(DAEMON_SET) ? daemonSetStatus(live) : deploymentStatus(live);
    if (!status.equals(live.status())) {
      server.updateStatus(IDENTITY, live.edit(tree -> tree.set("status", status)));
    }
  }

  @Override
  public void retryDeferred() {}

  private ObjectNode daemonSetStatus(Resource live) {
    return Json.object()
        .put("observedGeneration", live.generation())
        .put("desiredNumberScheduled", nodes)
        .put("currentNumberScheduled", nodes)
        .put("numberReady", readyNodes)
        .put("numberAvailable", readyNodes)
        .put("updatedNumberScheduled", nodes)
        .put("numberMisscheduled", 0)
        .put("numberUnavailable", nodes - readyNodes);
  }

  private ObjectNode deploymentStatus(Resource live) {
    int replicas = live.spec().path("replicas").asInt(1);
    int available = deploymentsDown ? 0 : replicas;
    ObjectNode status = Json.object()
        .put("observedGeneration", live.generation())
        .put("replicas", replicas)
        .put("updatedReplicas", replicas)
        .put("readyReplicas", available)
        .put("availableReplicas", available);
    if (available < replicas) {
      status.put("unavailableReplicas", replicas - available);
    }
    status.putArray("conditions").addObject().put("type", "Available").put("status", available >= replicas ? "True" : "False");
    return status;
  }
}
