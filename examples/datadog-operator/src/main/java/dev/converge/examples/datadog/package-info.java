/**
 * The DatadogAgent operator built on Converge: {@link dev.converge.examples.datadog.DatadogAgentReconciler}
 * turns a {@code DatadogAgent} ({@code datadoghq.com/v2alpha1}) into the node agents, the Cluster Agent, the
 * cluster-check runners, their RBAC, services and the admission webhook, and reports their state in the
 * resource's status.
 *
 * <p>Sub-packages: {@code model} (typed, immutable view of the resource), {@code decode} (strict decoding,
 * defaults, validation), {@code render} (feature modules and overrides that build the desired graph),
 * {@code status} (status from live objects), {@code install} (the operator's own install graph and the RBAC
 * coverage check) and {@code admission} (the pure pod mutator of the admission controller).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog;

import org.jspecify.annotations.NullMarked;
