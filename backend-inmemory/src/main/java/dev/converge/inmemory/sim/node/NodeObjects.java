package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.Taint;
import java.util.Map;

/**
 * The objects a kubelet writes about its node: the Node it registers ({@code kubelet_node_status.go}
 * {@code initialNode}: well-known labels, capacity, conditions, addresses, node info) and its Lease in
 * {@code kube-node-lease} ({@code nodelease.newLease}: holder, duration, renew time, owned by the Node).
 */
final class NodeObjects {
  static final String LEASE_NAMESPACE = "kube-node-lease";
  /**
   * What the simulated kubelets report in {@code nodeInfo}: they behave as Kubernetes 1.32's do (the version the
   * API server and kube-controller-manager here follow), so they say so.
   */
  static final String KUBELET_VERSION = "v1.32.0";
  private static final String[] CONDITIONS = {"MemoryPressure", "DiskPressure", "PIDPressure", "Ready"};

  private NodeObjects() {}

  /** The node's InternalIP: 172.16.0.0/12 by ordinal. */
  static String nodeIp(int ordinal) {
    return "172." + (16 + ((ordinal >> 16) & 15)) + "." + ((ordinal >> 8) & 255) + "." + (ordinal & 255);
  }

  /** The node's pod CIDR prefix: a /24 of 100.64.0.0/10 by ordinal (16,384 nodes before it wraps). */
  static String podPrefix(int ordinal) {
    return "100." + (64 + ((ordinal >> 8) & 63)) + "." + (ordinal & 255) + ".";
  }

  /** The {@code index}-th pod IP of the node. */
  static String podIp(int ordinal, int index) {
    return podPrefix(ordinal) + (1 + Math.floorMod(index, 254));
  }

  static Resource node(String name, int ordinal, NodePool pool, String now) {
    ObjectNode root = Json.object();
    root.put("apiVersion", "v1");
    root.put("kind", "Node");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", name);
    ObjectNode labels = metadata.putObject("labels");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("sim.converge.dev/pool", pool.name());
    for (Map.Entry<String, String> label : pool.labels().entrySet()) {
      labels.put(label.getKey(), label.getValue());
    }
    ObjectNode spec = root.putObject("spec");
    spec.put("podCIDR", podPrefix(ordinal) + "0/24");
    if (!pool.taints().isEmpty()) {
      ArrayNode taints = spec.putArray("taints");
      for (Taint taint : pool.taints()) {
        taints.add(taint.toJson());
      }
    }
    ObjectNode status = root.putObject("status");
    ObjectNode capacity = status.putObject("capacity");
    ObjectNode allocatable = status.putObject("allocatable");
    for (Map.Entry<String, String> entry : pool.capacity().entrySet()) {
      capacity.put(entry.getKey(), entry.getValue());
      allocatable.put(entry.getKey(), entry.getValue());
    }
    status.set("conditions", conditions(now, now, true));
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", nodeIp(ordinal));
    addresses.addObject().put("type", "Hostname").put("address", name);
    ObjectNode info = status.putObject("nodeInfo");
    info.put("architecture", "amd64");
    info.put("containerRuntimeVersion", "containerd://1.7.22");
    info.put("kernelVersion", "6.1.0-sim");
    info.put("kubeProxyVersion", KUBELET_VERSION);
    info.put("kubeletVersion", KUBELET_VERSION);
    info.put("operatingSystem", "linux");
    info.put("osImage", "Converge simulated node");
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
    return Resource.of(root);
  }

  /**
   * The four node conditions the kubelet owns, healthy: no pressure, Ready. {@code heartbeat} is when the
   * kubelet last looked, {@code transition} when Ready last changed.
   */
  static ArrayNode conditions(String heartbeat, String transition, boolean ready) {
    ArrayNode conditions = Json.array();
    for (String type : CONDITIONS) {
      ObjectNode condition = conditions.addObject();
      condition.put("type", type);
      boolean isReady = type.equals("Ready");
      condition.put("status", isReady ? (ready ? "True" : "False") : "False");
      condition.put("lastHeartbeatTime", heartbeat);
      condition.put("lastTransitionTime", transition);
      condition.put("reason", isReady ? "KubeletReady" : "Kubelet" + type.replace("Pressure", "") + "Sufficient");
      condition.put("message", isReady ? "kubelet is posting ready status" : "kubelet has sufficient resources");
    }
    return conditions;
  }

  static Resource lease(String node, String nodeUid, long durationSeconds, String renewTime) {
    ObjectNode root = Json.object();
    root.put("apiVersion", "coordination.k8s.io/v1");
    root.put("kind", "Lease");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", node);
    metadata.put("namespace", LEASE_NAMESPACE);
    ObjectNode owner = metadata.putArray("ownerReferences").addObject();
    owner.put("apiVersion", "v1");
    owner.put("kind", "Node");
    owner.put("name", node);
    owner.put("uid", nodeUid);
    ObjectNode spec = root.putObject("spec");
    spec.put("holderIdentity", node);
    spec.put("leaseDurationSeconds", durationSeconds);
    spec.set("renewTime", Json.uniqueText(renewTime));
    return Resource.of(root);
  }
}
