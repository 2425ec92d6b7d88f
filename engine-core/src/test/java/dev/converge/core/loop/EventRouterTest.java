package dev.converge.core.loop;

import static dev.converge.core.testing.AppReconciler.app;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.core.testing.AppReconciler;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.testing.TestResources;
import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Events to primary keys: primary events enqueue the primary and keep the set of known primaries (for
 * resync); owned objects map to their primary by the owner annotation, else by an owner reference of the
 * primary's kind, else not at all; dropped watches are re-opened after the delay from the last version seen,
 * and from scratch (a re-list) after 410 Gone; closing stops everything.
 */
class EventRouterTest {
  private static final ResourceKey WEB = AppReconciler.key("shop", "web");
  private static final ResourceKey API = AppReconciler.key("shop", "api");

  private final VirtualScheduler clock = new VirtualScheduler();
  private final FakeBackend backend = new FakeBackend(clock);
  private final List<ResourceKey> enqueued = new ArrayList<>();
  private final ControlLoop<AppReconciler.App> loop = ControlLoop.builder(backend, new AppReconciler(), clock).build();
  private final EventRouter router = loop.events(enqueued::add, clock, Duration.ofSeconds(1));

  private static Resource ownedBy(Resource object, ResourceKey primary) {
    return object.withAnnotation(Ownership.OWNER_ANNOTATION, primary.toString())
        .withLabel(Ownership.OWNER_LABEL, Ownership.labelValue(primary));
  }

  private static Resource withOwnerReference(Resource object, String kind, String name, boolean controller) {
    return object.edit(tree -> tree.withObjectProperty("metadata").putArray("ownerReferences").addObject()
        .put("apiVersion", "example.dev/v1").put("kind", kind).put("name", name).put("uid", "u1").put("controller", controller));
  }

  @Test
  void primaryEvents_enqueueThePrimary_andKeepTheKnownSet() {
    backend.put(app("shop", "web", "a:1"));
    backend.put(app("shop", "api", "a:1"));

    router.start();
    backend.put(app("shop", "web", "a:2"));
    backend.deleteAsUser(API);

    assertThat(enqueued).containsExactly(API, WEB, WEB, API);
    assertThat(router.knownPrimaries()).containsExactly(WEB);
  }

  @Test
  void primariesTheReconcilerDoesNotManage_andTheirOwnedObjects_areNeverEnqueued_norKnown() {
    ControlLoop<AppReconciler.App> teamA = ControlLoop.builder(backend,
        AppReconciler.managing(primary -> primary.labels().containsKey("team-a")), clock).build();
    EventRouter filtered = teamA.events(enqueued::add, clock, Duration.ofSeconds(1));
    backend.put(app("shop", "web", "a:1").withLabel("team-a", "true"));
    backend.put(app("shop", "api", "a:1"));

    filtered.start();
    backend.put(app("shop", "api", "a:2"));
    backend.put(ownedBy(TestResources.configMap("shop", "api-config"), API));
    backend.put(ownedBy(TestResources.configMap("shop", "web-config"), WEB));
    backend.deleteAsUser(API);

    assertThat(enqueued).containsExactly(WEB, WEB);
    assertThat(filtered.knownPrimaries()).containsExactly(WEB);
    filtered.close();
  }

  @Test
  void ownedEvents_mapToThePrimaryNamedByTheOwnerAnnotation() {
    router.start();

    backend.put(ownedBy(TestResources.configMap("shop", "web-config"), WEB));
    backend.put(ownedBy(TestResources.clusterRole("shop-web-reader"), WEB));

    assertThat(enqueued).containsExactly(WEB, WEB);
    assertThat(router.knownPrimaries()).isEmpty(); // owned events do not make primaries known
  }

  @Test
  void ownedEvents_fallBackToAnOwnerReferenceOfThePrimaryKind() {
    router.start();

    backend.put(withOwnerReference(TestResources.configMap("shop", "a"), "App", "web", true));
    backend.put(withOwnerReference(TestResources.configMap("shop", "b"), "Other", "web", true));
    backend.put(TestResources.configMap("shop", "c"));

    assertThat(enqueued).containsExactly(WEB);
  }

  @Test
  void primaryOf_prefersTheAnnotation_thenTheControllerReference() {
    GroupKind kind = AppReconciler.KIND;
    Resource both = withOwnerReference(ownedBy(TestResources.configMap("shop", "x"), API), "App", "web", true);
    Resource foreignAnnotation = withOwnerReference(
        TestResources.configMap("shop", "y").withAnnotation(Ownership.OWNER_ANNOTATION, "apps/Deployment/shop/web"), "App", "web", false);
    Resource damaged = TestResources.configMap("shop", "z").withAnnotation(Ownership.OWNER_ANNOTATION, "not a key//");

    assertThat(EventRouter.primaryOf(both, kind, true)).hasValue(API);
    assertThat(EventRouter.primaryOf(foreignAnnotation, kind, true)).hasValue(WEB);
    assertThat(EventRouter.primaryOf(damaged, kind, true)).isEmpty();
    assertThat(EventRouter.primaryOf(withOwnerReference(TestResources.configMap("shop", "w"), "App", "cluster-app", true), kind, false))
        .hasValue(ResourceKey.cluster("example.dev", "App", "cluster-app"));
  }

  @Test
  void droppedWatches_reopenAfterTheDelay_fromTheLastVersionSeen() {
    backend.put(app("shop", "web", "a:1"));
    router.start();
    enqueued.clear();
    int opened = backend.openWatches();

    backend.dropWatches(new BackendException.Unavailable(500, "connection reset", Duration.ZERO));
    assertThat(backend.openWatches()).isZero();
    clock.runFor(Duration.ofMillis(999));
    assertThat(backend.openWatches()).isZero();
    clock.runFor(Duration.ofMillis(1));

    assertThat(backend.openWatches()).isEqualTo(opened).isEqualTo(6);
    assertThat(enqueued).isEmpty(); // resumed: no replay
    backend.put(app("shop", "web", "a:2"));
    assertThat(enqueued).containsExactly(WEB);
  }

  @Test
  void goneWatches_reopenFromScratch_replayingEveryPrimary() {
    backend.put(app("shop", "web", "a:1"));
    backend.put(app("shop", "api", "a:1"));
    router.start();
    enqueued.clear();

    backend.dropWatches(new BackendException.Gone("too old resource version"));
    clock.runFor(Duration.ofSeconds(1));

    assertThat(enqueued).containsExactly(API, WEB);
  }

  @Test
  void watchesThatCannotOpen_areRetried() {
    backend.fail("watch", null, 1, () -> new BackendException.Unavailable(503, "starting", Duration.ZERO));

    router.start();
    assertThat(backend.openWatches()).isEqualTo(5);
    clock.runFor(Duration.ofSeconds(1));

    assertThat(backend.openWatches()).isEqualTo(6);
  }

  @Test
  void close_stopsEventsAndCancelsReconnects() {
    router.start();
    backend.dropWatches(new BackendException.Unavailable(500, "reset", Duration.ZERO));

    assertThat(clock.pending()).isEqualTo(6);
    router.close();
    assertThat(clock.pending()).isZero();
    backend.put(app("shop", "web", "a:1"));

    assertThat(backend.openWatches()).isZero();
    assertThat(enqueued).isEmpty();
  }
}
