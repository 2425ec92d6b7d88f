/**
 * The {@code DatadogAgent} status, computed from live objects: conditions and the per-component summaries.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.status;

import org.jspecify.annotations.NullMarked;
