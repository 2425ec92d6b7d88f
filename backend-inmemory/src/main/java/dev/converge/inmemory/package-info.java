/**
 * The in-memory cluster: {@link dev.converge.inmemory.InMemoryCluster} (a server with the built-in kinds, bootstrap objects and controllers, in one line) and {@link dev.converge.inmemory.InMemoryBackend} (the {@code Backend} SPI over it).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory;

import org.jspecify.annotations.NullMarked;
