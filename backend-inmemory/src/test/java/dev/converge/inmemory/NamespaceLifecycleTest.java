package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import org.junit.jupiter.api.Test;

/**
 * Namespaces: created with the {@code kubernetes} finalizer, phase Active and the name label; a delete makes
 * them Terminating, refuses new content, the namespace controller deletes the content, and the namespace goes
 * once it is empty.
 */
class NamespaceLifecycleTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 5);
  private final ApiServer server = cluster.server();
  private final ResourceKey apps = ResourceKey.cluster("", "Namespace", "apps");

  @Test
  void namespace_isCreatedWithFinalizerPhaseAndNameLabel() {
    Resource ns = server.create(ADMIN, Fixtures.namespace("apps"));
    assertThat(ns.spec().toString()).isEqualTo("{\"finalizers\":[\"kubernetes\"]}");
    assertThat(ns.status().toString()).isEqualTo("{\"phase\":\"Active\"}");
    assertThat(ns.labels()).containsEntry("kubernetes.io/metadata.name", "apps");
  }

  @Test
  void deletingANamespace_deletesItsContentsThenTheNamespace() {
    server.create(ADMIN, Fixtures.namespace("apps"));
    server.create(ADMIN, Fixtures.configMap("apps", "a", "1"));
    server.create(ADMIN, Fixtures.deployment("apps", "web", "nginx"));
    server.create(ADMIN, Fixtures.configMap("default", "kept", "1"));
    assertThat(server.delete(ADMIN, apps, DeleteParams.defaults()).deleted()).isFalse();
    assertThatThrownBy(() -> server.get(ADMIN, apps)).isInstanceOf(BackendException.NotFound.class);
    assertThat(Fixtures.get(server, Fixtures.cm("default", "kept")).name()).isEqualTo("kept");
  }

  @Test
  void contentWithAFinalizer_keepsTheNamespaceTerminating_andNewContentIsRefused() {
    server.create(ADMIN, Fixtures.namespace("apps"));
    server.create(ADMIN, Fixtures.configMap("apps", "held", "1")
        .edit(t -> t.with("metadata").putArray("finalizers").add("example.com/hold")));
    server.delete(ADMIN, apps, DeleteParams.defaults());
    Resource terminating = server.get(ADMIN, apps);
    assertThat(terminating.status().path("phase").asText()).isEqualTo("Terminating");
    assertThat(Fixtures.get(server, Fixtures.cm("apps", "held")).isBeingDeleted()).isTrue();
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("apps", "new", "1")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("configmaps \"new\" is forbidden: unable to create new content in namespace apps because it is being terminated");
    assertThatThrownBy(() -> server.delete(ADMIN, apps, DeleteParams.defaults()))
        .isInstanceOf(BackendException.Conflict.class)
        .hasMessageContaining("The system is ensuring all content is removed from this namespace.");

    Resource held = Fixtures.get(server, Fixtures.cm("apps", "held"));
    server.update(ADMIN, held.edit(t -> t.with("metadata").remove("finalizers")));
    assertThatThrownBy(() -> server.get(ADMIN, apps)).isInstanceOf(BackendException.NotFound.class);
  }

  @Test
  void systemNamespacesExist_afterBootstrap() {
    for (String name : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      assertThat(server.get(ADMIN, ResourceKey.cluster("", "Namespace", name)).name()).isEqualTo(name);
    }
  }
}
