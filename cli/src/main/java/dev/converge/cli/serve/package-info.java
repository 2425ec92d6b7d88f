/**
 * {@code converge serve}: an in-memory cluster behind the Kubernetes REST API on loopback, with a kubeconfig for
 * kubectl and client libraries.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.cli.serve;

import org.jspecify.annotations.NullMarked;
