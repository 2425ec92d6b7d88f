package dev.converge.examples.datadog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.StatusContext;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.render.DesiredRenderer;
import dev.converge.examples.datadog.status.AgentStatusCalculator;

/**
 * The DatadogAgent operator as a Converge {@link Reconciler}: decode (strict, defaults on a copy, validation
 * with the Datadog Operator's messages), render the desired graph, and compute the status from live objects.
 * Pure: no I/O, no clock; the token is drawn from {@link Context#random()} once and then read back.
 */
public final class DatadogAgentReconciler implements Reconciler<DatadogAgent> {
  private static final ImmutableSet<GroupKind> OWNED = ImmutableSet.of(
      GroupKind.of("apps", "DaemonSet"),
      GroupKind.of("apps", "Deployment"),
      GroupKind.of("", "ServiceAccount"),
      GroupKind.of("", "Secret"),
      GroupKind.of("", "Service"),
      GroupKind.of("rbac.authorization.k8s.io", "ClusterRole"),
      GroupKind.of("rbac.authorization.k8s.io", "ClusterRoleBinding"),
      GroupKind.of("rbac.authorization.k8s.io", "Role"),
      GroupKind.of("rbac.authorization.k8s.io", "RoleBinding"),
      GroupKind.of("policy", "PodDisruptionBudget"),
      GroupKind.of("admissionregistration.k8s.io", "MutatingWebhookConfiguration"));

  @Override
  public GroupKind primaryKind() {
    return DatadogAgent.GROUP_KIND;
  }

  @Override
  public ImmutableSet<GroupKind> ownedKinds() {
    return OWNED;
  }

  @Override
  public DatadogAgent decode(Resource primary) {
    return DatadogAgentDecoder.decode(primary);
  }

  @Override
  public DesiredGraph desired(DatadogAgent primary, Context context) {
    return DesiredRenderer.render(primary, context);
  }

  @Override
  public ObjectNode status(StatusContext<DatadogAgent> context) {
    return AgentStatusCalculator.compute(context);
  }
}
