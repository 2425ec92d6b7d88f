/**
 * Request accounting: one record per request (identity, verb, resource, scope, objects scanned and returned, response code, latency), queryable by tests and extendable by the load model.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.accounting;

import org.jspecify.annotations.NullMarked;
