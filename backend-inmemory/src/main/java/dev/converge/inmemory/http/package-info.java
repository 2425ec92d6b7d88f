/**
 * The HTTP front of the in-memory cluster: the Kubernetes REST API over loopback HTTP, so that {@code kubectl},
 * client-java and any other client library can talk to an {@link dev.converge.inmemory.server.ApiServer}.
 *
 * <p>{@link dev.converge.inmemory.http.HttpFront} is the entry point. Every request maps to one typed call of
 * the API server (so RBAC, admission, accounting and watch semantics are the server's, not re-implemented
 * here); this package only translates: paths and query parameters to requests, bodies to resources,
 * {@link dev.converge.api.backend.BackendException}s to {@code Status} bodies, watches to chunked streams, and
 * adds what only HTTP clients need: discovery, OpenAPI documents and {@code Table} output.
 *
 * <p>Threads live here and only here: the JDK server's connection threads and one scheduler for watch timeouts
 * and bookmarks. Nothing in this package reads the wall clock; ages in tables come from the server's ticker.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.http;

import org.jspecify.annotations.NullMarked;
