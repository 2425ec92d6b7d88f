package dev.converge.cli.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.time.Instant;

/**
 * The Node objects of a served cluster, registered as kubelets register them: labels
 * ({@code kubernetes.io/hostname}, {@code kubernetes.io/os}, {@code kubernetes.io/arch}), capacity and
 * allocatable (4 CPUs, 16 GiB, 110 pods), a {@code Ready} condition, an internal address and node info.
 *
 * <p>These nodes are objects only: nothing renews their leases or runs their pods. When the simulated cluster
 * (kubelets, scheduler, workload controllers on a virtual clock) is available, {@code converge serve} starts it
 * in place of this class; that is the one seam to change.
 */
final class NodeFleet {
  private NodeFleet() {}

  /** The name of node {@code index} (from 1): {@code node-00001}. */
  static String name(int index) {
    return String.format("node-%05d", index);
  }

  /** Registers {@code count} ready nodes as {@code system:admin}. */
  static void register(ApiServer server, int count) {
    Identity admin = Identity.admin();
    for (int i = 1; i <= count; i++) {
      Resource created = server.create(admin, Resource.of(node(i)));
      ObjectNode withStatus = created.toMutableJson();
      withStatus.set("status", status(i, server.ticker().now()));
      server.updateStatus(admin, Resource.of(withStatus));
    }
  }

  private static ObjectNode node(int index) {
    ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
    ObjectNode metadata = node.putObject("metadata").put("name", name(index));
    metadata.putObject("labels").put("kubernetes.io/hostname", name(index)).put("kubernetes.io/os", "linux")
        .put("kubernetes.io/arch", "amd64").put("node.kubernetes.io/instance-type", "converge.sim");
    return node;
  }

  private static ObjectNode status(int index, Instant now) {
    ObjectNode status = Json.object();
    ObjectNode capacity = status.putObject("capacity").put("cpu", "4").put("memory", "16Gi").put("pods", "110")
        .put("ephemeral-storage", "100Gi");
    status.set("allocatable", capacity.deepCopy());
    String time = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    ArrayNode conditions = status.putArray("conditions");
    conditions.addObject().put("type", "Ready").put("status", "True").put("reason", "KubeletReady")
        .put("message", "kubelet is posting ready status").put("lastHeartbeatTime", time)
        .put("lastTransitionTime", time);
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", "10.0." + (index / 250) + "." + (index % 250 + 1));
    addresses.addObject().put("type", "Hostname").put("address", name(index));
    status.putObject("nodeInfo").put("kubeletVersion", "v1.32.0").put("kubeProxyVersion", "v1.32.0")
        .put("operatingSystem", "linux").put("architecture", "amd64").put("osImage", "Converge simulated node")
        .put("kernelVersion", "6.1.0").put("containerRuntimeVersion", "converge://0.1.0")
        .put("machineID", String.format("%032x", index)).put("systemUUID", String.format("%032x", index))
        .put("bootID", String.format("%032x", index));
    return status;
  }
}
