package dev.converge.core.drive;

import static dev.converge.core.testing.AppReconciler.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Ownership;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.PassResult;
import dev.converge.core.testing.AppReconciler;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulated driver on the virtual clock: it converges from watch events alone and then goes quiet; failed
 * passes back off 5 ms, 10 ms, 20 ms… and the backoff resets on success; a pass that asks to be looked at
 * again is run after exactly that delay; resync re-enqueues known primaries; owned-object events bring the
 * primary back; two runs with the same seed give the same transcript, byte for byte. Passes read through the
 * driver's watch cache: once converged they make no request at all (without the cache every pass reads), and a
 * kind whose first list failed is read from the server until its retried list succeeds.
 */
class SimulatedDriverTest {
  private static final ResourceKey APP = AppReconciler.key("shop", "web");
  private static final ResourceKey DEPLOYMENT = ResourceKey.namespaced("apps", "Deployment", "shop", "web");
  private static final ResourceKey CONFIG = ResourceKey.namespaced("", "ConfigMap", "shop", "web-config");

  /** One simulated world: a clock, a backend, a loop and its driver. */
  private static final class World {
    final VirtualScheduler clock = new VirtualScheduler();
    final FakeBackend backend = new FakeBackend(clock);
    final List<PassResult> passes = new ArrayList<>();
    final ControlLoop<AppReconciler.App> loop;
    final SimulatedDriver driver;

    World(long seed, Duration resync) {
      this(seed, resync, true);
    }

    World(long seed, Duration resync, boolean readThroughCache) {
      loop = ControlLoop.builder(backend, new AppReconciler(), clock).seed(seed).build();
      driver = SimulatedDriver.builder(loop, clock).resyncPeriod(resync).readThroughCache(readThroughCache)
          .listener(passes::add).build();
    }

    World() {
      this(1, Duration.ZERO);
    }
  }

  @Test
  void convergesFromWatchEventsAlone_thenGoesQuiet() {
    World world = new World();
    world.backend.put(app("shop", "web", "shop:1"));

    world.driver.start();
    world.clock.runUntilIdle();

    // The first pass's own writes come back as events while it runs; the key is processed once more after
    // done, finds nothing to do, and the loop is quiet.
    assertThat(world.driver.transcript()).containsExactly(
        "t=0ms example.dev/App/shop/web converged writes=7 status=written requeue=none",
        "t=0ms example.dev/App/shop/web converged writes=0 requeue=none");
    assertThat(world.clock.pending()).isZero();
  }

  /**
   * Listeners hear of a pass while its key is still held, so a threaded driver cannot start the key's next pass
   * on another worker and report it first.
   */
  @Test
  void listenersRun_whileTheKeyIsStillHeld() {
    VirtualScheduler clock = new VirtualScheduler();
    FakeBackend backend = new FakeBackend(clock);
    backend.put(app("shop", "web", "shop:1"));
    ControlLoop<AppReconciler.App> loop = ControlLoop.builder(backend, new AppReconciler(), clock).build();
    List<Boolean> held = new ArrayList<>();
    SimulatedDriver[] driver = new SimulatedDriver[1];
    driver[0] = SimulatedDriver.builder(loop, clock).resyncPeriod(Duration.ZERO)
        .listener(pass -> held.add(driver[0].queue().isProcessing(pass.primary()))).build();

    driver[0].start();
    clock.runUntilIdle();

    assertThat(held).hasSize(2).containsOnly(true);
    assertThat(driver[0].queue().isProcessing(APP)).isFalse();
  }

  @Test
  void failedPasses_backOffExponentially_andSuccessResetsTheBackoff() {
    World world = new World();
    world.backend.put(app("shop", "web", "shop:1"));
    world.backend.fail("apply", DEPLOYMENT, 3, () -> new BackendException.Forbidden("deployments.apps is forbidden"));

    world.driver.start();
    world.clock.runUntilIdle();

    // Pass 1 fails and asks for 5 ms, but its own writes' events re-queue it at once (pass 2, fails, asks for
    // 10 ms: the earlier 5 ms wait is kept, as client-go's delaying queue does). Pass 3 at 5 ms fails and waits
    // 20 ms; pass 4 at 25 ms succeeds and its writes bring one more, quiet, pass.
    assertThat(world.driver.transcript()).extracting(line -> line.substring(0, line.indexOf(' '))).containsExactly(
        "t=0ms", "t=0ms", "t=5ms", "t=25ms", "t=25ms");
    assertThat(world.passes).extracting(PassResult::tag).containsExactly(
        "failed", "failed", "failed", "converged", "converged");
    assertThat(world.driver.queue().numRequeues(APP)).isZero();
  }

  @Test
  void serverRetryAfter_delaysTheNextPassAtLeastThatLong() {
    World world = new World();
    world.backend.put(app("shop", "web", "shop:1"));
    // The pass reads from the watch cache, so the request that fails is its first write (the finalizer).
    world.backend.fail("update", APP, 1, () -> new BackendException.Unavailable(429, "slow down", Duration.ofSeconds(3)));

    world.driver.start();
    world.clock.runUntilIdle();

    assertThat(world.driver.transcript()).containsExactly(
        "t=0ms example.dev/App/shop/web error writes=1 requeue=backoff (at least 3000ms) error=429 Unavailable: slow down",
        "t=3000ms example.dev/App/shop/web converged writes=7 status=written requeue=none",
        "t=3000ms example.dev/App/shop/web converged writes=0 requeue=none");
  }

  @Test
  void requeueAfter_runsThePassAgainAfterExactlyThatDelay() {
    World world = new World();
    world.backend.put(app("shop", "web", "shop:1"));
    world.driver.start();
    world.clock.runUntilIdle();
    world.backend.put(world.backend.peek(CONFIG).orElseThrow()
        .edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("example.dev/hold")));
    world.passes.clear();

    world.backend.deleteAsUser(APP);
    world.clock.runFor(Duration.ofSeconds(12));

    assertThat(world.passes).extracting(p -> p.tag() + " " + p.requeue()).startsWith("cleaning-up after 5000ms");
    assertThat(world.driver.transcript()).filteredOn(line -> line.contains("cleaning-up"))
        .extracting(line -> line.substring(0, line.indexOf(' ')))
        .containsExactly("t=0ms", "t=0ms", "t=5000ms", "t=10000ms");
  }

  @Test
  void resync_reEnqueuesKnownPrimariesEveryPeriod() {
    World world = new World(1, Duration.ofMinutes(10));
    world.backend.put(app("shop", "web", "shop:1"));
    world.driver.start();

    world.clock.runFor(Duration.ofMinutes(25));

    assertThat(world.driver.transcript()).extracting(line -> line.substring(0, line.indexOf(' '))).containsExactly(
        "t=0ms", "t=0ms", "t=600000ms", "t=1200000ms");
    assertThat(world.driver.knownPrimaries()).containsExactly(APP);
  }

  @Test
  void ownedObjectEvents_bringThePrimaryBack_andDriftIsRepaired() {
    World world = new World();
    world.backend.put(app("shop", "web", "shop:1"));
    world.driver.start();
    world.clock.runUntilIdle();
    world.passes.clear();

    world.clock.runFor(Duration.ofSeconds(30));
    world.backend.put(world.backend.peek(DEPLOYMENT).orElseThrow().withLabel("edited-by", "someone"));
    world.clock.runUntilIdle();

    assertThat(world.passes).extracting(PassResult::writes).containsExactly(0);
    world.backend.deleteAsUser(DEPLOYMENT);
    world.clock.runUntilIdle();
    assertThat(world.passes).extracting(PassResult::writes).containsExactly(0, 1, 0);
    assertThat(world.backend.peek(DEPLOYMENT)).isPresent();
  }

  @Test
  void deletingThePrimary_cleansUpThroughEvents() {
    World world = new World();
    world.backend.put(app("shop", "web", "shop:1"));
    world.driver.start();
    world.clock.runUntilIdle();

    world.backend.deleteAsUser(APP);
    world.clock.runUntilIdle();

    assertThat(world.backend.keys()).isEmpty();
    assertThat(world.passes).extracting(PassResult::tag).endsWith("cleaned-up", "absent");
    assertThat(world.driver.knownPrimaries()).isEmpty();
  }

  @Test
  void stop_endsAllActivity() {
    World world = new World(1, Duration.ofMinutes(10));
    world.backend.put(app("shop", "web", "shop:1"));
    world.driver.start();
    world.clock.runFor(Duration.ZERO);

    world.driver.stop();
    world.backend.put(app("shop", "web", "shop:2"));
    world.clock.runFor(Duration.ofHours(1));

    assertThat(world.clock.pending()).isZero();
    assertThat(world.backend.openWatches()).isZero();
  }

  @Test
  void sameSeed_sameTranscript_byteForByte() {
    assertThat(run(42)).isEqualTo(run(42));
    assertThat(run(42)).isNotEqualTo(run(43));
  }

  /** A busy scenario: two primaries, faults, drift, a deletion; returns both transcripts and the final state. */
  private static List<String> run(long seed) {
    World world = new World(seed, Duration.ofMinutes(10));
    world.backend.put(app("shop", "web", "shop:1"));
    world.backend.put(app("shop", "api", "api:1"));
    world.backend.fail("apply", DEPLOYMENT, 2, () -> new BackendException.Unavailable(503, "etcd", Duration.ZERO));
    world.backend.fail("updateStatus", null, 1, () -> new BackendException.Conflict("modified"));
    world.driver.start();
    world.clock.runFor(Duration.ofMinutes(1));
    world.backend.put(app("shop", "web", "shop:2"));
    world.clock.runFor(Duration.ofMinutes(1));
    world.backend.deleteAsUser(AppReconciler.key("shop", "api"));
    world.clock.runFor(Duration.ofMinutes(30));
    return ImmutableList.<String>builder()
        .addAll(world.driver.transcript())
        .addAll(world.backend.transcript())
        .add(world.backend.peek(CONFIG).orElseThrow().toString())
        .build();
  }

  /** A converged world with a 10-minute resync; then someone labels the Deployment and an hour passes. */
  private static World anHourAfterConvergence(boolean readThroughCache) {
    World world = new World(1, Duration.ofMinutes(10), readThroughCache);
    world.backend.put(app("shop", "web", "shop:1"));
    world.driver.start();
    world.clock.runFor(Duration.ofSeconds(1));
    world.backend.clearTranscript();
    world.passes.clear();

    world.backend.put(world.backend.peek(DEPLOYMENT).orElseThrow().withLabel("edited-by", "someone"));
    world.clock.runFor(Duration.ofHours(1));
    return world;
  }

  @Test
  void onceConverged_passesFromEventsAndResyncs_makeNoRequestAtAll() {
    World world = anHourAfterConvergence(true);

    // One pass for the label's event, six resyncs; each read the watch cache only.
    assertThat(world.passes).hasSize(7).allMatch(pass -> pass.writes() == 0 && pass.tag().equals("converged"));
    assertThat(world.backend.transcript()).isEmpty();
    assertThat(world.driver.loop().cache()).containsSame(world.driver.cache());
  }

  @Test
  void withoutReadingThroughTheCache_everyPassReadsTheServer() {
    World world = anHourAfterConvergence(false);

    // Each pass: get the primary, list the five owned kinds by the owner label.
    assertThat(world.passes).hasSize(7).allMatch(pass -> pass.writes() == 0);
    assertThat(world.backend.transcript()).hasSize(7 * 6)
        .allMatch(request -> request.startsWith("get example.dev/App/") || request.startsWith("list "));
    assertThat(world.driver.loop()).isSameAs(world.loop);
  }

  @Test
  void passesBeforeAKindHasSynced_readThatKindFromTheServer() {
    World world = new World();
    world.backend.put(app("shop", "web", "shop:1"));
    world.backend.fail("list ServiceAccount", null, 1, () -> new BackendException.Unavailable(503, "starting", Duration.ZERO));
    world.driver.start();
    world.backend.clearTranscript();

    world.clock.runFor(Duration.ZERO);
    // Pass 1 lists the kind by the owner label, gets the desired ServiceAccount by key, lists again after its
    // writes; pass 2 (brought by its own writes' events) lists once. Every other kind comes from the cache.
    String byLabel = "list ServiceAccount -l " + Ownership.OWNER_LABEL + "=" + Ownership.labelValue(APP);
    assertThat(world.backend.transcript()).filteredOn(request -> !world.backend.writes().contains(request))
        .containsExactly(byLabel, "get ServiceAccount/shop/web", byLabel, byLabel);
    assertThat(world.driver.passes()).isEqualTo(2);

    world.backend.clearTranscript();
    world.clock.runUntilIdle();
    // The retried list syncs the kind (and its ADDED event brings one more pass, which reads nothing).
    assertThat(world.backend.transcript()).containsExactly("list ServiceAccount", "watch ServiceAccount");
    assertThat(world.driver.transcript()).last().isEqualTo("t=1000ms example.dev/App/shop/web converged writes=0 requeue=none");
  }

  @Test
  void builder_requiresTheLoopToRunOnTheSameClock() {
    VirtualScheduler other = new VirtualScheduler();
    World world = new World();

    assertThatThrownBy(() -> SimulatedDriver.builder(world.loop, other)).hasMessageContaining("ticker");
  }
}
