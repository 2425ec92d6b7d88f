package dev.converge.bench;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.inmemory.InMemoryCluster;
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
 * JMH: the {@code backends} CRUD workload ({@link CrudWorkload}) as whole rounds on both sides, and single
 * in-memory requests against a cluster holding the workload's {@code n} ConfigMaps and {@code n} Deployments.
 *
 * <ul>
 *   <li>{@code roundInMemory}, {@code roundFabric8}: one round (create, get, list, update, delete) on a fresh
 *       server, as {@code Quick backends} times it (single shot, milliseconds). A fabric8 round at n = 2,000
 *       takes tens of seconds: select the in-memory ones alone with {@code 'BackendsBenchmark\.(?!roundFabric8)'}.
 *   <li>{@code get}, {@code updateLabel}, {@code reapplyUnchanged}, {@code applyCreateThenDelete}: one
 *       request (two for the last) through the Backend SPI, in microseconds. {@code reapplyUnchanged} is a
 *       converged engine's steady state: an apply that changes nothing and writes nothing.
 * </ul>
 *
 * <p>Run: {@code mvn -q -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar BackendsBenchmark}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class BackendsBenchmark {
  @Param({"2000"})
  public int n;

  private CrudWorkload workload;
  private Backend backend;
  private Resource configMap;
  private Resource deployment;
  private Resource fresh;
  private boolean flip;

  @Setup(Level.Trial)
  public void setUp() {
    workload = CrudWorkload.of(n);
    backend = InMemoryCluster.create(Ticker.system(), 42).backend();
    ApplyOptions apply = ApplyOptions.defaults();
    for (CrudWorkload.Item item : workload.items()) {
      backend.apply(item.resource(), apply);
    }
    configMap = backend.get(workload.items().get(0).resource().key()).orElseThrow();
    deployment = workload.items().get(1).resource();
    fresh = CrudWorkload.of(n + 1).items().get(2 * n + 1).resource(); // a Deployment the cluster does not hold
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 5)
  @Measurement(iterations = 10)
  public CrudTimes roundInMemory() {
    return InMemoryCrud.round(workload);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public CrudTimes roundFabric8() throws Exception {
    return Fabric8Crud.round(workload);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Resource get() {
    return backend.get(deployment.key()).orElseThrow();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Resource updateLabel() {
    flip = !flip;
    configMap = backend.update(configMap.withLabel("bench/flip", flip ? "a" : "b"));
    return configMap;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Resource reapplyUnchanged() {
    return backend.apply(deployment, ApplyOptions.defaults());
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public boolean applyCreateThenDelete() {
    ResourceKey key = backend.apply(fresh, ApplyOptions.defaults()).key();
    return backend.delete(key, DeleteOptions.background());
  }
}
