package dev.converge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.Action;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Step;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.testing.HookedBackend;
import dev.converge.core.testing.TestResources;
import dev.converge.core.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The parallelism bound with real threads: a step of twelve actions on a pool of sixteen threads runs in
 * lanes of exactly four. Every apply waits at a four-party barrier, so the step completes only if four run at
 * once, and an in-flight counter shows a fifth never starts.
 */
class PlanExecutorIT {
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  @Test
  void aStepRunsAtMostParallelismActionsAtOnce_andUsesAllOfThem() {
    VirtualScheduler clock = new VirtualScheduler();
    FakeBackend fake = new FakeBackend(clock);
    CyclicBarrier fourAtOnce = new CyclicBarrier(4);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    HookedBackend backend = new HookedBackend(fake, resource -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        fourAtOnce.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("fewer than four applies ran at once", e);
      } finally {
        inFlight.decrementAndGet();
      }
    });
    List<Action> twelve = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      twelve.add(TestResources.create(TestResources.configMap("ns", "cm" + i)));
    }
    PlanExecutor executor = PlanExecutor.builder(backend).parallelism(4).executor(pool).build();

    ExecutionReport report = executor.execute(
        new Plan(ImmutableList.of(new Step(ImmutableList.copyOf(twelve))), ImmutableMap.of()), Observed.empty());

    assertThat(report.count(ActionStatus.APPLIED)).isEqualTo(12);
    assertThat(most.get()).isEqualTo(4);
    assertThat(report.observed().size()).isEqualTo(12);
  }
}
