/**
 * Nodes and what runs on them: node pools, one kubelet per node (registration, Lease renewal, node status,
 * the pod lifecycle with sampled image pulls and start-up delays, crash loops, graceful termination), churn,
 * the node lifecycle controller (NotReady, {@code not-ready}/{@code unreachable} taints, taint-based
 * eviction) and the pod garbage collector.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim.node;

import org.jspecify.annotations.NullMarked;
