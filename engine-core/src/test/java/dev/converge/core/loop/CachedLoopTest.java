package dev.converge.core.loop;

import static dev.converge.core.testing.AppReconciler.app;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Outcome;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.core.cache.WatchCache;
import dev.converge.core.testing.AppReconciler;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One pass reading through the watch cache ({@link ControlLoop#withCache}), against the fake backend's request
 * transcript: a converged pass makes no request of any kind; a pass right after a creating pass sees what it
 * created without a watch event and writes nothing (read-your-writes); a stale cached primary costs one
 * conflict and one read of the server, never a wrong write; deleting an owned object that the server only
 * marks keeps the primary's finalizer until the object is gone; the cache's metrics reach the loop's registry.
 */
class CachedLoopTest {
  private static final ResourceKey APP = AppReconciler.key("shop", "web");
  private static final ResourceKey CONFIG = ResourceKey.namespaced("", "ConfigMap", "shop", "web-config");

  private final VirtualScheduler clock = new VirtualScheduler();
  private final FakeBackend backend = new FakeBackend(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ControlLoop<AppReconciler.App> direct =
      ControlLoop.builder(backend, new AppReconciler(), clock).meterRegistry(registry).build();
  private final WatchCache cache = direct.watchCache(clock, Duration.ofSeconds(1));
  private final ControlLoop<AppReconciler.App> loop = direct.withCache(cache);

  /** The watches go down (their reconnect is a second away): only what the loop feeds it changes the cache. */
  private void watchesDown() {
    backend.dropWatches(new BackendException.Unavailable(500, "connection reset", Duration.ZERO));
  }

  @Test
  void aConvergedPass_makesNoRequestAtAll() {
    backend.put(app("shop", "web", "shop:1"));
    cache.start();
    assertThat(loop.reconcile(APP).writes()).isEqualTo(7);
    backend.clearTranscript();

    for (int i = 0; i < 3; i++) {
      PassResult pass = loop.reconcile(APP);
      assertThat(pass.outcome()).isEqualTo(Outcome.converged());
      assertThat(pass.writes()).isZero();
    }

    assertThat(backend.transcript()).isEmpty();
    assertThat(loop.cache()).containsSame(cache);
    assertThat(direct.cache()).isEmpty();
  }

  @Test
  void thePassAfterACreatingPass_seesWhatItCreated_beforeAnyWatchEvent() {
    backend.put(app("shop", "web", "shop:1"));
    cache.start();
    watchesDown();

    PassResult first = loop.reconcile(APP);
    backend.clearTranscript();
    PassResult second = loop.reconcile(APP);

    assertThat(first.writes()).isEqualTo(7);
    assertThat(second.writes()).isZero();
    assertThat(second.outcome()).isEqualTo(Outcome.converged());
    assertThat(backend.transcript()).isEmpty(); // not even an apply that would change nothing
  }

  @Test
  void aStaleCachedPrimary_costsOneConflictAndOneReadOfTheServer() {
    backend.put(app("shop", "web", "shop:1"));
    cache.start();
    watchesDown();
    backend.put(backend.peek(APP).orElseThrow().withLabel("team", "shop")); // unseen by the cache
    backend.clearTranscript();

    PassResult pass = loop.reconcile(APP);

    assertThat(backend.transcript()).containsExactly(
        "update example.dev/App/shop/web", "get example.dev/App/shop/web", "update example.dev/App/shop/web",
        "apply ServiceAccount/shop/web", "apply ConfigMap/shop/web-config",
        "apply rbac.authorization.k8s.io/ClusterRole/shop-web-reader", "apply Service/shop/web",
        "apply apps/Deployment/shop/web", "updateStatus example.dev/App/shop/web");
    assertThat(pass.outcome()).isEqualTo(Outcome.converged());
    assertThat(backend.peek(APP).orElseThrow().labels()).containsEntry("team", "shop");
    assertThat(backend.peek(APP).orElseThrow().finalizers()).containsExactly(ControlLoop.FINALIZER);
  }

  @Test
  void deletingAnOwnedObjectTheServerOnlyMarks_keepsThePrimarysFinalizerUntilItIsGone() {
    backend.put(app("shop", "web", "shop:1"));
    cache.start();
    loop.reconcile(APP);
    backend.put(backend.peek(CONFIG).orElseThrow()
        .edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("example.dev/hold")));
    backend.deleteAsUser(APP);
    watchesDown();

    PassResult cleaning = loop.reconcile(APP);

    assertThat(cleaning.phase()).isEqualTo(PassResult.Phase.CLEANING_UP);
    assertThat(backend.peek(APP).orElseThrow().finalizers()).containsExactly(ControlLoop.FINALIZER);
    assertThat(backend.keys()).containsExactly(CONFIG, APP);
  }

  @Test
  void theCachesMeters_goToTheLoopsRegistry() {
    backend.put(app("shop", "web", "shop:1"));
    cache.start();
    loop.reconcile(APP);

    assertThat(registry.get("converge.cache.size").tag("kind", "example.dev/App").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("converge.cache.size").tag("kind", "apps/Deployment").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("converge.cache.relists").tag("kind", "ConfigMap").counter().count()).isZero();
  }
}
