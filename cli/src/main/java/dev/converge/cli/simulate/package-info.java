/**
 * {@code converge simulate}: applies manifests through the engine's control loop on a simulated cluster,
 * drives the workloads they describe, and reports the plan, the rollout timeline, the API-server load and the
 * trace hash ({@link dev.converge.cli.simulate.SimulateCommand}); {@code --set} and {@code --compare} edit one
 * field of one input object ({@link dev.converge.cli.simulate.FieldEdit}).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.cli.simulate;

import org.jspecify.annotations.NullMarked;
