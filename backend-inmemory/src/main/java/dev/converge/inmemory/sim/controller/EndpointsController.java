package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.Response;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import dev.converge.inmemory.sim.runtime.SimContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints controller ({@code pkg/controller/endpoint/endpoints_controller.go}, 1.32): for every Service with a
 * selector it keeps the {@code v1} Endpoints of the same name, which {@code kubectl get endpoints}, the engine's
 * "Service has endpoints" gate and clients of the classic API read.
 *
 * <ul>
 *   <li>Services without a selector (their Endpoints are someone else's) and of type {@code ExternalName} are left
 *       alone; a deleted Service's Endpoints are deleted. An empty selector counts as none: etcd's protobuf
 *       encoding does not keep an empty map, so the stored Service has a nil selector.
 *   <li>A pod counts once it has an IP, unless it is terminal ({@code Failed}, {@code Succeeded}) or being deleted
 *       ({@code ShouldPodBeInEndpoints}); it is among {@code addresses} when Ready, else {@code notReadyAddresses},
 *       and always among {@code addresses} with {@code publishNotReadyAddresses}, being deleted or not. An address
 *       has the pod's IP of the Service's family, its node, a {@code targetRef} to it, and its {@code hostname}
 *       when its {@code subdomain} is the Service's name.
 *   <li>Each Service port is resolved against the pod ({@code FindPort}): a number as is, a name through the
 *       containers' ports of that name and protocol, then the sidecars'; a pod without the named port is left out
 *       of that port. A headless Service without ports lists its addresses without ports.
 *   <li>Addresses are grouped into subsets of ports that have the same addresses ({@code RepackSubsets}), sorted by
 *       IP. Subsets and ports come in the Service's port order, where Kubernetes sorts them by a hash of their Go
 *       dump: the same content, another order.
 *   <li>Over 1,000 addresses, the object is truncated ({@code endpoints.kubernetes.io/over-capacity: truncated}),
 *       ready addresses kept first, each subset in proportion. As in Kubernetes, such a Service's Endpoints is
 *       written again on every sync, since the stored (truncated) subsets never equal the wanted ones.
 *   <li>The labels are the Service's, plus {@code service.kubernetes.io/headless} for a Service without a cluster
 *       IP; {@code endpoints.kubernetes.io/last-change-trigger-time} is the Service's creation time on its first
 *       sync, then the earliest Ready transition among pods whose Ready transition changed.
 *   <li>Nothing is written when the subsets, the labels and the capacity annotation are as wanted.
 * </ul>
 *
 * A Service is synced when it changes, when its Endpoints are deleted, and when a pod it selects (or selected) is
 * added, deleted, or changes its readiness, IPs, deletion, labels, hostname or subdomain
 * ({@code GetServicesToUpdateOnPodChange}); five workers ({@code --concurrent-endpoint-syncs}), no batching period
 * ({@code --endpoint-updates-batch-period} 0). A failed write is retried with the controller backoff, up to 15
 * times in a row ({@code maxRetries}; the Service is then dropped until it or a pod of it changes), and recorded
 * as a Warning Event ({@code FailedToCreateEndpoint}, {@code FailedToUpdateEndpoint}).
 */
public final class EndpointsController {
  static final GroupKind SERVICE = GroupKind.of("", "Service");
  static final GroupKind ENDPOINTS = GroupKind.of("", "Endpoints");
  /** {@code maxCapacity}: addresses an Endpoints object holds before it is truncated. */
  static final int MAX_CAPACITY = 1000;
  static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";
  static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
  static final String HEADLESS = "service.kubernetes.io/headless";
  /** {@code --concurrent-endpoint-syncs}'s default. */
  static final int WORKERS = 5;
  /** {@code maxRetries} in {@code endpoints_controller.go}: a Service failing 15 retries in a row is dropped. */
  static final int MAX_RETRIES = 15;

  private final SimClient client;
  private final Informer services;
  private final Informer pods;
  private final Informer endpoints;
  private final EventRecorder events;
  private final SyncQueue<String> queue;
  private final ServicePods servicePods;
  private final TriggerTimes triggerTimes = new TriggerTimes();
  /**
   * Per Service key: the resourceVersion of the Endpoints this controller last replaced ({@code
   * staleEndpointsTracker}). While the informer still holds that version, a sync would write over a state it has
   * itself replaced; it fails instead and is retried with backoff, and sends nothing.
   */
  private final Map<String, String> replaced = new HashMap<>();
  /** Per Service key: the addresses its last sync built, kept up to date pod by pod. */
  private final Map<String, EndpointsMemo> memos = new HashMap<>();

  public EndpointsController(SimContext ctx, SimClient client, SharedInformers informers) {
    this.client = client;
    this.services = informers.of(SERVICE);
    this.pods = informers.of(GroupKind.of("", "Pod"));
    this.endpoints = informers.of(ENDPOINTS);
    this.servicePods = new ServicePods(services);
    this.events = new EventRecorder(client, "endpoint-controller", "");
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync, MAX_RETRIES);
    services.addHandler(Informer.Handler.of(service -> queue.add(ServicePods.key(service)), service -> queue.add(ServicePods.key(service))));
    endpoints.addHandler(new Informer.Handler() {
      @Override
      public void onDelete(Resource last) {
        queue.add(ServicePods.key(last));
      }
    });
    pods.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource pod) {
        servicePods.memberships(pod).forEach(queue::add);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        servicePods.servicesToUpdate(old, current).forEach(queue::add);
      }

      @Override
      public void onDelete(Resource last) {
        servicePods.memberships(last).forEach(queue::add);
      }
    });
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  /** Syncs started so far. */
  public long syncs() {
    return queue.syncs();
  }

  /** Services dropped after {@link #MAX_RETRIES} failed retries in a row. */
  public long dropped() {
    return queue.dropped();
  }

  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    String name = key.substring(slash + 1);
    Resource service = services.get(namespace, name);
    Resource current = endpoints.get(namespace, name);
    if (current != null && current.resourceVersion().equals(replaced.get(key))) {
      done.done(new IllegalStateException("endpoints informer cache is out of date, resource version "
          + current.resourceVersion() + " already processed for endpoints " + key));
      return;
    }
    if (service == null) {
      // As syncService does: the DELETE is sent whether or not the informer holds the Endpoints, so the sync that
      // follows the deletion of the Endpoints themselves costs one more request, answered 404.
      triggerTimes.remove(key);
      replaced.remove(key);
      memos.remove(key);
      client.delete(ResourceKey.namespaced("", "Endpoints", namespace, name), DeleteParams.defaults(),
          response -> done.done(response.ok() || response.error() instanceof BackendException.NotFound
              ? null : response.error()));
      return;
    }
    JsonNode selector = ServicePods.selector(service);
    if (service.spec().path("type").asText("").equals("ExternalName") || selector == null) {
      memos.remove(key);
      done.done(null);
      return;
    }
    boolean publishNotReady = service.spec().path("publishNotReadyAddresses").asBoolean(false);
    List<Resource> selected = ServicePods.selected(selector, pods.inNamespace(namespace).values());
    EndpointsMemo memo = memos.get(key);
    if (memo == null || !memo.isFor(service)) {
      memo = new EndpointsMemo(service);
      memos.put(key, memo);
    }
    memo.update(selected, pod -> contribution(service, pod, publishNotReady));
    ArrayNode subsets = memo.subsets();
    String triggerTime = triggerTimes.compute(key, service, selected);
    ObjectNode labels = labels(service);
    JsonNode stored = current == null ? null : current.json().get("subsets");
    if (current != null && Trees.equal(subsets, stored == null ? Json.array() : stored)
        && labelsEqual(current, service) && capacityAnnotationCorrect(current)) {
      done.done(null);
      return;
    }
    ObjectNode root = current == null ? newEndpoints(service) : Trees.shallowCopy(current.json());
    ObjectNode metadata = Trees.object(root, "metadata");
    metadata.set("labels", labels);
    ObjectNode annotations = Trees.object(metadata, "annotations");
    if (triggerTime != null) {
      annotations.put(TRIGGER_TIME, triggerTime);
    } else {
      annotations.remove(TRIGGER_TIME);
    }
    if (truncate(subsets)) {
      annotations.put(OVER_CAPACITY, "truncated");
    } else {
      annotations.remove(OVER_CAPACITY);
    }
    if (annotations.isEmpty()) {
      metadata.remove("annotations");
    }
    if (subsets.isEmpty()) {
      root.remove("subsets");
    } else {
      root.set("subsets", subsets);
    }
    Resource written = Resource.of(root);
    Consumer<Response<Resource>> after = response -> {
      if (response.ok() && current != null) {
        replaced.put(key, current.resourceVersion());
      }
      if (!response.ok()) {
        events.warning(written, current == null ? "FailedToCreateEndpoint" : "FailedToUpdateEndpoint",
            current == null ? "Failed to create endpoint for service " + key + ": " + response.error().getMessage()
                : "Failed to update endpoint " + key + ": " + response.error().getMessage());
      }
      done.done(response.error());
    };
    if (current == null) {
      client.create(written, after);
    } else {
      client.update(written, after);
    }
  }

  private static ObjectNode newEndpoints(Resource service) {
    ObjectNode root = Json.object();
    root.put("apiVersion", "v1");
    root.put("kind", "Endpoints");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", service.name());
    metadata.put("namespace", service.namespace());
    return root;
  }

  /** The Service's labels, with {@code service.kubernetes.io/headless} when it has no cluster IP. */
  private static ObjectNode labels(Resource service) {
    ObjectNode labels = Json.object();
    service.labels().forEach(labels::put);
    if (!hasClusterIp(service)) {
      labels.put(HEADLESS, "");
    } else {
      labels.remove(HEADLESS);
    }
    return labels;
  }

  static boolean hasClusterIp(Resource service) {
    String ip = service.spec().path("clusterIP").asText("");
    return !ip.isEmpty() && !ip.equals("None");
  }

  private static boolean labelsEqual(Resource current, Resource service) {
    Map<String, String> compare = new HashMap<>(current.labels());
    compare.remove(HEADLESS);
    return compare.equals(service.labels());
  }

  /** {@code capacityAnnotationSetCorrectly}: within capacity and without the over-capacity annotation. */
  private static boolean capacityAnnotationCorrect(Resource current) {
    int addresses = 0;
    for (JsonNode subset : current.json().path("subsets")) {
      addresses += subset.path("addresses").size() + subset.path("notReadyAddresses").size();
    }
    return addresses <= MAX_CAPACITY && !current.annotations().containsKey(OVER_CAPACITY);
  }

  /**
   * {@code addEndpointSubset} for each of the Service's ports the pod has: the pod's address and, per port, whether
   * it is ready; null when the pod has no address in the Service (terminal, being deleted, no IP of its family, or
   * a Service with ports none of which the pod has).
   */
  static EndpointsMemo.@Nullable Built contribution(Resource service, Resource pod, boolean publishNotReady) {
    if (PodConditions.isTerminal(pod) || (!publishNotReady && pod.isBeingDeleted())) {
      return null;
    }
    String ip = podIp(service, pod);
    if (ip == null) {
      return null;
    }
    ObjectNode address = Json.object();
    address.put("ip", ip);
    String hostname = pod.spec().path("hostname").asText("");
    if (!hostname.isEmpty() && pod.spec().path("subdomain").asText("").equals(service.name())) {
      address.put("hostname", hostname);
    }
    address.put("nodeName", pod.spec().path("nodeName").asText(""));
    ObjectNode ref = address.putObject("targetRef");
    ref.put("kind", "Pod");
    ref.put("namespace", pod.namespace());
    ref.put("name", pod.name());
    ref.put("uid", pod.uid());
    EndpointsMemo.Address entry = new EndpointsMemo.Address(Json.freeze(address),
        publishNotReady || PodConditions.isReady(pod));
    Map<EndpointsMemo.PortKey, EndpointsMemo.Address> ports = new TreeMap<>(EndpointsMemo.PortKey.ORDER);
    JsonNode servicePorts = service.spec().path("ports");
    if (servicePorts.isEmpty()) {
      if (service.spec().path("clusterIP").asText("").equals("None")) {
        ports.put(new EndpointsMemo.PortKey(-1, 0, null), entry);
      }
    }
    for (int i = 0; i < servicePorts.size(); i++) {
      JsonNode servicePort = servicePorts.get(i);
      Integer number = findPort(pod, servicePort);
      if (number == null) {
        continue;
      }
      ObjectNode port = Json.object();
      if (!servicePort.path("name").asText("").isEmpty()) {
        port.put("name", servicePort.path("name").asText());
      }
      port.put("port", number);
      port.put("protocol", servicePort.path("protocol").asText("TCP"));
      if (servicePort.hasNonNull("appProtocol")) {
        port.set("appProtocol", servicePort.get("appProtocol"));
      }
      ports.put(new EndpointsMemo.PortKey(i, number, Json.freeze(port)), entry);
    }
    return ports.isEmpty() ? null : new EndpointsMemo.Built(new EndpointsMemo.AddressKey(ip, pod.uid()), ports);
  }

  /**
   * The pod's IP of the Service's family ({@code spec.ipFamilies[0]}, else that of its cluster IP, else IPv4), or
   * null when it has none.
   */
  private static @Nullable String podIp(Resource service, Resource pod) {
    JsonNode families = service.spec().path("ipFamilies");
    boolean v6 = families.isArray() && !families.isEmpty() ? families.get(0).asText().equals("IPv6")
        : hasClusterIp(service) && service.spec().path("clusterIP").asText().contains(":");
    for (JsonNode entry : pod.status().path("podIPs")) {
      String ip = entry.path("ip").asText("");
      if (!ip.isEmpty() && ip.contains(":") == v6) {
        return ip;
      }
    }
    String ip = pod.status().path("podIP").asText("");
    return !ip.isEmpty() && !pod.status().path("podIPs").isArray() && ip.contains(":") == v6 ? ip : null;
  }

  /**
   * {@code podutil.FindPort}: a numeric target port as is; a named one through the containers' ports of that name
   * and the Service port's protocol, then the sidecars' (init containers with {@code restartPolicy: Always}); null
   * when the pod has none.
   */
  static @Nullable Integer findPort(Resource pod, JsonNode servicePort) {
    JsonNode target = servicePort.path("targetPort");
    if (target.isMissingNode() || target.isNull()) {
      return servicePort.path("port").asInt();
    }
    if (target.isInt()) {
      return target.asInt();
    }
    String name = target.asText();
    String protocol = servicePort.path("protocol").asText("TCP");
    Integer found = namedPort(pod.spec().path("containers"), name, protocol, false);
    return found != null ? found : namedPort(pod.spec().path("initContainers"), name, protocol, true);
  }

  /** The port of that name and protocol among the containers (only sidecars, {@code restartPolicy: Always}, if asked). */
  private static @Nullable Integer namedPort(JsonNode containers, String name, String protocol, boolean sidecarsOnly) {
    for (JsonNode container : containers) {
      if (sidecarsOnly && !container.path("restartPolicy").asText("").equals("Always")) {
        continue;
      }
      for (JsonNode port : container.path("ports")) {
        if (port.path("name").asText("").equals(name) && port.path("protocol").asText("TCP").equals(protocol)) {
          return port.path("containerPort").asInt();
        }
      }
    }
    return null;
  }

  /**
   * {@code truncateEndpoints}: keeps at most {@link #MAX_CAPACITY} addresses, ready ones first, each subset in
   * proportion to its share (rounded up, the last ones getting what is left), the lowest IPs. Whether it cut.
   */
  static boolean truncate(ArrayNode subsets) {
    int totalReady = 0;
    int total = 0;
    for (JsonNode subset : subsets) {
      totalReady += subset.path("addresses").size();
      total += subset.path("addresses").size() + subset.path("notReadyAddresses").size();
    }
    if (total <= MAX_CAPACITY) {
      return false;
    }
    boolean truncateReady = totalReady > MAX_CAPACITY;
    int max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
    int counted = truncateReady ? totalReady : total - totalReady;
    int canBeAdded = max;
    for (int i = 0; i < subsets.size(); i++) {
      ObjectNode subset = Trees.shallowCopy(subsets.get(i));
      String field = truncateReady ? "addresses" : "notReadyAddresses";
      int inSubset = subset.path(field).size();
      int toBeAdded = Math.min((int) Math.ceil((double) inSubset / counted * max), canBeAdded);
      ArrayNode kept = Json.array();
      for (int j = 0; j < Math.min(toBeAdded, inSubset); j++) {
        kept.add(subset.get(field).get(j));
      }
      if (kept.isEmpty()) {
        subset.remove(field);
      } else {
        subset.set(field, kept);
      }
      if (truncateReady) {
        subset.remove("notReadyAddresses");
      }
      canBeAdded -= kept.size();
      subsets.set(i, subset);
    }
    return true;
  }
}
