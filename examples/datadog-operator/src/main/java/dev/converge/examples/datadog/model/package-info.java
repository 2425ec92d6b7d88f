/**
 * The typed, immutable view of a {@code DatadogAgent} after decoding: records for {@code spec.global}, {@code spec.features.*} and {@code spec.override.*}, with defaults already applied.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.model;

import org.jspecify.annotations.NullMarked;
