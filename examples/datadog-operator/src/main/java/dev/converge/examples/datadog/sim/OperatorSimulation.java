package dev.converge.examples.datadog.sim;

import static com.google.common.base.Preconditions.checkState;

import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.backend.Selection;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.plan.Planner;
import dev.converge.examples.datadog.cluster.ClusterAgentWebhooks;
import dev.converge.examples.datadog.install.OperatorInstall;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;

/**
 * Step 1 of the install flow on an in-memory or simulated cluster: {@link OperatorInstall}'s graph (the CRD,
 * the operator's ServiceAccount, ClusterRole and binding, its Deployment) planned and executed as the
 * installer — what {@code helm install} does with an administrator's kubeconfig — and the Cluster Agent's
 * webhooks added to the API server's admission chain, since in a real cluster the webhook server is part of the
 * Cluster Agent the operator deploys. The operator's control loop then runs as {@link #operator(String)}, so
 * that RBAC and the escalation check apply to everything it writes.
 */
public final class OperatorSimulation {
  /** The namespace the operator is installed in, as the Datadog Helm chart's documentation installs it. */
  public static final String NAMESPACE = "datadog";

  private OperatorSimulation() {}

  /** The identity the operator's pod authenticates as: its ServiceAccount in {@code namespace}. */
  public static Identity operator(String namespace) {
    return Identity.serviceAccount(namespace, OperatorInstall.NAME);
  }

  /**
   * Applies {@link OperatorInstall#graph(String)} for {@code namespace} as {@code installer} and registers
   * {@link ClusterAgentWebhooks} on {@code server}. Synchronous: the CRD is served when it returns, so the
   * DatadogAgents applied next are accepted.
   *
   * @throws IllegalStateException if a step of the install fails
   */
  public static void installOperator(ApiServer server, Identity installer, String namespace) {
    InMemoryBackend backend = new InMemoryBackend(server, installer);
    DesiredGraph install = OperatorInstall.graph(namespace);
    Observed before = backend.observe(Selection.keys(install.resources().keySet()));
    ExecutionReport report = PlanExecutor.create(backend).execute(Planner.defaults().plan(install, before), before);
    checkState(report.isComplete() && !report.hasFailures(), "operator install failed: %s", report);
    ClusterAgentWebhooks.register(server);
  }
}
