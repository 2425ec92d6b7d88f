/**
 * AssertJ entry points for Converge's domain, every check labelled with what it looked at:
 * {@link dev.converge.testkit.assertions.ConvergeAssertions#assertThat(dev.converge.api.Plan) plans}, cluster state,
 * execution reports, API load from the request log, and convergence of a control loop.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.testkit.assertions;

import org.jspecify.annotations.NullMarked;
