/**
 * CRD validation rules ({@code x-kubernetes-validations}): CEL expressions that a CRD version's schema attaches
 * to its nodes, compiled when the CRD is written and evaluated on every write of its custom resources, as
 * apiextensions-apiserver does ({@code pkg/apiserver/schema/cel}). {@link
 * dev.converge.inmemory.cel.ValidationRules} is the entry point; the language itself is Google's cel-java.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.cel;

import org.jspecify.annotations.NullMarked;
