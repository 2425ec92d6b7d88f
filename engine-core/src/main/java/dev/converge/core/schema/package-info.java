/**
 * What Converge knows about the shape of built-in Kubernetes objects: how each list merges (its keys), and
 * how quantities compare. The planner's diff and the in-memory server's patch and apply logic share this
 * knowledge so that they agree with each other and with a real API server.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.schema;

import org.jspecify.annotations.NullMarked;
