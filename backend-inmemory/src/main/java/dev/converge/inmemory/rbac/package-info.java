/**
 * RBAC authorization against the Roles, ClusterRoles and bindings stored in the cluster, and the escalation check on writes of RBAC objects ({@code pkg/registry/rbac/validation}).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.rbac;

import org.jspecify.annotations.NullMarked;
