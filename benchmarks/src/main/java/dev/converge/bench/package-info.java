/**
 * Benchmarks: JMH classes and the quick side-by-side runner {@link dev.converge.bench.Quick}. Each measures
 * Converge against its floor or peer in the same run. Not deployed.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.bench;

import org.jspecify.annotations.NullMarked;
