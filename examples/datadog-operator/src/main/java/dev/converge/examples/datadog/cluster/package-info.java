/**
 * The operator's pieces that run inside the in-memory cluster rather than in the operator: the Datadog Cluster
 * Agent's admission webhooks as an admission plugin of the in-memory API server. The only package of this
 * module that imports {@code backend-inmemory} (an optional dependency).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.cluster;

import org.jspecify.annotations.NullMarked;
