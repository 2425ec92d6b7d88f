/**
 * The code of Converge's guides ({@code docs/guides}): every Java block a guide shows is a region of a source
 * in this module, compiled and tested by the build.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.guides;

import org.jspecify.annotations.NullMarked;
