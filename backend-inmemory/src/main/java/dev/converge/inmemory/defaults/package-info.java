/**
 * Server-side defaulting, one class of pure functions per kind, each citing the Kubernetes defaulting it reproduces ({@code pkg/apis/<group>/v1/defaults.go}). Defaulters fill in a working copy in place and are idempotent.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.defaults;

import org.jspecify.annotations.NullMarked;
