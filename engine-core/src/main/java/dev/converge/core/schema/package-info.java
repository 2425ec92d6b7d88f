/**
 * What Converge knows about the shape of Kubernetes objects: how each list merges (its keys: built-in kinds in
 * {@link dev.converge.core.schema.ListKeys}, custom resources from their CRD schema in {@link
 * dev.converge.core.schema.ListTypes}), how quantities compare, and how API versions rank ({@link
 * dev.converge.core.schema.KubeVersions}). The planner's diff, both backends and the in-memory server's patch and
 * apply logic share this knowledge so that they agree with each other and with a real API server.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.schema;

import org.jspecify.annotations.NullMarked;
