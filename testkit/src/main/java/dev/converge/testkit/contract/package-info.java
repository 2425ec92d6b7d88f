/**
 * The backend contract suite: what the {@link dev.converge.api.backend.Backend} SPI promises, as JUnit 5 test
 * interfaces a backend's test class implements ({@link dev.converge.testkit.contract.BackendContract} for all of
 * them), given a {@link dev.converge.testkit.contract.BackendFixture}. What a backend cannot do is declared as a
 * {@link dev.converge.testkit.contract.Capability} with a reason, and the tests that need it are reported as
 * skipped with that reason.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.testkit.contract;

import org.jspecify.annotations.NullMarked;
