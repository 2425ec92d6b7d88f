/**
 * Seeded generators of resources and desired graphs: the same seed gives the same objects, so a failing
 * property names a seed that reproduces it.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.testkit.generate;

import org.jspecify.annotations.NullMarked;
