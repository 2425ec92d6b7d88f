/**
 * The admission controller's pod mutation as a pure function: config injection by mode, entity id, standard tags, never overwriting.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.admission;

import org.jspecify.annotations.NullMarked;
