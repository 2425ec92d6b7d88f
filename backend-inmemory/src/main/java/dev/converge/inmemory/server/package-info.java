/**
 * The in-memory API server: typed requests ({@link dev.converge.inmemory.server.ApiServer}), the request pipeline (interceptors, authorization, admission, accounting) and the storage semantics of the Kubernetes generic registry (resourceVersion, uid, generation, status subresource, finalizers, deletion).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.server;

import org.jspecify.annotations.NullMarked;
