package dev.converge.bench;

import dev.converge.bench.CrudTimes.Phase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * {@code Quick backends}: the CRUD workload ({@link CrudWorkload}, {@code --n} ConfigMaps and as many Deployments, 2,000 by default)
 * through the Backend SPI on the in-memory backend ({@link InMemoryCrud}) and with client-java against
 * fabric8's CRUD mock server ({@link Fabric8Crud}), in the same JVM, interleaved: {@code --warmup} (1)
 * unrecorded rounds of both, then {@code --runs} (5) rounds, each of {@code --repeat} (5) in-memory rounds
 * and one fabric8 round ({@code --peer 0} leaves fabric8 out, for profiling). Every round starts from an
 * empty server. Prints per-round times, per-request costs
 * by phase, CPU times, and last:
 *
 * <pre>
 * backends-crud n=2000 inmemory_ms=… fabric8_ms=… ratio=…
 * </pre>
 *
 * where the times are the medians of the rounds' wall times and the ratio is fabric8 / in-memory. Target
 * (DESIGN.md §9): ratio ≥ 1000.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package && java -cp benchmarks/target/benchmarks.jar dev.converge.bench.Quick backends}.
 */
final class BackendsQuick {
  private BackendsQuick() {}

  static int run(Quick.Options options) throws Exception {
    int n = options.integer("n", 2000);
    int runs = options.integer("runs", 5);
    int warmup = options.integer("warmup", 1);
    int repeat = options.integer("repeat", 5);
    boolean peer = options.integer("peer", 1) != 0;
    CrudWorkload workload = CrudWorkload.of(n);
    int objects = workload.size();
    System.out.printf(Locale.ROOT, "workload: n=%d (%d ConfigMaps, %d Deployments); per round %d creates, %d gets, 2 lists, %d updates, %d deletes%n",
        n, n, n, objects, objects, objects, objects);
    List<CrudTimes> inMemory = new ArrayList<>();
    List<CrudTimes> fabric8 = new ArrayList<>();
    for (int round = -warmup; round < runs; round++) {
      for (int r = 0; r < repeat; r++) {
        CrudTimes times = InMemoryCrud.round(workload);
        if (round >= 0) {
          inMemory.add(times);
        }
      }
      @Nullable CrudTimes times = peer ? Fabric8Crud.round(workload) : null;
      if (round >= 0 && times != null) {
        fabric8.add(times);
      }
      System.out.printf(Locale.ROOT, "  round %d: inmemory_ms=%.2f fabric8_ms=%.1f%n", round,
          inMemory.isEmpty() || round < 0 ? Double.NaN : inMemory.get(inMemory.size() - 1).wallMillis(),
          times == null ? Double.NaN : times.wallMillis());
    }
    print("inmemory", inMemory);
    if (!peer) {
      System.out.printf(Locale.ROOT, "backends-crud n=%d inmemory_ms=%.2f (peer not run: --peer 0)%n", n,
          median(inMemory, CrudTimes::wallMillis));
      return 0;
    }
    print("fabric8", fabric8);
    double inMemoryWall = median(inMemory, CrudTimes::wallMillis);
    double fabric8Wall = median(fabric8, CrudTimes::wallMillis);
    System.out.printf(Locale.ROOT, "  cpu-median inmemory_thread_ms=%.2f inmemory_process_ms=%.2f fabric8_process_ms=%.1f ratio_process=%.0f%n",
        median(inMemory, CrudTimes::threadCpuMillis), median(inMemory, CrudTimes::processCpuMillis),
        median(fabric8, CrudTimes::processCpuMillis),
        median(fabric8, CrudTimes::processCpuMillis) / median(inMemory, CrudTimes::processCpuMillis));
    System.out.printf(Locale.ROOT, "backends-crud n=%d inmemory_ms=%.2f fabric8_ms=%.1f ratio=%.0f%n",
        n, inMemoryWall, fabric8Wall, fabric8Wall / inMemoryWall);
    return 0;
  }

  private static void print(String side, List<CrudTimes> rounds) {
    System.out.printf(Locale.ROOT, "  %s wall_ms=%s%n", side, Arrays.toString(values(rounds, CrudTimes::wallMillis)));
    System.out.printf(Locale.ROOT, "  %s thread_cpu_ms=%s%n", side, Arrays.toString(values(rounds, CrudTimes::threadCpuMillis)));
    System.out.printf(Locale.ROOT, "  %s process_cpu_ms=%s%n", side, Arrays.toString(values(rounds, CrudTimes::processCpuMillis)));
    StringBuilder line = new StringBuilder("  " + side + " median us/request:");
    for (Phase phase : Phase.values()) {
      line.append(String.format(Locale.ROOT, " %s=%.2f", phase.name().toLowerCase(Locale.ROOT),
          median(rounds, t -> t.wallMicrosPerRequest(phase))));
    }
    line.append(" (thread cpu:");
    for (Phase phase : Phase.values()) {
      line.append(String.format(Locale.ROOT, " %s=%.2f", phase.name().toLowerCase(Locale.ROOT),
          median(rounds, t -> t.threadCpuMicrosPerRequest(phase))));
    }
    line.append(") (bytes allocated by the calling thread:");
    for (Phase phase : Phase.values()) {
      line.append(String.format(Locale.ROOT, " %s=%.0f", phase.name().toLowerCase(Locale.ROOT),
          median(rounds, t -> t.allocatedBytesPerRequest(phase))));
    }
    System.out.println(line.append(')'));
  }

  private static double[] values(List<CrudTimes> rounds, ToDoubleFunction<CrudTimes> metric) {
    double[] out = new double[rounds.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.round(metric.applyAsDouble(rounds.get(i)) * 100) / 100.0;
    }
    return out;
  }

  static double median(List<CrudTimes> rounds, ToDoubleFunction<CrudTimes> metric) {
    double[] sorted = new double[rounds.size()];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = metric.applyAsDouble(rounds.get(i));
    }
    Arrays.sort(sorted);
    int k = sorted.length;
    return k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
  }
}
