/**
 * The Converge engine: the pure planner, the executor and the control loop.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core;

import org.jspecify.annotations.NullMarked;
