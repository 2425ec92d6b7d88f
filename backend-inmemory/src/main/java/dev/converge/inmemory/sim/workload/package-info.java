/**
 * Clusters and workloads described in YAML beside ordinary manifests ({@code sim.converge.dev/v1alpha1}):
 * {@link dev.converge.inmemory.sim.workload.NodePoolSpec} (nodes to simulate) and {@link
 * dev.converge.inmemory.sim.workload.WorkloadProfileSpec} (the API traffic of the pods a selector picks, or a
 * proxy that watches once and answers others from its cache), read strictly by {@link
 * dev.converge.inmemory.sim.workload.SimManifests}; and {@link dev.converge.inmemory.sim.workload.WorkloadDriver},
 * which turns every running pod a profile selects into a client on the virtual clock.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim.workload;

import org.jspecify.annotations.NullMarked;
