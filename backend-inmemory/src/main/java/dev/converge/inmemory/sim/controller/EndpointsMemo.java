package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One Service's endpoint addresses as the {@link EndpointsController}'s syncs build them ({@code RepackSubsets}),
 * kept up to date from pod to pod. Kubernetes rebuilds every address of the Service on every sync; with a
 * DaemonSet behind a Service that is thousands of address builds and a sort for each pod that becomes ready,
 * quadratic over a rollout. Here each pod's contribution is kept while the pod is the very object it was built
 * from (an informer replaces an object it updates) and the Service is the one the memo was made for; the
 * addresses of each port are held sorted, and the packed subsets are kept until a contribution changes. The
 * result is the same as a rebuild: {@link #update} with the selected pods, then {@link #subsets}.
 *
 * <p>Ports come in the Service's port order (a port a named target resolves to different numbers on different
 * pods: by number), where Kubernetes sorts subsets and ports by a hash of their Go dump: the same content, another
 * order. Addresses are sorted by IP, then by the pod's uid ({@code LessEndpointAddress}).
 */
final class EndpointsMemo {
  /** An address's sort key ({@code LessEndpointAddress}): the IP as text, then the target pod's uid. */
  record AddressKey(String ip, String uid) implements Comparable<AddressKey> {
    @Override
    public int compareTo(AddressKey other) {
      int byIp = ip.compareTo(other.ip);
      return byIp != 0 ? byIp : uid.compareTo(other.uid);
    }
  }

  /**
   * An endpoint port: which of the Service's ports it came from ({@code -1} for none, a headless Service without
   * ports), the number it resolved to, and the port as written into the subset.
   */
  record PortKey(int index, int number, @Nullable JsonNode port) {
    static final Comparator<PortKey> ORDER = Comparator.comparingInt(PortKey::index).thenComparingInt(PortKey::number);
  }

  /** What a pod adds to one port: its address (frozen, shared by its ports) and whether it is ready. */
  record Address(JsonNode address, boolean ready) {}

  /** What a pod adds to the Service, and the pod it was built from. */
  private record Contribution(Resource pod, Built built) {}

  private final Resource service;
  private final Map<String, Contribution> byPod = new HashMap<>();
  private final TreeMap<PortKey, TreeMap<AddressKey, Address>> byPort = new TreeMap<>(PortKey.ORDER);
  /** The packed subsets of the current contributions; null when a contribution changed since they were packed. */
  private @Nullable List<JsonNode> packed;

  EndpointsMemo(Resource service) {
    this.service = service;
  }

  /** Whether the memo was made for this very Service object. */
  boolean isFor(Resource service) {
    return this.service == service;
  }

  /**
   * Brings the contributions up to date with the pods the Service now selects, building those of the pods that
   * are new or changed with {@code build} (null key: the pod has no address in the Service).
   */
  void update(List<Resource> selected, Function<Resource, @Nullable Built> build) {
    Set<String> current = new HashSet<>(selected.size() * 2);
    int contributing = 0;
    for (Resource pod : selected) {
      current.add(pod.name());
      Contribution known = byPod.get(pod.name());
      if (known != null && known.pod() == pod) {
        contributing++;
        continue;
      }
      if (known != null) {
        withdraw(known);
        byPod.remove(pod.name());
      }
      Built built = build.apply(pod);
      if (built != null) {
        byPod.put(pod.name(), new Contribution(pod, built));
        built.ports().forEach((port, address) ->
            byPort.computeIfAbsent(port, p -> new TreeMap<>()).put(built.key(), address));
        contributing++;
        packed = null;
      }
    }
    if (byPod.size() > contributing) {
      // Pods the Service no longer selects (deleted, relabelled) still contribute.
      for (Iterator<Contribution> it = byPod.values().iterator(); it.hasNext(); ) {
        Contribution known = it.next();
        if (!current.contains(known.pod().name())) {
          it.remove();
          withdraw(known);
        }
      }
    }
  }

  /** A pod's built contribution: its address key and, per port it has, its address. */
  record Built(AddressKey key, Map<PortKey, Address> ports) {}

  private void withdraw(Contribution contribution) {
    contribution.built().ports().forEach((port, address) -> {
      TreeMap<AddressKey, Address> addresses = byPort.get(port);
      addresses.remove(contribution.built().key());
      if (addresses.isEmpty()) {
        byPort.remove(port);
      }
    });
    packed = null;
  }

  /**
   * {@code RepackSubsets}: ports with the same addresses (and readiness) together, the ready ones under {@code
   * addresses} and the others under {@code notReadyAddresses}. A new array each time (the caller may truncate
   * it); its subsets are frozen and shared with the memo.
   */
  ArrayNode subsets() {
    if (packed == null) {
      packed = pack();
    }
    ArrayNode out = Json.array();
    packed.forEach(out::add);
    return out;
  }

  private List<JsonNode> pack() {
    Map<List<Object>, ObjectNode> bySignature = new LinkedHashMap<>();
    for (Map.Entry<PortKey, TreeMap<AddressKey, Address>> port : byPort.entrySet()) {
      List<Object> signature = new ArrayList<>(port.getValue().size() * 2);
      port.getValue().forEach((key, address) -> {
        signature.add(key);
        signature.add(address.ready());
      });
      ObjectNode subset = bySignature.get(signature);
      if (subset == null) {
        subset = Json.object();
        ArrayNode ready = Json.array();
        ArrayNode notReady = Json.array();
        for (Address address : port.getValue().values()) {
          (address.ready() ? ready : notReady).add(address.address());
        }
        if (!ready.isEmpty()) {
          subset.set("addresses", ready);
        }
        if (!notReady.isEmpty()) {
          subset.set("notReadyAddresses", notReady);
        }
        bySignature.put(signature, subset);
      }
      JsonNode written = port.getKey().port();
      if (written != null) {
        JsonNode ports = subset.get("ports");
        (ports == null ? subset.putArray("ports") : (ArrayNode) ports).add(written);
      }
    }
    List<JsonNode> out = new ArrayList<>(bySignature.size());
    bySignature.values().forEach(subset -> out.add(Json.freeze(subset)));
    return out;
  }
}
