/**
 * The Converge model: resource identities and immutable resource trees, the desired graph a reconciler
 * produces, the observed state a backend reports, and the ordered plan that connects them.
 *
 * <p>Everything here is an immutable value or a small SPI. Nothing in this package performs I/O, reads a
 * clock or draws a random number; those arrive through {@link dev.converge.api.Ticker} and the backend SPI in
 * {@link dev.converge.api.backend}.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.api;

import org.jspecify.annotations.NullMarked;
