/**
 * {@code converge apply}: plan the manifests against a cluster and carry the plan out with the engine's
 * executor, printing each write on stderr as it happens and the execution report on stdout; passes repeat
 * while actions wait for a readiness gate (a CRD being Established), up to a timeout.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.cli.apply;

import org.jspecify.annotations.NullMarked;
