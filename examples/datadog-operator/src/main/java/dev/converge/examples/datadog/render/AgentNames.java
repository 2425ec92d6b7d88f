package dev.converge.examples.datadog.render;

import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;

/**
 * The names of what the operator creates for a DatadogAgent named {@code <dda>}, as the Datadog Operator names
 * them: {@code <dda>-agent}, {@code <dda>-cluster-agent}, {@code <dda>-cluster-checks-runner}, {@code
 * <dda>-token}.
 *
 * <p><b>Names that Datadog fixes</b> ({@code datadog-webhook}, {@code datadog-admission-controller}) are derived
 * from the DatadogAgent too: {@code <dda>-webhook} and {@code <dda>-admission-controller}, which are exactly the
 * fixed names for the reference DatadogAgent named {@code datadog}. Two DatadogAgents in one namespace have
 * different names, so they never claim the same object, without either having to see the other and without a
 * race between their first passes. (Cluster-scoped objects of two same-named DatadogAgents in different
 * namespaces do collide, as the Datadog Operator's ClusterRoles {@code <dda>-agent} do; that is inherent to the
 * names it uses.)
 */
public final class AgentNames {
  private AgentNames() {}

  /** The workload, service account, ClusterRole and binding name of {@code component}. */
  public static String of(DatadogAgent dda, ComponentName component) {
    return dda.name() + "-" + component.suffix();
  }

  public static String agent(DatadogAgent dda) {
    return of(dda, ComponentName.NODE_AGENT);
  }

  public static String clusterAgent(DatadogAgent dda) {
    return of(dda, ComponentName.CLUSTER_AGENT);
  }

  public static String clusterChecksRunner(DatadogAgent dda) {
    return of(dda, ComponentName.CLUSTER_CHECKS_RUNNER);
  }

  /** The Secret holding the node agent ↔ Cluster Agent token (key {@value #TOKEN_KEY}). */
  public static String token(DatadogAgent dda) {
    return dda.name() + "-token";
  }

  /** The key of the token in {@link #token}. */
  public static final String TOKEN_KEY = "token";

  /** The Secret the operator owns for plaintext {@code apiKey}/{@code appKey}. */
  public static String credentialsSecret(DatadogAgent dda) {
    return dda.name() + "-secret";
  }

  /** The local-traffic Service of the node agents (traces and DogStatsD on the pod's own node). */
  public static String localService(DatadogAgent dda) {
    return agent(dda);
  }

  /** The MutatingWebhookConfiguration: {@code datadog-webhook} for the DatadogAgent named {@code datadog}. */
  public static String webhook(DatadogAgent dda) {
    return dda.name() + "-webhook";
  }

  /** The PodDisruptionBudget of a Deployment component ({@code <dda>-cluster-agent-pdb}). */
  public static String podDisruptionBudget(DatadogAgent dda, ComponentName component) {
    return of(dda, component) + "-pdb";
  }

  /** The Cluster Agent's leader-election Lease and ConfigMap. */
  public static String leaderElection(DatadogAgent dda) {
    return dda.name() + "-leader-election";
  }
}
