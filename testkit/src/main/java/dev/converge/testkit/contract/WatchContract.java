package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import java.util.List;
import dev.converge.api.backend.WatchRequest;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.WatchRecorder;
import org.junit.jupiter.api.Test;

/**
 * Watches: without a version the current objects arrive first as ADDED, then every change in order; from a
 * version, exactly the later changes, in order (resumption after a close loses nothing); a label-selected
 * watch sees objects entering as ADDED and leaving as DELETED; a namespaced watch sees its namespace only;
 * versions of events only grow; bookmarks carry the current version; a version past the history window ends
 * in {@code 410 Gone}; a closed watch hears nothing more.
 */
@SuppressWarnings("try") // each subscription is held only to be closed by its try-with-resources
public interface WatchContract extends ContractSupport {

  @Test
  default void watchWithoutVersion_startsWithTheCurrentObjects_thenEveryChangeInOrder() {
    Resource a = put(configMap("a", "k", "1"));
    WatchRecorder recorder = new WatchRecorder();
    try (Subscription ignored = backend().watch(configMapWatch(null), recorder)) {
      awaitChanges(recorder, 1);
      Resource b = put(configMap("b", "k", "1"));
      Resource a2 = put(configMap("a", "k", "2"));
      backend().delete(b.key(), DeleteOptions.background());
      awaitChanges(recorder, 4);
      assertThat(recorder.tokens(e -> e.type() + " " + e.object().name()).stream()
              .filter(t -> !t.endsWith("kube-root-ca.crt")))
          .containsExactly("ADDED a", "ADDED b", "MODIFIED a", "DELETED b");
      assertThat(ownChanges(recorder).get(0).object()).isEqualTo(a);
      assertThat(recorder.changes().stream().filter(e -> e.type() == WatchEvent.Type.MODIFIED).findFirst().orElseThrow()
          .object()).isEqualTo(a2);
    }
  }

  @Test
  default void watchFromAVersion_deliversExactlyTheLaterChanges() {
    requires(Capability.WATCH_FROM_VERSION);
    Resource a = put(configMap("a", "k", "1"));
    Resource a2 = put(configMap("a", "k", "2"));
    Resource b = put(configMap("b", "k", "1"));
    WatchRecorder recorder = new WatchRecorder();
    try (Subscription ignored = backend().watch(configMapWatch(a.resourceVersion()), recorder)) {
      awaitChanges(recorder, 2);
      assertThat(recorder.tokens(e -> e.type() + " " + e.object().name() + " " + e.object().resourceVersion()))
          .containsExactly("MODIFIED a " + a2.resourceVersion(), "ADDED b " + b.resourceVersion());
    }
  }

  @Test
  default void resumingFromTheLastVersionSeen_losesNothing() {
    requires(Capability.WATCH_FROM_VERSION);
    put(configMap("a", "k", "1"));
    WatchRecorder first = new WatchRecorder();
    Subscription subscription = backend().watch(configMapWatch(null), first);
    awaitChanges(first, 1);
    put(configMap("a", "k", "2"));
    awaitChanges(first, 2);
    subscription.close();
    List<WatchEvent> seen = ownChanges(first);
    String lastSeen = seen.get(seen.size() - 1).object().resourceVersion();
    put(configMap("a", "k", "3"));
    put(configMap("c", "k", "1"));
    WatchRecorder resumed = new WatchRecorder();
    try (Subscription ignored = backend().watch(configMapWatch(lastSeen), resumed)) {
      awaitChanges(resumed, 2);
      assertThat(resumed.tokens(e -> e.type() + " " + e.object().name() + " " + e.object().json().path("data").path("k").asText()))
          .containsExactly("MODIFIED a 3", "ADDED c 1");
    }
  }

  @Test
  default void eventVersions_onlyGrow() {
    WatchRecorder recorder = new WatchRecorder();
    try (Subscription ignored = backend().watch(configMapWatch(null), recorder)) {
      for (int i = 0; i < 5; i++) {
        put(configMap("cm-" + (i % 2), "k", Integer.toString(i)));
      }
      awaitChanges(recorder, 5);
      long previous = 0;
      for (WatchEvent event : recorder.changes()) {
        assertThat(version(event.object())).as("version of %s %s", event.type(), event.object().name()).isGreaterThan(previous);
        previous = version(event.object());
      }
    }
  }

  @Test
  default void labelSelectedWatch_seesObjectsEnterAsAdded_andLeaveAsDeleted() {
    WatchRecorder recorder = new WatchRecorder();
    WatchRequest request = configMapWatch(null).withLabels(LabelSelector.equal("team", "a"));
    try (Subscription ignored = backend().watch(request, recorder)) {
      put(configMap("x", "k", "1"));
      put(configMap("x", "k", "1").withLabel("team", "a"));
      put(configMap("x", "k", "2").withLabel("team", "a"));
      put(configMap("x", "k", "2").withLabel("team", "b"));
      awaitChanges(recorder, 3);
      assertThat(recorder.tokens()).containsExactly("ADDED x", "MODIFIED x", "DELETED x");
    }
  }

  @Test
  default void namespacedWatch_seesItsNamespaceOnly() {
    put(KubeObjects.namespace(ns() + "-other"));
    WatchRecorder recorder = new WatchRecorder();
    try (Subscription ignored = backend().watch(configMapWatch(null), recorder)) {
      put(KubeObjects.configMap(ns() + "-other", "elsewhere", "k", "1"));
      put(configMap("here", "k", "1"));
      awaitChanges(recorder, 1);
      assertThat(recorder.tokens().stream().filter(t -> !t.endsWith("kube-root-ca.crt"))).containsExactly("ADDED here");
    }
  }

  @Test
  default void bookmark_carriesTheCurrentVersion_onlyToWatchesThatAskedForBookmarks() {
    requires(Capability.BOOKMARKS);
    Resource a = put(configMap("a", "k", "1"));
    WatchRecorder withBookmarks = new WatchRecorder();
    WatchRecorder without = new WatchRecorder();
    try (Subscription one = backend().watch(configMapWatch(a.resourceVersion()).withBookmarks(), withBookmarks);
        Subscription two = backend().watch(configMapWatch(a.resourceVersion()), without)) {
      Resource b = put(configMap("b", "k", "1"));
      fixture().bookmarkNow();
      eventually("a bookmark", () -> withBookmarks.events().stream().anyMatch(e -> e.type() == WatchEvent.Type.BOOKMARK));
      WatchEvent bookmark = withBookmarks.events().stream().filter(e -> e.type() == WatchEvent.Type.BOOKMARK)
          .findFirst().orElseThrow();
      assertThat(version(bookmark.object())).isGreaterThanOrEqualTo(version(b));
      assertThat(bookmark.object().groupKind()).isEqualTo(CONFIG_MAP);
      assertThat(without.events()).extracting(WatchEvent::type).doesNotContain(WatchEvent.Type.BOOKMARK);
    }
  }

  @Test
  default void watchFromAVersionPastTheHistoryWindow_endsWithGone() {
    requires(Capability.WATCH_FROM_VERSION);
    requires(Capability.HISTORY_COMPACTION);
    Resource a = put(configMap("a", "k", "1"));
    put(configMap("a", "k", "2"));
    fixture().compactHistory();
    WatchRecorder recorder = new WatchRecorder();
    BackendException thrown = null;
    try (Subscription ignored = backend().watch(configMapWatch(a.resourceVersion()), recorder)) {
      eventually("the watch to end", recorder::isClosed);
    } catch (BackendException e) {
      thrown = e; // the SPI allows either: thrown at once, or onClose(Gone)
    }
    BackendException cause = thrown != null ? thrown : recorder.closeCause();
    assertThat(cause).as("how the watch ended").isInstanceOf(BackendException.Gone.class);
    assertThat(recorder.changes()).isEmpty();
  }

  @Test
  default void closedWatch_hearsNothingMore_andIsToldOnce_withoutACause() {
    WatchRecorder recorder = new WatchRecorder();
    Subscription subscription = backend().watch(configMapWatch(null), recorder);
    put(configMap("before", "k", "1"));
    awaitChanges(recorder, 1);
    subscription.close();
    subscription.close();
    put(configMap("after", "k", "1"));
    eventually("the watch closed", recorder::isClosed);
    assertThat(recorder.closeCause()).isNull();
    assertThat(recorder.tokens()).doesNotContain("ADDED after");
  }
}
