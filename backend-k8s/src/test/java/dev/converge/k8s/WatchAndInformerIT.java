package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.Selection;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watches (over WebSocket, the only way the fabric8 mock serves them) and informer-backed observation with
 * read-your-writes, against fabric8's CRUD mock server on loopback.
 */
class WatchAndInformerIT {
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Fabric8CrudServer server;
  private SimpleMeterRegistry registry;
  private KubernetesBackend backend;

  @BeforeEach
  void start() {
    server = new Fabric8CrudServer();
    registry = new SimpleMeterRegistry();
    backend = new KubernetesBackend(server.client(),
        KubernetesBackendOptions.defaults().withWatchTransport(WatchTransport.WEBSOCKET).withInformers(Duration.ZERO), registry);
  }

  @AfterEach
  void stop() {
    backend.close();
    server.close();
  }

  private double requests() {
    return registry.find(BackendMetrics.REQUESTS).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /**
   * Waits until the informer's watch has connected (its request counted). An observation returns once the
   * informer's first list is in; the watch opens after it, on the informer's thread, and on a busy machine it
   * can be counted after a baseline taken right after the observation.
   */
  private void awaitWatchConnected() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (registry.find(BackendMetrics.REQUESTS).tag("verb", "watch").counters().stream()
        .mapToDouble(c -> c.count()).sum() < 1) {
      assertThat(System.nanoTime()).as("the informer's watch connects within %s", WAIT).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void watch_deliversAddedModifiedDeletedInOrder_andClosesCleanly() throws Exception {
    backend.apply(KubernetesBackendIT.configMap("before", "0"), ApplyOptions.defaults());
    RecordingListener listener = new RecordingListener();
    Subscription watch = backend.watch(WatchRequest.all(CONFIG_MAP).inNamespace("ns"), listener);
    // Without a version, the current objects arrive first as ADDED.
    listener.awaitTokens(t -> t.contains("ADDED ConfigMap/ns/before"), WAIT);

    Resource a = backend.apply(KubernetesBackendIT.configMap("a", "1"), ApplyOptions.defaults());
    listener.awaitTokens(t -> t.contains("ADDED ConfigMap/ns/a"), WAIT);
    backend.update(a.edit(tree -> tree.withObjectProperty("data").put("value", "2")));
    listener.awaitTokens(t -> t.contains("MODIFIED ConfigMap/ns/a"), WAIT);
    backend.delete(a.key(), DeleteOptions.background());
    List<String> tokens = listener.awaitTokens(t -> t.contains("DELETED ConfigMap/ns/a"), WAIT);

    assertThat(tokens).containsExactly(
        "ADDED ConfigMap/ns/before", "ADDED ConfigMap/ns/a", "MODIFIED ConfigMap/ns/a", "DELETED ConfigMap/ns/a");
    assertThat(listener.events().get(2).object().json().path("data").path("value").asText()).isEqualTo("2");

    watch.close();
    assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isNull();
    watch.close(); // twice is harmless
  }

  @Test
  void closingTheBackend_endsItsOpenWatches() throws Exception {
    RecordingListener listener = new RecordingListener();
    backend.watch(WatchRequest.all(CONFIG_MAP), listener);

    backend.close();

    assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void watch_withLabelSelector_seesOnlyMatchingObjects() throws Exception {
    RecordingListener listener = new RecordingListener();
    Subscription watch = backend.watch(
        WatchRequest.all(CONFIG_MAP).inNamespace("ns").withLabels(LabelSelector.equal("app", "web")), listener);
    backend.apply(KubernetesBackendIT.configMap("db", "1", "app", "db"), ApplyOptions.defaults());
    backend.apply(KubernetesBackendIT.configMap("web", "1", "app", "web"), ApplyOptions.defaults());

    assertThat(listener.awaitTokens(t -> t.contains("ADDED ConfigMap/ns/web"), WAIT)).containsExactly("ADDED ConfigMap/ns/web");
    watch.close();
  }

  @Test
  void observe_fromInformer_seesOwnWritesAtOnce_andThenMakesNoRequests() throws Exception {
    backend.apply(KubernetesBackendIT.configMap("old", "1", "owner", "me"), ApplyOptions.defaults());
    Selection owned = new Selection(ImmutableSet.of(ResourceKey.parse("ConfigMap/ns/solo")), ImmutableSet.of(CONFIG_MAP),
        LabelSelector.equal("owner", "me"));

    Observed first = backend.observe(owned); // starts the informer, waits for its first list
    assertThat(first.objects().keySet()).extracting(ResourceKey::toString).containsExactly("ConfigMap/ns/old");
    awaitWatchConnected();

    Resource written = backend.apply(KubernetesBackendIT.configMap("new", "1", "owner", "me"), ApplyOptions.defaults());
    Resource solo = backend.apply(KubernetesBackendIT.configMap("solo", "1"), ApplyOptions.defaults());
    backend.delete(ResourceKey.parse("ConfigMap/ns/old"), DeleteOptions.background());
    double before = requests();

    Observed next = backend.observe(owned);

    assertThat(next.objects().keySet()).extracting(ResourceKey::toString).containsExactly("ConfigMap/ns/new", "ConfigMap/ns/solo");
    assertThat(next.get(written.key()).orElseThrow().resourceVersion()).isEqualTo(written.resourceVersion());
    assertThat(next.get(solo.key()).orElseThrow().resourceVersion()).isEqualTo(solo.resourceVersion());
    assertThat(requests()).isEqualTo(before); // answered from memory
  }

  @Test
  void observe_fromInformer_followsChangesMadeByOthers() throws Exception {
    Selection all = new Selection(ImmutableSet.of(), ImmutableSet.of(CONFIG_MAP), LabelSelector.everything());
    assertThat(backend.observe(all).isEmpty()).isTrue();

    try (KubernetesBackend other = new KubernetesBackend(server.client(), KubernetesBackendOptions.defaults(), new SimpleMeterRegistry())) {
      other.apply(KubernetesBackendIT.configMap("theirs", "1"), ApplyOptions.defaults());
    }

    long deadline = System.nanoTime() + WAIT.toNanos();
    while (backend.observe(all).isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertThat(backend.observe(all).objects().keySet()).extracting(ResourceKey::toString).containsExactly("ConfigMap/ns/theirs");
  }
}
