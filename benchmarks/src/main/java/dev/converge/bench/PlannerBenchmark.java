package dev.converge.bench;

import dev.converge.api.Plan;
import dev.converge.core.plan.Planner;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: planning a workload of {@code resources} ({@link PlannerWorkload}) unchanged and with 1 % drift,
 * beside the floor walk over the same trees.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar PlannerBenchmark
 * -p resources=100000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class PlannerBenchmark {
  @Param({"10000"})
  public int resources;

  private PlannerWorkload workload;
  private final Planner planner = Planner.defaults();

  @Setup(Level.Trial)
  public void setUp() {
    workload = PlannerWorkload.build(resources, 100, 42);
  }

  @Benchmark
  public Plan planNoChange() {
    return planner.plan(workload.desired, workload.unchanged);
  }

  @Benchmark
  public Plan planDrift1pct() {
    return planner.plan(workload.desired, workload.drifted);
  }

  @Benchmark
  public long floor() {
    return Floor.walk(workload.trees);
  }
}
