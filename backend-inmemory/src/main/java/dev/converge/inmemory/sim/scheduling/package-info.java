/**
 * Where a pod may run: node taints and pod tolerations, node selectors and required node affinity, and resource
 * fit, parsed once from the JSON of nodes and pods into small values so that the scheduler and the DaemonSet
 * controller can test ten thousand nodes cheaply. The rules follow {@code k8s.io/component-helpers/scheduling/
 * corev1} and the scheduler's filter plugins (NodeName, NodeUnschedulable, NodeAffinity, TaintToleration,
 * NodeResourcesFit).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim.scheduling;

import org.jspecify.annotations.NullMarked;
