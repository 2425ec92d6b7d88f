/**
 * Where {@code converge plan} and {@code converge apply} act: a cluster named by a kubeconfig ({@code --kubeconfig
 * PATH [--context NAME]}: a real cluster or {@code converge serve}, through backend-k8s) or a fresh in-memory
 * cluster; and which live objects they read: the desired ones, plus, with {@code --prune --owner NAME}, every
 * object labelled for the manifest set.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.cli.cluster;

import org.jspecify.annotations.NullMarked;
