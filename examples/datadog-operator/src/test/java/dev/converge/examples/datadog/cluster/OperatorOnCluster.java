package dev.converge.examples.datadog.cluster;

import static com.google.common.base.Preconditions.checkState;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.DesiredGraph;
import dev.converge.api.LabelSelector;
import dev.converge.api.Observed;
import dev.converge.api.Outcome;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Selection;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.PassResult;
import dev.converge.core.plan.Planner;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.examples.datadog.DatadogAgentReconciler;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.AgentManifests;
import dev.converge.examples.datadog.install.OperatorInstall;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The install flow on a bare in-memory cluster, for tests: the operator installed as {@link OperatorInstall}'s
 * graph (by an administrator), the real {@link ControlLoop} reconciling DatadogAgents as the operator's
 * ServiceAccount (so RBAC and the escalation check apply to everything it writes), a {@link WorkloadStandIn}
 * for the workload controllers, and the virtual clock the loop reads. Passes are run one at a time with
 * {@link #pass}, so each can be checked against the request log.
 */
final class OperatorOnCluster {
  static final String NAMESPACE = DatadogFixtures.NAMESPACE;
  /** The operator's identity: its ServiceAccount, as its pod would authenticate. */
  static final Identity OPERATOR = Identity.serviceAccount(NAMESPACE, OperatorInstall.NAME);

  final VirtualScheduler clock = new VirtualScheduler();
  final InMemoryCluster cluster;
  final InMemoryBackend admin;
  final WorkloadStandIn workloads;
  final ControlLoop<DatadogAgent> loop;

  private OperatorOnCluster(int nodes, long seed) {
    cluster = InMemoryCluster.create(clock, seed);
    admin = cluster.backend();
    workloads = WorkloadStandIn.install(cluster, nodes);
    DesiredGraph install = OperatorInstall.graph(NAMESPACE);
    Observed before = admin.observe(Selection.keys(install.resources().keySet()));
    ExecutionReport report = PlanExecutor.create(admin).execute(Planner.defaults().plan(install, before), before);
    checkState(report.isComplete() && !report.hasFailures(), "operator install failed: %s", report);
    loop = ControlLoop.builder(cluster.backend(OPERATOR), new DatadogAgentReconciler(), clock).seed(seed).build();
    cluster.requests().clear();
  }

  /** The operator installed on a cluster whose agent DaemonSets run on {@code nodes} ready nodes. */
  static OperatorOnCluster install(int nodes) {
    return new OperatorOnCluster(nodes, 42);
  }

  /** Creates the objects of {@code yaml} in {@link #NAMESPACE} as an administrator ({@code kubectl create -n datadog}). */
  ImmutableList<Resource> create(String yaml) {
    ImmutableList.Builder<Resource> created = ImmutableList.builder();
    for (Resource resource : AgentManifests.readAll(yaml)) {
      created.add(cluster.server().create(Identity.admin(), AgentManifests.inNamespace(resource, NAMESPACE, "")));
    }
    return created.build();
  }

  /** The shared {@code datadog-secret.yaml} and {@code datadog-agent.yaml}, exactly as shared; the agent's key. */
  ResourceKey createSharedExamples() {
    create(DatadogFixtures.sharedExample("datadog-secret.yaml"));
    return create(DatadogFixtures.sharedExample("datadog-agent.yaml")).get(0).key();
  }

  /** A DatadogAgent {@code name} with {@code specYaml} (indented by two spaces, under {@code spec}). */
  ResourceKey createAgent(String name, String specYaml) {
    return create("apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata:\n  name: " + name + "\nspec:\n" + specYaml)
        .get(0).key();
  }

  /** Edits the live {@code key} as an administrator ({@code kubectl edit}: a PUT with its resourceVersion). */
  Resource edit(ResourceKey key, Consumer<ObjectNode> editor) {
    return cluster.server().update(Identity.admin(), live(key).edit(editor));
  }

  /** The live object. */
  Resource live(ResourceKey key) {
    return admin.get(key).orElseThrow(() -> new AssertionError(key + " does not exist"));
  }

  /** One pass of the control loop over {@code primary}, at the current virtual time. */
  PassResult pass(ResourceKey primary) {
    return loop.reconcile(primary);
  }

  /**
   * Passes over {@code primary} until one converges writing nothing, moving the clock by each requeue delay
   * (a gate waiting for the Cluster Agent asks to look again after 5 s); fails after 10 passes.
   *
   * @return every pass, the converged one last
   */
  List<PassResult> converge(ResourceKey primary) {
    List<PassResult> passes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      PassResult result = pass(primary);
      passes.add(result);
      if (result.writes() == 0 && result.outcome() instanceof Outcome.Converged) {
        return passes;
      }
      clock.runFor(result.requeue().delay());
    }
    throw new AssertionError("no convergence in 10 passes: " + passes);
  }

  /** The objects that carry {@code primary}'s ownership label, of every kind the operator owns. */
  ImmutableList<Resource> ownedBy(ResourceKey primary) {
    return admin.observe(new Selection(com.google.common.collect.ImmutableSet.of(), loop.ownedKinds(),
        LabelSelector.equal(Ownership.OWNER_LABEL, Ownership.labelValue(primary)))).objects().values().asList();
  }

  /** The requests served since {@code mark} ({@code cluster.requests().mark()}). */
  ImmutableList<RequestRecord> since(long mark) {
    return cluster.requests().since(mark);
  }

  /** {@code "delete clusterroles datadog-agent"}, {@code "patch daemonsets datadog/datadog-agent"}. */
  static String describe(RequestRecord request) {
    return request.verb() + " " + request.resourceWithSubresource() + " "
        + (request.namespace().isEmpty() ? "" : request.namespace() + "/") + request.name();
  }
}
