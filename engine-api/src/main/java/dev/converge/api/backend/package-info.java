/**
 * The backend SPI: how the engine reads and writes a cluster. {@link dev.converge.api.backend.Backend} is
 * implemented by the in-memory cluster and by the Kubernetes backend, and both pass the same contract suite
 * (testkit). Failures are typed ({@link dev.converge.api.backend.BackendException} and its subclasses) so
 * that the engine can tell a conflict it should retry from a request it must not repeat.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.api.backend;

import org.jspecify.annotations.NullMarked;
