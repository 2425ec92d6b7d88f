/**
 * The {@link dev.converge.api.backend.Backend} over a Kubernetes API server through the official
 * {@code io.kubernetes:client-java}: {@link dev.converge.k8s.KubernetesBackend} (discovery, any kind, server-side
 * apply with an update fallback, typed errors, watches, informer-backed observation with read-your-writes,
 * Micrometer metrics) and {@link dev.converge.k8s.LeaderElection} (a Lease lock through client-java-extended).
 *
 * <p>This is the only package of Converge that imports {@code io.kubernetes.client.*}. Its public API speaks
 * {@link dev.converge.api.Resource}, {@link dev.converge.api.ResourceKey} and the SPI types; the client's
 * {@code ApiClient} is accepted as the connection, and no Gson or client model type is handed out.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.k8s;

import org.jspecify.annotations.NullMarked;
