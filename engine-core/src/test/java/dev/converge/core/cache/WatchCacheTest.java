package dev.converge.core.cache;

import static dev.converge.core.cache.Objects.CONFIG_MAP;
import static dev.converge.core.cache.Objects.cm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchEvent;
import dev.converge.core.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The informer rules, client-go's {@code Reflector} and {@code SharedInformer}, on a scripted server and the
 * virtual clock: list once, then watch from the list's version with bookmarks; listeners hear of a change after
 * the store holds it; a dropped watch is re-opened after the delay from the last version seen (an event's or a
 * bookmark's), without a list, so a bookmark lets a resume outlive a compaction; {@code 410 Gone} re-lists and tells of every object and every deletion missed;
 * a failed list is retried and the kind is not synced until one succeeds; events of a replaced watch and
 * echoes of the engine's own writes are not told; lists are paged; closing stops everything; the meters count
 * objects, re-lists and watch restarts.
 */
class WatchCacheTest {
  private static final Duration DELAY = Duration.ofSeconds(1);

  private final VirtualScheduler clock = new VirtualScheduler();
  private final ScriptedServer server = new ScriptedServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WatchCache cache = WatchCache.builder(server, clock).kind(CONFIG_MAP).reconnectDelay(DELAY)
      .meterRegistry(registry).build();
  private final List<String> told = new ArrayList<>();

  WatchCacheTest() {
    cache.addListener(event -> told.add(describe(event)));
  }

  private static String describe(WatchEvent event) {
    return event.type() + " " + event.object().name() + "@" + event.object().resourceVersion();
  }

  private String version(String name) {
    return cache.get(ResourceKey.of(CONFIG_MAP, "ns", name)).map(Resource::resourceVersion).orElse("absent");
  }

  private double counter(String name) {
    return registry.get(name).tag("kind", "ConfigMap").counter().count();
  }

  private WatchCache startedWithAAndB() {
    server.listing(CONFIG_MAP, "10", cm("ns", "a", "3"), cm("ns", "b", "7"));
    cache.start();
    server.clearRequests();
    told.clear();
    return cache;
  }

  @Test
  void start_listsOnce_thenWatchesFromTheListsVersion_withBookmarks() {
    server.listing(CONFIG_MAP, "10", cm("ns", "a", "3"), cm("ns", "b", "7"));

    cache.start();
    cache.start();

    assertThat(server.requests()).containsExactly("list ConfigMap", "watch ConfigMap from=10 bookmarks");
    assertThat(told).containsExactly("ADDED a@3", "ADDED b@7");
    assertThat(cache.hasSynced(CONFIG_MAP)).isTrue();
    assertThat(cache.resourceVersion(CONFIG_MAP)).isEqualTo("10");
    assertThat(cache.keys(CONFIG_MAP)).extracting(ResourceKey::name).containsExactly("a", "b");
  }

  @Test
  void listenersHearOfAChange_afterTheStoreHoldsIt() {
    startedWithAAndB();
    List<String> seenByListener = new ArrayList<>();
    cache.addListener(event -> seenByListener.add(version(event.object().name())));

    server.send(WatchEvent.Type.MODIFIED, cm("ns", "a", "11"));
    server.send(WatchEvent.Type.DELETED, cm("ns", "b", "12"));
    server.send(WatchEvent.Type.ADDED, cm("ns", "c", "13"));

    assertThat(told).containsExactly("MODIFIED a@11", "DELETED b@12", "ADDED c@13");
    assertThat(seenByListener).containsExactly("11", "absent", "13");
    assertThat(cache.resourceVersion(CONFIG_MAP)).isEqualTo("13");
  }

  @Test
  void aDroppedWatch_isReopenedAfterTheDelay_fromTheLastVersionSeen_withoutAList() {
    startedWithAAndB();
    server.send(WatchEvent.Type.MODIFIED, cm("ns", "a", "11"));
    server.bookmark(CONFIG_MAP, "15");

    server.drop(CONFIG_MAP, new BackendException.Unavailable(500, "connection reset", Duration.ZERO));
    clock.runFor(DELAY.minusMillis(1));
    assertThat(server.openWatches()).isZero();
    clock.runFor(Duration.ofMillis(1));

    assertThat(server.requests()).containsExactly("watch ConfigMap from=15 bookmarks");
    assertThat(told).containsExactly("MODIFIED a@11");

    // A watch the server ends without an error (its timeout) is resumed the same way.
    server.drop(CONFIG_MAP, null);
    clock.runFor(DELAY);
    assertThat(server.requests()).containsExactly("watch ConfigMap from=15 bookmarks", "watch ConfigMap from=15 bookmarks");
    assertThat(counter(CacheMetrics.WATCH_RESTARTS)).isEqualTo(2.0);
    assertThat(counter(CacheMetrics.RELISTS)).isZero();
  }

  @Test
  void aBookmark_keepsTheVersionFresh_soAResumeAfterACompactionNeedsNoList() {
    startedWithAAndB();
    server.bookmark(CONFIG_MAP, "40"); // the server moved on (other kinds changed); nothing of ours did
    server.compact(40);

    server.drop(CONFIG_MAP, new BackendException.Unavailable(500, "connection reset", Duration.ZERO));
    clock.runFor(DELAY);

    assertThat(server.requests()).containsExactly("watch ConfigMap from=40 bookmarks");
    assertThat(counter(CacheMetrics.RELISTS)).isZero();
  }

  @Test
  void withoutABookmark_aResumeAfterACompactionMeets410_andRelists() {
    startedWithAAndB();
    server.compact(40);
    server.listing(CONFIG_MAP, "41", cm("ns", "a", "3"), cm("ns", "b", "7"));

    server.drop(CONFIG_MAP, new BackendException.Unavailable(500, "connection reset", Duration.ZERO));
    clock.runFor(DELAY);
    clock.runFor(DELAY);

    assertThat(server.requests()).containsExactly(
        "watch ConfigMap from=10 bookmarks", "list ConfigMap", "watch ConfigMap from=41 bookmarks");
    assertThat(counter(CacheMetrics.RELISTS)).isEqualTo(1.0);
  }

  @Test
  void gone_relists_andTellsOfEveryObjectAndEveryDeletionMissed() {
    startedWithAAndB();
    server.listing(CONFIG_MAP, "25", cm("ns", "a", "20"), cm("ns", "c", "22"));

    server.drop(CONFIG_MAP, new BackendException.Gone("too old resource version: 10 (21)"));
    clock.runFor(DELAY);

    assertThat(server.requests()).containsExactly("list ConfigMap", "watch ConfigMap from=25 bookmarks");
    assertThat(told).containsExactly("MODIFIED a@20", "DELETED b@7", "ADDED c@22");
    assertThat(cache.keys(CONFIG_MAP)).extracting(ResourceKey::name).containsExactly("a", "c");
    assertThat(cache.hasSynced(CONFIG_MAP)).isTrue();
    assertThat(counter(CacheMetrics.RELISTS)).isEqualTo(1.0);
    assertThat(counter(CacheMetrics.WATCH_RESTARTS)).isEqualTo(1.0);
  }

  @Test
  void aRelist_tellsOfUnchangedObjectsToo_asClientGosInformerDoes() {
    startedWithAAndB();

    server.drop(CONFIG_MAP, new BackendException.Gone("expired"));
    clock.runFor(DELAY);

    assertThat(told).containsExactly("MODIFIED a@3", "MODIFIED b@7");
  }

  @Test
  void goneWhenReopening_relists() {
    startedWithAAndB();
    server.drop(CONFIG_MAP, new BackendException.Unavailable(500, "reset", Duration.ZERO));
    server.failNext("watch", CONFIG_MAP, new BackendException.Gone("too old resource version"));

    clock.runFor(DELAY);
    assertThat(server.requests()).containsExactly("watch ConfigMap from=10 bookmarks");
    clock.runFor(DELAY);

    assertThat(server.requests()).containsExactly(
        "watch ConfigMap from=10 bookmarks", "list ConfigMap", "watch ConfigMap from=10 bookmarks");
    assertThat(counter(CacheMetrics.RELISTS)).isEqualTo(1.0);
  }

  @Test
  void aFailedList_isRetried_andTheKindHasNotSyncedUntilOneSucceeds() {
    server.listing(CONFIG_MAP, "10", cm("ns", "a", "3"));
    server.failNext("list", CONFIG_MAP, new BackendException.NotFound("the server could not find the requested resource"));
    server.failNext("list", CONFIG_MAP, new BackendException.Unavailable(503, "starting", Duration.ZERO));

    cache.start();
    assertThat(cache.hasSynced(CONFIG_MAP)).isFalse();
    assertThat(cache.hasSynced()).isFalse();
    clock.runFor(DELAY);
    assertThat(cache.hasSynced(CONFIG_MAP)).isFalse();
    clock.runFor(DELAY);

    assertThat(cache.hasSynced()).isTrue();
    assertThat(server.requests()).containsExactly("list ConfigMap", "list ConfigMap", "list ConfigMap",
        "watch ConfigMap from=10 bookmarks");
    assertThat(told).containsExactly("ADDED a@3");
    assertThat(counter(CacheMetrics.RELISTS)).isZero();
  }

  @Test
  void aWatchThatCannotOpen_isRetriedFromTheSameVersion() {
    server.listing(CONFIG_MAP, "10");
    server.failNext("watch", CONFIG_MAP, new BackendException.Unavailable(429, "slow down", Duration.ZERO));

    cache.start();
    clock.runFor(DELAY);

    assertThat(server.requests()).containsExactly("list ConfigMap", "watch ConfigMap from=10 bookmarks",
        "watch ConfigMap from=10 bookmarks");
    assertThat(server.openWatches()).isEqualTo(1);
    assertThat(counter(CacheMetrics.WATCH_RESTARTS)).isZero(); // the first watch that opened is not a restart
  }

  @Test
  void eventsOfAReplacedWatch_areIgnored() {
    startedWithAAndB();
    ScriptedServer.Watch old = server.watch(CONFIG_MAP);
    server.drop(CONFIG_MAP, new BackendException.Unavailable(500, "reset", Duration.ZERO));
    clock.runFor(DELAY);

    old.listener.onEvent(new WatchEvent(WatchEvent.Type.MODIFIED, cm("ns", "a", "50")));
    old.listener.onClose(new BackendException.Gone("expired"));

    assertThat(version("a")).isEqualTo("3");
    assertThat(told).isEmpty();
    assertThat(clock.pending()).isZero();
  }

  @Test
  void theEnginesOwnWrites_areHeldAtOnce_notToldAgain_andNeverTakenBackByALateEvent() {
    startedWithAAndB();

    cache.recordWrite(cm("ns", "a", "12"));
    server.send(WatchEvent.Type.MODIFIED, cm("ns", "a", "11")); // someone else's change, before ours
    server.send(WatchEvent.Type.MODIFIED, cm("ns", "a", "12")); // the echo of ours
    assertThat(version("a")).isEqualTo("12");
    assertThat(told).isEmpty();

    server.send(WatchEvent.Type.MODIFIED, cm("ns", "a", "13"));
    assertThat(told).containsExactly("MODIFIED a@13");
  }

  @Test
  void close_endsTheWatch_cancelsTheRetry_andSilencesListeners() {
    startedWithAAndB();
    ScriptedServer.Watch open = server.watch(CONFIG_MAP);
    cache.close();
    assertThat(open.closed).isTrue();
    open.listener.onEvent(new WatchEvent(WatchEvent.Type.ADDED, cm("ns", "z", "30")));

    WatchCache other = WatchCache.builder(server, clock).kind(CONFIG_MAP).build();
    other.start();
    server.drop(CONFIG_MAP, new BackendException.Unavailable(500, "reset", Duration.ZERO));
    assertThat(clock.pending()).isEqualTo(1);
    other.close();

    assertThat(clock.pending()).isZero();
    assertThat(told).isEmpty();
    assertThat(cache.keys(CONFIG_MAP)).extracting(ResourceKey::name).containsExactly("a", "b");
  }

  @Test
  void listsArePaged_andTheSizeGaugeCountsTheObjects() {
    Resource[] many = new Resource[1201];
    for (int i = 0; i < many.length; i++) {
      many[i] = cm("ns", String.format("cm-%04d", i), Integer.toString(i + 1));
    }
    server.listing(CONFIG_MAP, "5000", many).pagesOf(Informer.PAGE_SIZE);

    cache.start();

    assertThat(server.requests()).containsExactly("list ConfigMap", "list ConfigMap continue=500",
        "list ConfigMap continue=1000", "watch ConfigMap from=5000 bookmarks");
    assertThat(cache.size()).isEqualTo(1201);
    assertThat(registry.get(CacheMetrics.SIZE).tag("kind", "ConfigMap").gauge().value()).isEqualTo(1201.0);
    assertThat(cache.list(CONFIG_MAP, "ns", LabelSelector.everything())).hasSize(1201);
  }
}
