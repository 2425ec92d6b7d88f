/**
 * Reading Kubernetes manifests: YAML files and directories into a validated {@link
 * dev.converge.core.manifest.ManifestSet}, a desired graph that remembers where each resource was written.
 *
 * <p>Reading is all or nothing: a set either loads whole or {@link
 * dev.converge.core.manifest.ManifestReader#read(java.util.List)} throws one {@link
 * dev.converge.core.manifest.ManifestException} naming the file, the document and the field at fault, so
 * that nothing is ever planned or applied from half a set.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.manifest;

import org.jspecify.annotations.NullMarked;
