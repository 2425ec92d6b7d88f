/**
 * Guide 2's custom backend: {@link dev.converge.guides.audit.AuditingBackend}, a decorator that keeps an
 * audit trail of every write, checked against the whole backend contract suite.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.guides.audit;

import org.jspecify.annotations.NullMarked;
