package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.ApiServer;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's bind step ({@code pods/binding}) sets the node of an unbound pod once; otherwise a pod's
 * spec is immutable but for images and a few fields.
 */
class PodBindingTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 43);
  private final ApiServer server = cluster.server();

  @Test
  void bind_setsTheNodeAndPodScheduled_once() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));
    Resource bound = server.bind(ADMIN, pod.key(), "node-7");
    assertThat(bound.spec().path("nodeName").asText()).isEqualTo("node-7");
    assertThat(bound.status().path("conditions").get(0).path("type").asText()).isEqualTo("PodScheduled");
    assertThatThrownBy(() -> server.bind(ADMIN, pod.key(), "node-8"))
        .isInstanceOf(BackendException.Conflict.class)
        .hasMessage("Operation cannot be fulfilled on pods \"p\": pod p is already assigned to node \"node-7\"");
    RequestRecord record = cluster.requests().records().get(1);
    assertThat(record.verb() + " " + record.resourceWithSubresource()).isEqualTo("create pods/binding");
  }

  @Test
  void bind_leavesTheManagedFieldsAsTheyWere() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));
    Resource bound = server.bind(ADMIN, pod.key(), "node-7");
    // BindingREST writes the pod with the storage's GuaranteedUpdate, past the field manager: no entry for the
    // binder, and what it set (spec.nodeName, the PodScheduled condition) is owned by no one.
    assertThat(bound.metadata().get("managedFields")).isEqualTo(pod.metadata().get("managedFields"));
    assertThat(bound.resourceVersion()).isNotEqualTo(pod.resourceVersion());
  }

  @Test
  void podSpec_isImmutableButForImages() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));
    Resource newImage = server.update(ADMIN, pod.edit(t ->
        ((com.fasterxml.jackson.databind.node.ObjectNode) t.with("spec").withArray("containers").get(0)).put("image", "nginx:1.28")));
    assertThat(newImage.spec().path("containers").get(0).path("image").asText()).isEqualTo("nginx:1.28");
    assertThatThrownBy(() -> server.update(ADMIN, newImage.edit(t -> t.with("spec").put("nodeName", "node-1"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`");
  }
}
