/**
 * The operator's own install as a resource graph (CRD, Deployment, ServiceAccount, RBAC) and the RBAC coverage check that keeps the operator from granting rules it does not hold.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.install;

import org.jspecify.annotations.NullMarked;
