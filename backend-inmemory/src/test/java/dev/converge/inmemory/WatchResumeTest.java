package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Watches resumed from a version, as reflectors resume them every few minutes: a watch of one object by name or
 * of one node's pods replays exactly that object's or those pods' later changes, whatever else changed; and the
 * server keeps each kind's changes for 75 s past its count limit, so that such a resume is served.
 */
class WatchResumeTest {
  private static final GroupKind NODE = GroupKind.of("", "Node");
  private static final GroupKind POD = GroupKind.of("", "Pod");
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private final TestTicker ticker = new TestTicker();
  private final ApiServer server = InMemoryCluster.create(ticker, 5).server();

  @Test
  void aWatchOfOneNodeByName_replaysThatNodesLaterChangesOnly_itsDeletionIncluded() {
    Resource n1 = server.create(ADMIN, node("n1"));
    Resource n2 = server.create(ADMIN, node("n2"));
    String from = n2.resourceVersion();
    Resource n1Labelled = server.update(ADMIN, n1.withLabel("zone", "a"));
    server.update(ADMIN, n2.withLabel("zone", "b"));

    assertThat(resume(NODE, null, "metadata.name", "n1", from)).containsExactly("MODIFIED n1 " + n1Labelled.resourceVersion());
    // Nothing changed n1 after its label: nothing to replay.
    assertThat(resume(NODE, null, "metadata.name", "n1", n1Labelled.resourceVersion())).isEmpty();
    String deletedAt = server.delete(ADMIN, ResourceKey.cluster("", "Node", "n1"), DeleteParams.defaults()).object()
        .resourceVersion();
    assertThat(resume(NODE, null, "metadata.name", "n1", n1Labelled.resourceVersion()))
        .containsExactly("DELETED n1 " + deletedAt);
    // Created again under the name: its deletion and its creation.
    Resource again = server.create(ADMIN, node("n1"));
    assertThat(resume(NODE, null, "metadata.name", "n1", n1Labelled.resourceVersion()))
        .containsExactly("DELETED n1 " + deletedAt, "ADDED n1 " + again.resourceVersion());
  }

  @Test
  void aWatchOfOneConfigMapByName_inANamespace_ignoresTheSameNameElsewhere() {
    Resource mine = server.create(ADMIN, Fixtures.configMap("default", "settings", "1"));
    server.create(ADMIN, Fixtures.namespace("other"));
    Resource theirs = server.create(ADMIN, Fixtures.configMap("other", "settings", "1"));
    assertThat(resume(CONFIG_MAP, "default", "metadata.name", "settings", mine.resourceVersion())).isEmpty();
    assertThat(resume(CONFIG_MAP, "other", "metadata.name", "settings", mine.resourceVersion()))
        .containsExactly("ADDED settings " + theirs.resourceVersion());
  }

  @Test
  void aWatchOfOneNodesPods_replaysThePodsBoundThereOnly() {
    Resource before = server.create(ADMIN, Fixtures.configMap("default", "marker", "1"));
    Resource a = server.create(ADMIN, Fixtures.pod("default", "a", "n1"));
    server.create(ADMIN, Fixtures.pod("default", "b", "n2"));
    Resource aLabelled = server.update(ADMIN, a.withLabel("seen", "yes"));
    assertThat(resume(POD, null, "spec.nodeName", "n1", before.resourceVersion()))
        .containsExactly("ADDED a " + a.resourceVersion(), "MODIFIED a " + aLabelled.resourceVersion());
  }

  @Test
  void changesYoungerThanSeventyFiveSeconds_outliveTheCountLimit_olderOnesGo() {
    ApiServer small = InMemoryCluster.create(ticker, 5, b -> b.historyLimit(3)).server();
    Resource first = small.create(ADMIN, Fixtures.configMap("default", "c0", "1"));
    for (int i = 1; i < 10; i++) {
      small.create(ADMIN, Fixtures.configMap("default", "c" + i, "1"));
    }
    // Ten changes in no time, three allowed: all kept, and a watch from the first is served.
    assertThat(resume(small, CONFIG_MAP, "default", null, null, first.resourceVersion())).hasSize(9);
    ticker.advance(Duration.ofSeconds(75));
    Resource last = small.create(ADMIN, Fixtures.configMap("default", "late", "1"));
    // 75 s on, the next change drops all but the last three.
    assertThatThrownBy(() -> resume(small, CONFIG_MAP, "default", null, null, first.resourceVersion()))
        .isInstanceOf(BackendException.Gone.class);
    assertThat(resume(small, CONFIG_MAP, "default", null, null, Long.toString(Long.parseLong(last.resourceVersion()) - 3)))
        .hasSize(3);
  }

  private java.util.List<String> resume(GroupKind kind, String namespace, String field, String value, String from) {
    return resume(server, kind, namespace, field, value, from);
  }

  private static java.util.List<String> resume(ApiServer on, GroupKind kind, String namespace, String field, String value,
      String from) {
    WatchTest.Transcript transcript = new WatchTest.Transcript();
    WatchRequest request = new WatchRequest(kind, namespace, LabelSelector.everything(),
        field == null ? FieldSelector.everything() : FieldSelector.equal(field, value), from, false);
    on.watch(ADMIN, request, transcript).close();
    return transcript.events;
  }

  private static Resource node(String name) {
    return Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\"}}"));
  }
}
