package dev.converge.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fresh in-memory cluster for each test, without nodes or workload controllers: the same injection as {@link
 * SimulatedCluster} but for the {@code Simulation} (cluster, backend, server, request log, virtual clock), for tests
 * of reconcilers and backends that need no pods to run. The API server runs its garbage collector and its
 * namespace and CRD controllers after every request; nothing else writes. On a method, it overrides the class's
 * annotation.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ClusterExtension.class)
public @interface InMemoryClusterTest {
  /** The seed of every random draw in the cluster. */
  long seed() default 42;
}
