package dev.converge.core.drive;

import static dev.converge.core.testing.AppReconciler.app;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import com.google.common.util.concurrent.Service;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.StatusContext;
import dev.converge.api.Ticker;
import dev.converge.api.backend.BackendException;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.exec.RetryPolicy;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.PassResult;
import dev.converge.core.testing.AppReconciler;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.testing.HookedBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The threaded driver with real threads and real time (waits are on latches, never sleeps): it converges the
 * same reconciler the simulated driver runs and goes quiet; owned-object events repair drift; a key is never
 * processed by two workers at once, and work asked for meanwhile is done once afterwards; resync re-enqueues;
 * stopping interrupts a retry that waits for an unavailable server and terminates cleanly; once converged, passes
 * read only the watch cache (a drift repair is one write and no read).
 */
class ThreadedDriverIT {
  private static final ResourceKey APP = AppReconciler.key("shop", "web");
  private static final ResourceKey DEPLOYMENT = ResourceKey.namespaced("apps", "Deployment", "shop", "web");
  private static final long TIMEOUT_SECONDS = 30;

  private final FakeBackend backend = new FakeBackend(Ticker.system());
  private final List<PassResult> passes = new CopyOnWriteArrayList<>();
  private ThreadedDriver driver;

  @AfterEach
  void stop() throws TimeoutException {
    if (driver != null && driver.isRunning()) {
      driver.stopAsync().awaitTerminated(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** A listener that opens a latch the first time a pass matches. */
  private static final class Await implements PassListener {
    private final Predicate<PassResult> condition;
    private final CountDownLatch latch = new CountDownLatch(1);

    Await(Predicate<PassResult> condition) {
      this.condition = condition;
    }

    @Override
    public void onPass(PassResult result) {
      if (condition.test(result)) {
        latch.countDown();
      }
    }

    void await() throws InterruptedException {
      assertThat(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("a matching pass within %ss", TIMEOUT_SECONDS).isTrue();
    }
  }

  private static boolean quiet(PassResult pass) {
    return pass.tag().equals("converged") && pass.writes() == 0;
  }

  @Test
  void convergesAndGoesQuiet_thenRepairsDriftFromOwnedEvents() throws Exception {
    backend.put(app("shop", "web", "shop:1"));
    Await converged = new Await(ThreadedDriverIT::quiet);
    Await repaired = new Await(pass -> pass.writes() == 1);
    ControlLoop<AppReconciler.App> loop = ControlLoop.builder(backend, new AppReconciler(), Ticker.system()).build();
    driver = ThreadedDriver.builder(loop).workers(2).resyncPeriod(Duration.ZERO)
        .listener(passes::add).listener(converged).listener(repaired).build();

    driver.startAsync().awaitRunning(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    converged.await();
    assertThat(backend.keys()).hasSize(6);
    assertThat(backend.peek(APP).orElseThrow().status().path("conditions").get(0).path("status").asText()).isEqualTo("True");

    backend.deleteAsUser(DEPLOYMENT);
    repaired.await();
    assertThat(backend.peek(DEPLOYMENT)).isPresent();

    driver.stopAsync().awaitTerminated(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(driver.state()).isEqualTo(Service.State.TERMINATED);
    assertThat(backend.openWatches()).isZero();
  }

  @Test
  void onceConverged_passesOnWorkerThreads_readOnlyTheWatchCache() throws Exception {
    backend.put(app("shop", "web", "shop:1"));
    Await converged = new Await(ThreadedDriverIT::quiet);
    Await repaired = new Await(pass -> pass.writes() == 1);
    Semaphore passed = new Semaphore(0);
    ControlLoop<AppReconciler.App> loop = ControlLoop.builder(backend, new AppReconciler(), Ticker.system()).build();
    driver = ThreadedDriver.builder(loop).workers(2).resyncPeriod(Duration.ZERO)
        .listener(converged).listener(repaired).listener(pass -> passed.release()).build();
    driver.startAsync().awaitRunning(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    converged.await();
    passed.drainPermits();
    backend.clearTranscript();

    for (int i = 0; i < 20; i++) {
      driver.enqueue(APP);
      assertThat(passed.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("pass %s", i).isTrue();
    }
    assertThat(backend.transcript()).isEmpty();

    backend.deleteAsUser(DEPLOYMENT);
    repaired.await();
    assertThat(backend.writes()).containsExactly("apply apps/Deployment/shop/web");
    assertThat(backend.transcript()).containsExactly("apply apps/Deployment/shop/web");
  }

  @Test
  void aKeyIsNeverProcessedByTwoWorkersAtOnce_andWorkAskedMeanwhileIsDoneOnceAfter() throws Exception {
    backend.put(app("shop", "web", "shop:1"));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    Reconciler<AppReconciler.App> blocking = new Reconciler<>() {
      private final AppReconciler app = new AppReconciler();

      @Override
      public GroupKind primaryKind() {
        return app.primaryKind();
      }

      @Override
      public ImmutableSet<GroupKind> ownedKinds() {
        return app.ownedKinds();
      }

      @Override
      public AppReconciler.App decode(Resource primary) {
        return app.decode(primary);
      }

      @Override
      public DesiredGraph desired(AppReconciler.App primary, Context context) {
        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
        try {
          if (calls.incrementAndGet() == 1) {
            entered.countDown();
            if (!release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never released");
            }
          }
          return app.desired(primary, context);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        } finally {
          inside.decrementAndGet();
        }
      }

      @Override
      public ObjectNode status(StatusContext<AppReconciler.App> context) {
        return app.status(context);
      }
    };
    Await converged = new Await(ThreadedDriverIT::quiet);
    driver = ThreadedDriver.builder(ControlLoop.builder(backend, blocking, Ticker.system()).build())
        .workers(4).resyncPeriod(Duration.ZERO).listener(passes::add).listener(converged).build();

    driver.startAsync().awaitRunning(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 10; i++) {
      driver.enqueue(APP);
    }
    // Three idle workers, and the key asked for ten times: it stays out of the ready queue while processed.
    assertThat(driver.queue().isProcessing(APP)).isTrue();
    assertThat(driver.queue().length()).isZero();
    release.countDown();
    converged.await();

    assertThat(most.get()).isEqualTo(1);
    // The blocked pass (writes), then one pass for the ten enqueues and the pass's own events together.
    assertThat(passes).extracting(PassResult::writes).startsWith(7, 0);
  }

  @Test
  void resync_reEnqueuesKnownPrimariesPeriodically() throws Exception {
    backend.put(app("shop", "web", "shop:1"));
    AtomicInteger quietPasses = new AtomicInteger();
    CountDownLatch threeQuiet = new CountDownLatch(1);
    ControlLoop<AppReconciler.App> loop = ControlLoop.builder(backend, new AppReconciler(), Ticker.system()).build();
    driver = ThreadedDriver.builder(loop).resyncPeriod(Duration.ofMillis(100)).listener(pass -> {
      if (quiet(pass) && quietPasses.incrementAndGet() == 3) {
        threeQuiet.countDown();
      }
    }).build();

    driver.startAsync().awaitRunning(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(threeQuiet.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void stopping_interruptsARetryWaitingForAnUnavailableServer() throws Exception {
    backend.put(app("shop", "web", "shop:1"));
    CountDownLatch firstApply = new CountDownLatch(1);
    backend.fail("apply", null, Integer.MAX_VALUE, () -> new BackendException.Unavailable(503, "down", Duration.ZERO));
    HookedBackend hooked = new HookedBackend(backend, resource -> firstApply.countDown());
    PlanExecutor patient = PlanExecutor.builder(hooked)
        .sleeper(ThreadedDriver.realTimeSleeper())
        .retryPolicy(new RetryPolicy(1, 5, Duration.ofHours(1), Duration.ofHours(1)))
        .build();
    Await gaveUp = new Await(pass -> pass.tag().equals("failed"));
    ControlLoop<AppReconciler.App> loop = ControlLoop.builder(hooked, new AppReconciler(), Ticker.system()).executor(patient).build();
    driver = ThreadedDriver.builder(loop).shutdownTimeout(Duration.ofMillis(50)).listener(gaveUp).build();

    driver.startAsync().awaitRunning(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(firstApply.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    driver.stopAsync().awaitTerminated(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    gaveUp.await();
    assertThat(driver.state()).isEqualTo(Service.State.TERMINATED);
  }
}
