/**
 * AgentRendering the desired graph: per-component builders, RBAC rules, the feature modules that add to them, the overrides layered last, and the conversion of builders into Kubernetes objects.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.examples.datadog.render;

import org.jspecify.annotations.NullMarked;
