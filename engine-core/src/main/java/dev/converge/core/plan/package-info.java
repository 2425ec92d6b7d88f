/**
 * The pure planner: diff desired against actual, order the changes, render the plan.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.plan;

import org.jspecify.annotations.NullMarked;
