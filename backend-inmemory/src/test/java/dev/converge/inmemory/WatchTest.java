package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.watch.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Watches: synthetic ADDED events without a version, replay from a version, selector transitions as
 * ADDED/DELETED, bookmarks (on demand and every interval of ticker time), 410 past the history window,
 * close, and events in commit order even when a listener writes.
 */
class WatchTest {
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private final TestTicker ticker = new TestTicker();
  private final InMemoryCluster cluster = InMemoryCluster.create(ticker, 11, b -> b.historyLimit(5).historyFreshness(java.time.Duration.ZERO));
  private final ApiServer server = cluster.server();

  /** Records events as short tokens: {@code ADDED a 12}. */
  static final class Transcript implements WatchListener {
    final List<String> events = new ArrayList<>();
    @Nullable BackendException closed;
    boolean closedCalled;

    @Override
    public void onEvent(WatchEvent event) {
      events.add(event.type() + " " + event.object().name() + " " + event.object().resourceVersion());
    }

    @Override
    public void onClose(@Nullable BackendException cause) {
      closedCalled = true;
      closed = cause;
    }
  }

  @Test
  void watchWithoutVersion_startsWithTheCurrentObjects_thenLiveEvents() {
    Resource a = server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    Transcript transcript = new Transcript();
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).inNamespace("default"), transcript);
    Resource b = server.create(ADMIN, Fixtures.configMap("default", "b", "1"));
    Resource deleted = server.delete(ADMIN, a.key(), DeleteParams.defaults()).object();
    // Every namespace holds the root CA publisher's kube-root-ca.crt.
    String rootCa = Fixtures.get(server, Fixtures.cm("default", "kube-root-ca.crt")).resourceVersion();
    assertThat(transcript.events).containsExactly(
        "ADDED a " + a.resourceVersion(),
        "ADDED kube-root-ca.crt " + rootCa,
        "ADDED b " + b.resourceVersion(),
        "DELETED a " + deleted.resourceVersion());
  }

  @Test
  void watchFromAVersion_replaysLaterChangesOnly() {
    Resource a = server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    Resource a2 = server.update(ADMIN, a.edit(t -> t.with("data").put("key", "2")));
    Resource b = server.create(ADMIN, Fixtures.configMap("default", "b", "1"));
    Transcript transcript = new Transcript();
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(a.resourceVersion()), transcript);
    assertThat(transcript.events).containsExactly("MODIFIED a " + a2.resourceVersion(), "ADDED b " + b.resourceVersion());
  }

  @Test
  void labelSelectedWatch_seesObjectsEnteringAndLeavingAsAddedAndDeleted() {
    Transcript transcript = new Transcript();
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).withLabels(LabelSelector.parse("team=a")), transcript);
    Resource plain = server.create(ADMIN, Fixtures.configMap("default", "x", "1"));
    Resource in = server.update(ADMIN, plain.withLabel("team", "a"));
    Resource out = server.update(ADMIN, in.withLabel("team", "b"));
    assertThat(transcript.events).containsExactly("ADDED x " + in.resourceVersion(), "DELETED x " + out.resourceVersion());
  }

  @Test
  void watchFromAVersionOlderThanTheWindow_isGone() {
    Resource first = server.create(ADMIN, Fixtures.configMap("default", "a", "0"));
    for (int i = 1; i <= 6; i++) {
      server.create(ADMIN, Fixtures.configMap("default", "n" + i, "1"));
    }
    long oldest = Long.parseLong(first.resourceVersion()) + 2;
    assertThatThrownBy(() -> server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(first.resourceVersion()), new Transcript()))
        .isInstanceOf(BackendException.Gone.class)
        .hasMessage("too old resource version: " + first.resourceVersion() + " (" + oldest + ")");
  }

  @Test
  void bookmarks_onDemand_andEveryIntervalOfTickerTime() {
    Transcript transcript = new Transcript();
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(Long.toString(server.revision())).withBookmarks(), transcript);
    Transcript noBookmarks = new Transcript();
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(Long.toString(server.revision())), noBookmarks);
    server.bookmark();
    long now = server.revision();
    ticker.advance(Duration.ofSeconds(61));
    Resource a = server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    assertThat(transcript.events).containsExactly(
        "BOOKMARK ~bookmark " + now, "ADDED a " + a.resourceVersion(), "BOOKMARK ~bookmark " + a.resourceVersion());
    assertThat(noBookmarks.events).containsExactly("ADDED a " + a.resourceVersion());
  }

  @Test
  void eachWatchGetsABookmarkAMinuteAfterItsLast_andTwoSecondsBeforeItsTimeoutEndsIt() {
    List<String> seen = new ArrayList<>();
    String from = Long.toString(server.revision());
    WatchRequest request = WatchRequest.all(CONFIG_MAP).from(from).withBookmarks();
    server.watch(ADMIN, server.type(CONFIG_MAP), request, bookmarksAt("a", seen), Duration.ofSeconds(150));
    ticker.advance(Duration.ofSeconds(30));
    server.watch(ADMIN, server.type(CONFIG_MAP), request, bookmarksAt("b", seen), null);
    server.watch(ADMIN, server.type(CONFIG_MAP), WatchRequest.all(CONFIG_MAP).from(from), bookmarksAt("none", seen),
        Duration.ofSeconds(100));
    // A request every second, half-way through it: due bookmarks go out after a request, about once a second.
    ticker.advance(Duration.ofMillis(500));
    for (int i = 0; i < 170; i++) {
      server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("kube-system"));
      ticker.advance(Duration.ofSeconds(1));
    }
    // a: a minute after it opened, a minute later, then two seconds before its 150 s are up (and none after);
    // b, without a timeout: every minute.
    assertThat(seen).containsExactly("a 60.5", "b 90.5", "a 120.5", "a 148.5", "b 150.5");
  }

  /** Records each BOOKMARK's arrival, seconds of ticker time. */
  private WatchListener bookmarksAt(String watch, List<String> seen) {
    return new WatchListener() {
      @Override
      public void onEvent(WatchEvent event) {
        if (event.type() == WatchEvent.Type.BOOKMARK) {
          seen.add(watch + " " + ticker.nanoTime() / 100_000_000 / 10.0);
        }
      }

      @Override
      public void onClose(@Nullable BackendException cause) {}
    };
  }

  @Test
  void closedWatch_getsNoMoreEvents_andIsToldOnce() {
    Transcript transcript = new Transcript();
    Subscription subscription = server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from("0"), transcript);
    transcript.events.clear(); // the kube-root-ca.crt of each namespace
    subscription.close();
    subscription.close();
    server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    assertThat(transcript.events).isEmpty();
    assertThat(transcript.closedCalled).isTrue();
    assertThat(transcript.closed).isNull();
    assertThat(server.watchCount()).isZero();
  }

  @Test
  void listenerThatWrites_doesNotReorderEventsForOtherWatches() {
    List<String> second = new ArrayList<>();
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(Long.toString(server.revision())), event -> {
      if (event.object().name().equals("a")) {
        server.create(ADMIN, Fixtures.configMap("default", "reaction", "1"));
      }
    });
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(Long.toString(server.revision())),
        event -> second.add(event.object().name()));
    server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    assertThat(second).containsExactly("a", "reaction");
  }

  @Test
  void customDispatcher_receivesDeliveriesInsteadOfTheListener() {
    List<Delivery> queued = new ArrayList<>();
    server.setDispatcher(queued::add);
    Transcript transcript = new Transcript();
    server.watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(Long.toString(server.revision())), transcript);
    server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    assertThat(transcript.events).isEmpty();
    assertThat(queued).hasSize(1);
    queued.forEach(Delivery::run);
    assertThat(transcript.events).hasSize(1);
  }
}
