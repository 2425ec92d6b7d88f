package dev.converge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.core.plan.Planner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code Quick planner}: plans {@code --resources} (100,000) resources against identical actual state, and
 * against state with 1 % drift, timing each plan against the floor ({@link Floor}: a bare walk hashing the
 * same trees) in the same run, interleaved; medians of {@code --runs} (9) runs after {@code --warmup} (5).
 * Prints one line per case, the no-change line last:
 *
 * <pre>
 * planner-drift1pct resources=100000 changed=1000 actions=1000 plan_ms=… floor_ms=… ratio=…
 * paired-walk (naive diff, no rules) ms=… differences=…
 * render-and-plan trees=100000 freeze_ms=… plan_ms=…
 * planner-nochange resources=100000 plan_ms=… floor_ms=… ratio=…
 * </pre>
 *
 * Run: {@code mvn -q -B -DskipTests package && java -cp benchmarks/target/benchmarks.jar dev.converge.bench.Quick planner}.
 * Targets (DESIGN.md §9): ratio ≤ 2.0 and plan_ms ≤ 250 on one thread. The {@code render-and-plan} line is
 * a reconciler's whole pass: freezing 100,000 freshly rendered desired trees ({@link Json#freeze}, what
 * {@code Resource.of} does), then planning them. Freezing shares small parts between trees, which the plan
 * then finds identical, so a change that speeds the plan by making freezing dearer shows there.
 */
final class PlannerQuick {
  private PlannerQuick() {}

  static int run(Quick.Options options) {
    int size = options.integer("resources", 100_000);
    int runs = options.integer("runs", 9);
    int warmup = options.integer("warmup", 5);
    long started = System.nanoTime();
    PlannerWorkload workload = PlannerWorkload.build(size, 100, 42);
    System.out.printf(Locale.ROOT, "workload: %d resources, %d trees, built in %d ms%n",
        workload.desired.size(), workload.trees.size(), (System.nanoTime() - started) / 1_000_000);
    Planner planner = Planner.defaults();
    Plan drift = planner.plan(workload.desired, workload.drifted);
    if (drift.size() != workload.driftedCount || !planner.plan(workload.desired, workload.unchanged).isEmpty()) {
      System.out.println("FAILED: drift plan has " + drift.size() + " actions for " + workload.driftedCount + " drifted objects");
      return 1;
    }
    double[][] driftTimes = measure(planner, workload, workload.drifted, runs, warmup, drift.size());
    report(String.format(Locale.ROOT, "planner-drift1pct resources=%d changed=%d actions=%d", size, workload.driftedCount, drift.size()), driftTimes);
    pairedWalk(workload, runs, warmup);
    render(planner, workload, Math.min(runs, 5), Math.min(warmup, 2));
    double[][] noChange = measure(planner, workload, workload.unchanged, runs, warmup, 0);
    report(String.format(Locale.ROOT, "planner-nochange resources=%d", size), noChange);
    return 0;
  }

  /**
   * Interleaved plan and floor timings, in milliseconds: {@code [plan wall[], floor wall[], plan cpu[], floor
   * cpu[]]}. The thread's CPU time is kept beside the wall time because on a shared machine the wall time
   * includes the time other processes held the core; it leaves out the collector's threads, so the wall
   * time stays the headline.
   */
  private static double[][] measure(Planner planner, PlannerWorkload workload, Observed actual, int runs, int warmup, int expected) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] times = new double[4][runs];
    long sink = 0;
    for (int i = -warmup; i < runs; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      Plan result = planner.plan(workload.desired, actual);
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      sink += Floor.walk(workload.trees);
      long t2 = System.nanoTime();
      long c2 = threads.getCurrentThreadCpuTime();
      if (result.size() != expected) {
        throw new IllegalStateException("plan has " + result.size() + " actions, expected " + expected);
      }
      if (i >= 0) {
        times[0][i] = (t1 - t0) / 1e6;
        times[1][i] = (t2 - t1) / 1e6;
        times[2][i] = (c1 - c0) / 1e6;
        times[3][i] = (c2 - c1) / 1e6;
      }
    }
    if (sink == 42) {
      System.out.println("(unlikely hash)");
    }
    return times;
  }

  /** Times {@link Floor#pairedWalk}, the naive diff without any of the planner's rules, for reference. */
  private static void pairedWalk(PlannerWorkload workload, int runs, int warmup) {
    double[] times = new double[runs];
    long sink = 0;
    for (int i = -warmup; i < runs; i++) {
      long t0 = System.nanoTime();
      sink += Floor.pairedWalk(workload.trees);
      if (i >= 0) {
        times[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    System.out.printf(Locale.ROOT, "paired-walk (naive diff, no rules) ms=%.1f differences=%d%n", median(times), sink / (runs + warmup));
  }

  /**
   * Times a reconciler's pass: freezing mutable copies of every desired tree (what rendering a desired graph
   * ends with; the copies are made outside the timing), then planning the graph against the unchanged live
   * state, frozen long before as an informer's objects are.
   */
  private static void render(Planner planner, PlannerWorkload workload, int runs, int warmup) {
    List<JsonNode> desired = new ArrayList<>(workload.trees.size() / 2);
    for (int i = 0; i < workload.trees.size(); i += 2) {
      desired.add(workload.trees.get(i));
    }
    double[][] times = new double[2][runs];
    long sink = 0;
    for (int i = -warmup; i < runs; i++) {
      List<JsonNode> copies = new ArrayList<>(desired.size());
      for (JsonNode tree : desired) {
        copies.add(tree.deepCopy());
      }
      long t0 = System.nanoTime();
      for (JsonNode copy : copies) {
        sink += Json.freeze(copy).size();
      }
      copies = null;
      long t1 = System.nanoTime();
      sink += planner.plan(workload.desired, workload.unchanged).size();
      long t2 = System.nanoTime();
      if (i >= 0) {
        times[0][i] = (t1 - t0) / 1e6;
        times[1][i] = (t2 - t1) / 1e6;
      }
    }
    System.out.printf(Locale.ROOT, "render-and-plan trees=%d freeze_ms=%.1f plan_ms=%.1f (members %d)%n", desired.size(),
        median(times[0]), median(times[1]), sink / (runs + warmup));
  }

  private static void report(String label, double[][] times) {
    System.out.printf(Locale.ROOT, "  wall plan_ms=%s floor_ms=%s%n", Arrays.toString(round(times[0])), Arrays.toString(round(times[1])));
    System.out.printf(Locale.ROOT, "  cpu  plan_ms=%s floor_ms=%s%n", Arrays.toString(round(times[2])), Arrays.toString(round(times[3])));
    System.out.printf(Locale.ROOT, "  cpu-median plan_ms=%.1f floor_ms=%.1f ratio=%.2f%n",
        median(times[2]), median(times[3]), median(times[2]) / median(times[3]));
    double plan = median(times[0]);
    double floor = median(times[1]);
    System.out.printf(Locale.ROOT, "%s plan_ms=%.1f floor_ms=%.1f ratio=%.2f%n", label, plan, floor, plan / floor);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double[] round(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.round(values[i] * 10) / 10.0;
    }
    return out;
  }
}
