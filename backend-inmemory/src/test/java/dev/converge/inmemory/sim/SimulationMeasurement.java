package dev.converge.inmemory.sim;

import dev.converge.inmemory.sim.node.NodePool;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;

/**
 * A quick, manual measurement (not a test, not a benchmark): {@code nodes} nodes register, a DaemonSet rolls out
 * to all of them, then the cluster runs for {@code minutes} more simulated minutes (Lease renewals, node status,
 * node lifecycle, pod GC). Prints the wall and CPU time of each phase, requests served, scheduler events, the
 * peak heap and the trace hash. The full scenario with the load model's node-agent traffic is the benchmarks
 * module's {@code Quick simulate}.
 *
 * <p>Run: {@code java -Xmx2g -cp <classpath> dev.converge.inmemory.sim.SimulationMeasurement 10000 60}
 */
public final class SimulationMeasurement {
  private SimulationMeasurement() {}

  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    var threads = ManagementFactory.getThreadMXBean();
    long wall0 = System.nanoTime();
    long cpu0 = threads.getCurrentThreadCpuTime();
    Simulation sim = Simulation.builder().seed(seed).pool(NodePool.plain(nodes)).retainRequests(false).build().start();
    sim.runFor(Duration.ofSeconds(15));
    long wall1 = System.nanoTime();
    long cpu1 = threads.getCurrentThreadCpuTime();
    sim.create(SimTesting.daemonSet("agent", "", ""));
    boolean rolledOut = sim.runUntil(
        () -> SimTesting.dsStatus(sim, "agent").path("numberAvailable").asInt() == nodes, Duration.ofHours(2));
    double rolloutSeconds = sim.elapsedSeconds() - 15;
    long wall2 = System.nanoTime();
    long cpu2 = threads.getCurrentThreadCpuTime();
    sim.runFor(Duration.ofMinutes(minutes));
    long wall3 = System.nanoTime();
    long cpu3 = threads.getCurrentThreadCpuTime();
    System.out.printf("daemonset syncs=%d%n", sim.controllerManager().daemonSets().syncs());
    System.out.printf("register  wall_ms=%d cpu_ms=%d%n", (wall1 - wall0) / 1_000_000, (cpu1 - cpu0) / 1_000_000);
    System.out.printf("rollout   wall_ms=%d cpu_ms=%d sim_s=%.1f done=%s%n", (wall2 - wall1) / 1_000_000,
        (cpu2 - cpu1) / 1_000_000, rolloutSeconds, rolledOut);
    System.out.printf("steady    wall_ms=%d cpu_ms=%d sim_min=%d%n", (wall3 - wall2) / 1_000_000,
        (cpu3 - cpu2) / 1_000_000, minutes);
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("sim nodes=%d sim_s=%.0f requests=%d events=%d wall_ms=%d cpu_ms=%d heap_peak_mb=%d trace=%s%n",
        nodes, sim.elapsedSeconds(), sim.cluster().requests().total(), sim.clock().executed(),
        (wall3 - wall0) / 1_000_000, (cpu3 - cpu0) / 1_000_000, peak >> 20, sim.trace().shortHash());
  }
}
