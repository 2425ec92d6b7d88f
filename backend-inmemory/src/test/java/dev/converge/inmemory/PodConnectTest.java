package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pods/<name>/exec}, {@code attach} and {@code portforward} ({@code kubectl exec}, {@code attach}, {@code
 * port-forward}): kube-apiserver's checks first, in its words (the pod, its container, its node); then a 400 saying
 * that the simulated kubelets serve no streams, instead of a 405 for a subresource the server did not know.
 */
class PodConnectTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 47);
  private final ApiServer server = cluster.server();

  @Test
  void aScheduledPodsContainer_isRefused_sayingTheKubeletsServeNoStreams() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "web", "node-1"));
    for (boolean upgrade : List.of(true, false)) {
      assertThatThrownBy(() -> server.connect(ADMIN, pod.key(), "exec", null, upgrade))
          .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
          .hasMessage("cannot exec into container \"main\" of pod \"web\" on node \"node-1\": the kubelets of the "
              + "in-memory cluster run no container processes and serve no streams");
    }
    assertThatThrownBy(() -> server.connect(ADMIN, pod.key(), "attach", "main", false))
        .hasMessageStartingWith("cannot attach to container \"main\" of pod \"web\" on node \"node-1\": ");
    // A port forward names no container: a wrong one is not looked at.
    assertThatThrownBy(() -> server.connect(ADMIN, pod.key(), "portforward", "nope", false))
        .hasMessageStartingWith("cannot forward ports of pod \"web\" on node \"node-1\": ");
    // Accounted as what they are: a WebSocket upgrade is a get, an SPDY connection a create.
    assertThat(cluster.requests().records()).filteredOn(r -> r.subresource().equals("exec"))
        .extracting(r -> r.verb() + " " + r.resourceWithSubresource() + " " + r.code())
        .containsExactly("get pods/exec 400", "create pods/exec 400");
  }

  @Test
  void theContainer_andTheNode_areCheckedFirst_asKubeApiserverChecksThem() {
    Resource pending = server.create(ADMIN, Fixtures.pod("default", "pending", "").edit(t -> {
      ObjectNode spec = t.with("spec");
      spec.withArray("containers").addObject().put("name", "sidecar").put("image", "busybox:1.36");
    }));
    assertThatThrownBy(() -> server.connect(ADMIN, pending.key(), "exec", null, false))
        .hasMessage("a container name must be specified for pod pending, choose one of: [main sidecar]");
    assertThatThrownBy(() -> server.connect(ADMIN, pending.key(), "exec", "nope", false))
        .hasMessage("container nope is not valid for pod pending");
    assertThatThrownBy(() -> server.connect(ADMIN, pending.key(), "exec", "sidecar", false))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("pod pending does not have a host assigned");
    assertThatThrownBy(() -> server.connect(ADMIN, ResourceKey.namespaced("", "Pod", "default", "gone"), "exec", null, false))
        .isInstanceOf(BackendException.NotFound.class).hasMessage("pods \"gone\" not found");
  }
}
