package dev.converge.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh simulated cluster on a virtual clock: the in-memory API server with {@link #nodes()}
 * simulated nodes (kubelets that register, renew their Leases and run the pods bound to them), the scheduler, and
 * kube-controller-manager's controllers (Deployment, ReplicaSet, DaemonSet, StatefulSet, disruption, node
 * lifecycle, garbage collection, namespaces) — the cluster {@code converge simulate} runs. Injected as parameters of the test and its
 * {@code @BeforeEach}/{@code @AfterEach} methods: {@code Simulation}, {@code InMemoryCluster}, {@code
 * InMemoryBackend} or {@code Backend} (as {@code system:admin}), {@code ApiServer}, {@code RequestLog}, and the
 * clock as {@code VirtualScheduler} or {@code Ticker}.
 *
 * <pre>{@code
 * @SimulatedCluster(nodes = 50, seed = 42)
 * class RolloutTest {
 *   @Test
 *   void agentsReachEveryNode(Simulation sim, Backend backend) {
 *     backend.apply(daemonSet, ApplyOptions.defaults());
 *     assertThat(sim.runUntil(() -> available(backend) == 50, Duration.ofMinutes(10))).isTrue();
 *   }
 * }
 * }</pre>
 *
 * <p>Nothing happens between requests until the test runs the clock ({@code sim.runFor}, {@code sim.runUntil},
 * {@code clock.runFor}): a Deployment created by the test gets its ReplicaSet and pods, and its status, as the
 * clock runs. The API server's own controllers (garbage collector, namespaces, CRDs) run on the clock too, so a new
 * CRD serves its kind once the clock has run. The nodes never idle: run until a condition holds, with a limit. Same seed, same run. The cluster is handed over once every node ({@code node-0} … {@code
 * node-<N-1>}, 4 CPUs, 16 GiB, 110 pods) is Ready, with the request log cleared; from then on the log records
 * every component's requests (the kubelets' Lease renewals every 10 s among them), so filter it by identity.
 * {@link InMemoryClusterTest} gives a plain cluster instead, where nothing runs unless the test writes it.
 *
 * <p>On a class, it applies to every test; on a method, it overrides the class's.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ClusterExtension.class)
public @interface SimulatedCluster {
  /** Simulated nodes the cluster starts with, all Ready. */
  int nodes() default 0;

  /** The seed of every random draw in the cluster and the simulation (uids, generated names, start-up delays). */
  long seed() default 42;
}
