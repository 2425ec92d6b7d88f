package dev.converge.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh in-memory cluster on a virtual clock, injected as parameters of the test and its
 * {@code @BeforeEach}/{@code @AfterEach} methods: {@code InMemoryCluster}, {@code InMemoryBackend} or {@code
 * Backend} (as {@code system:admin}), {@code ApiServer}, {@code RequestLog}, and the clock as {@code
 * VirtualScheduler} or {@code Ticker}.
 *
 * <pre>{@code
 * @SimulatedCluster(nodes = 50, seed = 42)
 * class RolloutTest {
 *   @Test
 *   void agentsReachEveryNode(InMemoryCluster cluster, VirtualScheduler clock) { ... }
 * }
 * }</pre>
 *
 * <p>{@link #nodes()}: until the node simulation lands, these are plain {@code Node} objects ({@code node-1} …
 * {@code node-N}, Ready, 4 CPUs, 16 GiB, 110 pods, labelled with their hostname): nothing renews their Leases,
 * schedules or runs pods on them. Once the simulation lands, the same annotation will give simulated nodes.
 * Creating them is not in the request log, as the cluster's own bootstrap is not.
 *
 * <p>On a class, it applies to every test; on a method, it overrides the class's.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ClusterExtension.class)
public @interface SimulatedCluster {
  /** Nodes the cluster starts with (plain Node objects for now, see above). */
  int nodes() default 0;

  /** The seed of every random draw in the cluster (uids, generated names). */
  long seed() default 42;
}
