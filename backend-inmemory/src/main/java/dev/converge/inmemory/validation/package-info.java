/**
 * Server-side validation of the built-in kinds the examples use, producing Kubernetes' field errors ({@code field.ErrorList}) so that rejected objects fail with 422 and the same causes.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.validation;

import org.jspecify.annotations.NullMarked;
