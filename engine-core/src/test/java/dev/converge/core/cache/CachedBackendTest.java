package dev.converge.core.cache;

import static dev.converge.core.cache.Objects.CONFIG_MAP;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableSet;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.Selection;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.testing.TestResources;
import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cached view over the fake backend: reads of a synced kind make no request (get, list, observe by labels
 * and by key); kinds not cached, and kinds whose first list has not completed, are read from the server; every
 * write goes to the server and its result is held at once (read-your-writes, visible here with the watch
 * down); a delete removes the object, unless it has finalizers, which keep it until the watch says otherwise.
 */
class CachedBackendTest {
  private static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  private static final ResourceKey CONFIG = ResourceKey.namespaced("", "ConfigMap", "shop", "config");
  private static final ResourceKey OTHER = ResourceKey.namespaced("", "ConfigMap", "other", "config");
  private static final ResourceKey WEB = ResourceKey.namespaced("apps", "Deployment", "shop", "web");

  private final VirtualScheduler clock = new VirtualScheduler();
  private final FakeBackend server = new FakeBackend(clock);
  private final WatchCache cache = WatchCache.builder(server, clock).kind(CONFIG_MAP).build();
  private final CachedBackend cached = new CachedBackend(server, cache);

  private void startWithTwoConfigMaps() {
    server.put(TestResources.configMap("shop", "config").withLabel("app", "web"));
    server.put(TestResources.configMap("other", "config"));
    server.put(TestResources.deployment("shop", "web", "web:1"));
    cache.start();
    server.clearTranscript();
  }

  /** The watch goes down, so that only what the cache was told directly can change it. */
  private void watchDown() {
    server.dropWatches(new BackendException.Unavailable(500, "connection reset", Duration.ZERO));
    server.clearTranscript();
  }

  @Test
  void readsOfASyncedKind_makeNoRequest() {
    startWithTwoConfigMaps();

    assertThat(cached.get(CONFIG)).isPresent();
    assertThat(cached.get(ResourceKey.namespaced("", "ConfigMap", "shop", "missing"))).isEmpty();
    assertThat(cached.list(ListRequest.all(CONFIG_MAP).inNamespace("shop")).items()).extracting(Resource::key)
        .containsExactly(CONFIG);
    assertThat(cached.list(ListRequest.all(CONFIG_MAP).withFields(FieldSelector.equal("metadata.namespace", "other")))
        .items()).extracting(Resource::key).containsExactly(OTHER);
    assertThat(cached.list(ListRequest.all(CONFIG_MAP)).resourceVersion()).isEqualTo(cache.resourceVersion(CONFIG_MAP));
    Observed observed = cached.observe(new Selection(ImmutableSet.of(OTHER), ImmutableSet.of(CONFIG_MAP),
        LabelSelector.equal("app", "web")));
    assertThat(observed.objects().keySet()).containsExactly(OTHER, CONFIG);

    assertThat(server.transcript()).isEmpty();
  }

  @Test
  void kindsNotCached_andKindsNotSyncedYet_areReadFromTheServer() {
    server.put(TestResources.configMap("shop", "config"));
    server.put(TestResources.deployment("shop", "web", "web:1"));
    server.fail("list", null, 1, () -> new BackendException.Unavailable(503, "starting", Duration.ZERO));
    cache.start();
    server.clearTranscript();

    cached.get(CONFIG);
    cached.observe(new Selection(ImmutableSet.of(WEB), ImmutableSet.of(CONFIG_MAP), LabelSelector.everything()));
    assertThat(server.transcript()).containsExactly("get ConfigMap/shop/config", "list ConfigMap", "get apps/Deployment/shop/web");

    clock.runFor(Duration.ofSeconds(1)); // the list is retried and succeeds
    server.clearTranscript();
    cached.get(CONFIG);
    cached.observe(new Selection(ImmutableSet.of(WEB), ImmutableSet.of(CONFIG_MAP), LabelSelector.everything()));
    assertThat(server.transcript()).containsExactly("get apps/Deployment/shop/web");
    assertThat(cache.kinds()).containsExactly(CONFIG_MAP).doesNotContain(DEPLOYMENT);
  }

  @Test
  void writes_goToTheServer_andTheirResultsAreReadBackAtOnce() {
    startWithTwoConfigMaps();
    watchDown();

    Resource applied = cached.apply(TestResources.configMap("shop", "new"), ApplyOptions.defaults());
    Resource current = cached.get(CONFIG).orElseThrow();
    Resource updated = cached.update(current.withLabel("edited", "yes"));

    assertThat(server.transcript()).containsExactly("apply ConfigMap/shop/new", "update ConfigMap/shop/config");
    assertThat(cached.get(applied.key())).contains(applied);
    assertThat(cached.get(CONFIG)).contains(updated);
    assertThat(server.transcript()).hasSize(2);
  }

  @Test
  void aDelete_removesTheObject_unlessFinalizersKeepIt() {
    startWithTwoConfigMaps();
    Resource held = server.put(server.peek(OTHER).orElseThrow()
        .edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("example.dev/hold")));
    watchDown();

    assertThat(cached.delete(CONFIG, DeleteOptions.background())).isTrue();
    assertThat(cached.delete(OTHER, DeleteOptions.background())).isTrue();

    assertThat(cached.get(CONFIG)).isEmpty();
    assertThat(cached.get(OTHER)).contains(held); // terminating on the server; the watch will say when it is gone
    assertThat(server.transcript()).containsExactly("delete ConfigMap/shop/config", "delete ConfigMap/other/config");
  }
}
