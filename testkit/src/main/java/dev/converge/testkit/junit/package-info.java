/**
 * The JUnit 5 extension that gives each test a fresh in-memory cluster:
 * {@link dev.converge.testkit.junit.SimulatedCluster} and {@link dev.converge.testkit.junit.InMemoryClusterTest}.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.testkit.junit;

import org.jspecify.annotations.NullMarked;
