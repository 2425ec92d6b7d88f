package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import org.junit.jupiter.api.Test;

/**
 * {@code pods/<name>/log} fails as kube-apiserver and the kubelet fail it ({@code kubectl logs}): a container to
 * choose, one the pod does not have, one not started ("is waiting to start: ContainerCreating"), no previous
 * instance; otherwise the logs are empty, as simulated containers print nothing.
 */
class PodLogsTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 47);
  private final ApiServer server = cluster.server();

  private Resource withStatus(Resource pod, String containerStatuses) {
    return server.updateStatus(ADMIN, pod.edit(t -> t.set("status",
        Json.parse("{\"phase\":\"Pending\",\"containerStatuses\":" + containerStatuses + "}"))));
  }

  private static String status(String name, String state, String lastState) {
    return "{\"name\":\"" + name + "\",\"image\":\"nginx:1.27\",\"imageID\":\"\",\"ready\":false,\"restartCount\":0,"
        + "\"state\":" + state + ",\"lastState\":" + lastState + "}";
  }

  @Test
  void theContainer_mustBeNamed_whenThePodHasSeveral_andBeOneOfItsOwn() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "web", "").edit(t -> {
      ObjectNode spec = t.with("spec");
      spec.withArray("containers").addObject().put("name", "sidecar").put("image", "busybox:1.36");
      spec.withArray("initContainers").addObject().put("name", "setup").put("image", "busybox:1.36");
    }));
    assertThatThrownBy(() -> server.podLogs(ADMIN, pod.key(), null, false))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("a container name must be specified for pod web, choose one of: [setup main sidecar]");
    assertThatThrownBy(() -> server.podLogs(ADMIN, pod.key(), "nope", false))
        .hasMessage("container nope is not valid for pod web");
    // Not scheduled: there is no kubelet to ask, and kube-apiserver answers an empty stream.
    assertThat(server.podLogs(ADMIN, pod.key(), "sidecar", false)).isEmpty();
  }

  @Test
  void aContainerNotStarted_isWaitingToStart_inTheKubeletsWords() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "web", "node-1"));
    assertThatThrownBy(() -> server.podLogs(ADMIN, pod.key(), null, false))
        .hasMessage("container \"main\" in pod \"web\" is not available");
    Resource creating = withStatus(pod, "[" + status("main", "{\"waiting\":{\"reason\":\"ContainerCreating\"}}", "{}") + "]");
    assertThatThrownBy(() -> server.podLogs(ADMIN, creating.key(), null, false))
        .hasMessage("container \"main\" in pod \"web\" is waiting to start: ContainerCreating");
    Resource backOff = withStatus(creating, "[" + status("main", "{\"waiting\":{\"reason\":\"ImagePullBackOff\"}}", "{}") + "]");
    assertThatThrownBy(() -> server.podLogs(ADMIN, backOff.key(), "main", false))
        .hasMessage("container \"main\" in pod \"web\" is waiting to start: trying and failing to pull image");
  }

  @Test
  void aRunningContainer_hasEmptyLogs_andItsPreviousInstanceOnlyOnceItRestarted() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "web", "node-1"));
    Resource running = withStatus(pod, "[" + status("main",
        "{\"running\":{\"startedAt\":\"2026-01-01T00:00:00Z\"}}", "{}") + "]");
    assertThat(server.podLogs(ADMIN, running.key(), null, false)).isEmpty();
    assertThatThrownBy(() -> server.podLogs(ADMIN, running.key(), null, true))
        .hasMessage("previous terminated container \"main\" in pod \"web\" not found");
    Resource restarted = withStatus(running, "[" + status("main", "{\"running\":{\"startedAt\":\"2026-01-01T00:01:00Z\"}}",
        "{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\",\"containerID\":\"containerd://1\"}}") + "]");
    assertThat(server.podLogs(ADMIN, restarted.key(), null, true)).isEmpty();

    RequestRecord last = cluster.requests().records().get(cluster.requests().records().size() - 1);
    assertThat(last.verb() + " " + last.resourceWithSubresource()).isEqualTo("get pods/log");
    Identity viewer = Identity.user("jane");
    assertThatThrownBy(() -> server.podLogs(viewer, running.key(), null, false))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"web\" is forbidden: User \"jane\" cannot get resource \"pods/log\" in API group \"\" in the"
            + " namespace \"default\"");
  }
}
