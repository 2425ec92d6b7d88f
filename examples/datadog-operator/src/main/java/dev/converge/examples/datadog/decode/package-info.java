/**
 * Reading a {@code DatadogAgent}: a strict schema walk (unknown fields and wrong types are errors that name their path), validation with the messages users see, defaults applied to a copy, and binding to the records of {@code model}.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.decode;

import org.jspecify.annotations.NullMarked;
