/**
 * Guide 1, "Embed Converge in your operator": a complete small operator. A {@code Website} custom resource
 * ({@code guides.converge.dev/v1}) becomes a ServiceAccount, a ConfigMap holding the page, a Deployment serving
 * it and a Service; its status reports a {@code Ready} condition and the available replicas.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.guides.website;

import org.jspecify.annotations.NullMarked;
