package dev.converge.guides.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import dev.converge.testkit.FakeTicker;
import dev.converge.testkit.KubeObjects;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit trail itself: one line per write, refusals with their code, nothing for reads. */
class AuditingBackendTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new FakeTicker(), 1);
  private final List<String> trail = new ArrayList<>();

  @Test
  void everyWrite_isAuditedOnce_andReadsAreNot() {
    AuditingBackend backend = new AuditingBackend(cluster.backend(), trail::add);

    backend.create(KubeObjects.namespace("web"));
    backend.apply(KubeObjects.configMap("web", "settings", "mode", "fast"), ApplyOptions.defaults());
    backend.get(ResourceKey.parse("ConfigMap/web/settings"));
    backend.delete(ResourceKey.parse("ConfigMap/web/settings"), DeleteOptions.background());

    assertThat(trail).containsExactly("create Namespace/web", "apply ConfigMap/web/settings", "delete ConfigMap/web/settings");
  }

  @Test
  void aRefusedWrite_isAuditedWithItsCode_andStillThrown() {
    AuditingBackend stranger = new AuditingBackend(cluster.backend(Identity.user("mallory")), trail::add);

    assertThatThrownBy(() -> stranger.create(KubeObjects.namespace("web"))).isInstanceOf(BackendException.Forbidden.class);
    assertThat(trail).containsExactly("create Namespace/web: 403 Forbidden");
  }
}
