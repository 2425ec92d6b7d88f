/**
 * The executor: {@link dev.converge.core.exec.PlanExecutor} carries a {@link dev.converge.api.Plan} out
 * against a {@link dev.converge.api.backend.Backend} step by step — bounded parallelism inside a step,
 * readiness gates that hold dependents without blocking, retries on conflicts (and, in threaded mode, on
 * unavailability), dependents stopped when a prerequisite fails or waits, read-your-writes between steps —
 * and returns an immutable {@link dev.converge.core.exec.ExecutionReport}.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.exec;

import org.jspecify.annotations.NullMarked;
