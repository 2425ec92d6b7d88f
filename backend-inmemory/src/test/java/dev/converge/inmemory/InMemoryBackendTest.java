package dev.converge.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Observed;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.Selection;
import dev.converge.inmemory.server.Identity;
import org.junit.jupiter.api.Test;

/**
 * The {@code Backend} SPI over the server: absent objects are empty, unserved kinds are NotFound, deletes
 * report whether the object existed, updates are optimistic, observe pages through lists, and every call is
 * a request of the backend's identity.
 */
class InMemoryBackendTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 37);
  private final InMemoryBackend backend = cluster.backend();

  @Test
  void get_ofAnAbsentObject_isEmpty_butOfAnUnservedKind_isNotFound() {
    assertThat(backend.get(Fixtures.cm("default", "nope"))).isEmpty();
    assertThatThrownBy(() -> backend.get(ResourceKey.namespaced("example.com", "Widget", "default", "w")))
        .isInstanceOf(BackendException.NotFound.class);
  }

  @Test
  void delete_reportsWhetherTheObjectExisted() {
    assertThatThrownBy(() -> backend.update(Fixtures.configMap("default", "c", "1")))
        .isInstanceOf(BackendException.NotFound.class).hasMessage("configmaps \"c\" not found");
    assertThat(backend.delete(Fixtures.cm("default", "c"), DeleteOptions.of(Propagation.BACKGROUND))).isFalse();
    cluster.server().create(Identity.admin(), Fixtures.configMap("default", "c", "1"));
    assertThat(backend.delete(Fixtures.cm("default", "c"), DeleteOptions.background())).isTrue();
    assertThat(backend.get(Fixtures.cm("default", "c"))).isEmpty();
  }

  @Test
  void observe_readsKeysAndListsKindsBySelector_acrossPages() {
    for (int i = 0; i < 1200; i++) {
      cluster.server().create(Identity.admin(), Fixtures.configMap("default", "owned-" + i, "1", "{\"owner\":\"me\"}"));
    }
    cluster.server().create(Identity.admin(), Fixtures.configMap("default", "other", "1"));
    Observed observed = backend.observe(new Selection(ImmutableSet.of(Fixtures.cm("default", "other"),
        Fixtures.cm("default", "absent")), ImmutableSet.of(GroupKind.of("", "ConfigMap")), LabelSelector.parse("owner=me")));
    assertThat(observed.size()).isEqualTo(1201);
    assertThat(observed.contains(Fixtures.cm("default", "other"))).isTrue();
    assertThat(cluster.requests().count("system:admin", "list")).isEqualTo(3);
  }

  @Test
  void callsAreRequestsOfTheBackendsIdentity() {
    InMemoryBackend agent = cluster.backend(Identity.serviceAccount("default", "agent"));
    assertThatThrownBy(() -> agent.get(Fixtures.cm("default", "c"))).isInstanceOf(BackendException.Forbidden.class);
    assertThat(cluster.requests().count("system:serviceaccount:default:agent", "get")).isEqualTo(1);
  }

  @Test
  void update_andUpdateStatus_areOptimistic() {
    Resource created = cluster.server().create(Identity.admin(), Fixtures.deployment("default", "web", "nginx:1"));
    Resource updated = backend.update(created.withLabel("a", "b"));
    assertThatThrownBy(() -> backend.update(created.withLabel("a", "c"))).isInstanceOf(BackendException.Conflict.class);
    assertThatThrownBy(() -> backend.updateStatus(created)).isInstanceOf(BackendException.Conflict.class);
    assertThat(backend.updateStatus(updated.edit(t -> t.with("status").put("replicas", 1)))
        .status().path("replicas").asInt()).isEqualTo(1);
  }
}
