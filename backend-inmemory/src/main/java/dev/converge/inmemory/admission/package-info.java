/**
 * The admission chain: mutating plugins, then validating plugins, modelled on {@code k8s.io/apiserver/pkg/admission}. Embeddings register webhook-like plugins here.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.admission;

import org.jspecify.annotations.NullMarked;
