package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the EndpointSlice controller writes for one Service ({@code k8s.io/endpointslice/reconciler.go}, 1.32), as a
 * pure function of the Service, its pods, the nodes and its slices: the {@link Changes} its sync sends.
 *
 * <ul>
 *   <li>One set of slices per address type of the Service ({@code spec.ipFamilies}); slices of another type are
 *       deleted. Within a type, pods are grouped by their resolved ports ({@code getEndpointPorts}: each Service
 *       port the pod has, a named target port looked up in its containers), one group of slices per port set.
 *   <li>A pod is an endpoint once it has an IP of the type and is not terminal ({@code ShouldPodBeInEndpoints}
 *       with terminating pods included): {@code serving} is its readiness, {@code terminating} its deletion,
 *       {@code ready} is serving and not terminating (always, with {@code publishNotReadyAddresses}). It carries
 *       its node, the node's {@code topology.kubernetes.io/zone}, a {@code targetRef}, and its {@code hostname}
 *       when its {@code subdomain} is the Service's name. A pod whose node is not known is left out (and the sync
 *       fails after writing, to be retried), unless the Service publishes not-ready addresses.
 *   <li>Packing ({@code reconcileByPortMapping}): existing slices keep the endpoints still wanted, in place,
 *       updated where they changed; a slice left empty is deleted. New endpoints first fill the slices being
 *       updated anyway (fullest first) up to {@link #maxEndpointsPerSlice}; what is left goes whole into the
 *       unchanged slice it fills most closely when it fits, else into new slices. A slice whose endpoints did not
 *       change is not written, even if its trigger-time annotation is old.
 *   <li>A Service with no endpoints of a type keeps one empty placeholder slice of that type.
 *   <li>Before writing ({@code finalize}), a create and a delete of the same type become an update of the
 *       slice to be deleted (sent without a resourceVersion); then creates (none for a Service being
 *       deleted), updates and deletes, in that order.
 *   <li>Labels: the Service's, then {@code service.kubernetes.io/headless} for a Service without a cluster IP,
 *       {@code kubernetes.io/service-name} and {@code endpointslice.kubernetes.io/managed-by}. A change of the
 *       Service's labels rewrites the slices; a label someone added to a slice is removed with the next write.
 * </ul>
 *
 * Where Go iterates maps (the order new endpoints are taken in, the order of slices to update or delete), this
 * class takes the pods' order (by name) and the slices' order (by name); where Kubernetes sorts ports by a hash
 * of their Go dump, they stay in the Service's port order: the same content, another order. Topology hints
 * ({@code service.kubernetes.io/topology-mode: Auto}, {@code trafficDistribution: PreferClose}) are not
 * modelled: no slice carries hints, which is the default.
 */
final class EndpointSliceReconciler {
  static final String SERVICE_NAME = "kubernetes.io/service-name";
  static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  static final String CONTROLLER_NAME = "endpointslice-controller.k8s.io";
  static final String HEADLESS = "service.kubernetes.io/headless";
  static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
  static final String ZONE = "topology.kubernetes.io/zone";
  /** {@code --max-endpoints-per-slice}'s default. */
  static final int DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

  /** A slice to create (an object with a {@code generateName}) or update, or one to delete. */
  record Changes(List<ObjectNode> create, List<ObjectNode> update, List<Resource> delete, List<String> errors) {
    boolean isEmpty() {
      return create.isEmpty() && update.isEmpty() && delete.isEmpty();
    }
  }

  /**
   * The nodes a sync reads: by name, an epoch that moves whenever a node goes or changes its zone label (what an
   * endpoint takes from its node; other node changes, status and heartbeats, leave it), and a count of nodes
   * that appeared.
   */
  interface Nodes {
    @Nullable Resource get(String name);

    long epoch();

    long additions();

    /** Nodes that do not change while they are used. */
    static Nodes fixed(Function<String, @Nullable Resource> lookup) {
      return new Nodes() {
        @Override
        public @Nullable Resource get(String name) {
          return lookup.apply(name);
        }

        @Override
        public long epoch() {
          return 0;
        }

        @Override
        public long additions() {
          return 0;
        }
      };
    }
  }

  /** The pods a Service selects, as a sync reads them. */
  interface SelectedPods {
    /** All of them, in name order. */
    List<Resource> all();

    /** The selected pod named {@code name}, or null when there is none. */
    @Nullable Resource get(String name);

    /**
     * The names of the pods that may have changed since the last sync (created, changed, deleted, selected or no
     * longer), in name order; null when unknown (any may have).
     */
    @Nullable Collection<String> changed();

    /** A list of pods in name order, any of which may have changed. */
    static SelectedPods of(List<Resource> pods) {
      return new SelectedPods() {
        private @Nullable Map<String, Resource> byName;

        @Override
        public List<Resource> all() {
          return pods;
        }

        @Override
        public @Nullable Resource get(String name) {
          if (byName == null) {
            byName = new HashMap<>();
            pods.forEach(pod -> byName.put(pod.name(), pod));
          }
          return byName.get(name);
        }

        @Override
        public @Nullable Collection<String> changed() {
          return null;
        }
      };
    }
  }


  private final int maxEndpointsPerSlice;

  EndpointSliceReconciler(int maxEndpointsPerSlice) {
    this.maxEndpointsPerSlice = maxEndpointsPerSlice;
  }

  /** {@link #reconcile(Resource, SelectedPods, List, Nodes, EndpointSliceMemo)} from scratch, on nodes that do not change. */
  Changes reconcile(Resource service, List<Resource> pods, List<Resource> existing,
      Function<String, @Nullable Resource> nodes) {
    return reconcile(service, SelectedPods.of(pods), existing, Nodes.fixed(nodes), new EndpointSliceMemo());
  }

  /**
   * The changes for {@code service} ({@code Reconcile}), whose selected pods are {@code pods} and whose slices
   * (managed by the controller, not being deleted) are {@code existing}; {@code nodes} finds a node by name.
   */
  Changes reconcile(Resource service, SelectedPods pods, List<Resource> existing, Nodes nodes, EndpointSliceMemo memo) {
    memo.begin(service);
    List<String> types = addressTypes(service);
    List<ObjectNode> create = new ArrayList<>();
    List<ObjectNode> update = new ArrayList<>();
    List<Resource> delete = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Map<String, List<Resource>> byType = new LinkedHashMap<>();
    List<Resource> otherTypes = new ArrayList<>();
    for (Resource slice : existing) {
      String type = slice.json().path("addressType").asText("");
      if (types.contains(type)) {
        byType.computeIfAbsent(type, t -> new ArrayList<>()).add(slice);
      } else {
        otherTypes.add(slice);
      }
    }
    delete.addAll(otherTypes);
    for (String type : types) {
      Changes forType = reconcileByAddressType(service, pods, byType.getOrDefault(type, List.of()), type, nodes,
          memo);
      create.addAll(forType.create());
      update.addAll(forType.update());
      delete.addAll(forType.delete());
      errors.addAll(forType.errors());
    }
    memo.end();
    return new Changes(create, update, delete, errors);
  }

  /** {@code getAddressTypesForService}: the Service's IP families, else its cluster IP's, else both (headless). */
  static List<String> addressTypes(Resource service) {
    List<String> out = new ArrayList<>();
    for (JsonNode family : service.spec().path("ipFamilies")) {
      String type = family.asText();
      if ((type.equals("IPv4") || type.equals("IPv6")) && !out.contains(type)) {
        out.add(type);
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    if (EndpointsController.hasClusterIp(service)) {
      return List.of(service.spec().path("clusterIP").asText().contains(":") ? "IPv6" : "IPv4");
    }
    return List.of("IPv4", "IPv6");
  }

  private Changes reconcileByAddressType(Resource service, SelectedPods pods, List<Resource> existing,
      String addressType, Nodes nodes, EndpointSliceMemo memo) {
    List<ObjectNode> create = new ArrayList<>();
    List<ObjectNode> update = new ArrayList<>();
    List<Resource> delete = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Map<String, List<Resource>> existingByPorts = new LinkedHashMap<>();
    for (Resource slice : existing) {
      if (ownedBy(slice, service)) {
        existingByPorts.computeIfAbsent(portsKey(slice.json().path("ports")), k -> new ArrayList<>()).add(slice);
      } else {
        delete.add(slice);
      }
    }
    boolean publishNotReady = service.spec().path("publishNotReadyAddresses").asBoolean(false);
    memo.pendingType = addressType;
    memo.pendingEpoch = nodes.epoch();
    memo.pendingAdditions = nodes.additions();
    if (delete.isEmpty() && memo.snapshot != null && memo.snapshot.addressType.equals(addressType)
        && existingByPorts.size() == 1 && existingByPorts.containsKey(memo.snapshot.portsKey)) {
      LinkedHashMap<String, JsonNode> desired = new LinkedHashMap<>();
      EndpointSliceMemo.Patch patch = patch(service, pods, existing, addressType, nodes, memo, publishNotReady, desired);
      if (patch != null) {
        memo.pendingPatch = patch;
        JsonNode ports = existing.get(0).json().path("ports");
        byPortMapping(service, existing, desired, ports instanceof ArrayNode array ? array : Json.array(),
            addressType, memo, patch, create, update, delete);
        placeholder(service, existing, addressType, create, delete);
        return new Changes(create, update, delete, errors);
      }
    }
    Map<String, ArrayNode> portsByKey = new LinkedHashMap<>();
    Map<String, LinkedHashMap<String, JsonNode>> desiredByPorts = new LinkedHashMap<>();
    Map<String, EndpointSliceMemo.PodEntry> listed = new HashMap<>();
    for (Resource pod : pods.all()) {
      if (PodConditions.isTerminal(pod) || !hasIp(pod)) {
        continue;
      }
      EndpointSliceMemo.PodEntry entry = memo.endpoint(pod, nodes, service, addressType);
      portsByKey.putIfAbsent(entry.portsKey, entry.ports);
      LinkedHashMap<String, JsonNode> desired =
          desiredByPorts.computeIfAbsent(entry.portsKey, k -> new LinkedHashMap<>());
      if (entry.node == null && !publishNotReady) {
        errors.add("skipping Pod " + pod.name() + " for Service " + service.namespace() + "/" + service.name()
            + ": Node " + pod.spec().path("nodeName").asText("") + " Not Found");
        continue;
      }
      if (entry.hasAddresses) {
        desired.put(entry.identity, entry.endpoint);
        listed.put(pod.name(), entry);
      }
    }
    memo.pendingEntries = listed;
    for (Map.Entry<String, LinkedHashMap<String, JsonNode>> entry : desiredByPorts.entrySet()) {
      byPortMapping(service, existingByPorts.getOrDefault(entry.getKey(), List.of()), entry.getValue(),
          portsByKey.get(entry.getKey()), addressType, memo, null, create, update, delete);
    }
    for (Map.Entry<String, List<Resource>> entry : existingByPorts.entrySet()) {
      if (!desiredByPorts.containsKey(entry.getKey())) {
        delete.addAll(entry.getValue());
      }
    }
    placeholder(service, existing, addressType, create, delete);
    return new Changes(create, update, delete, errors);
  }

  /** A Service with no endpoints of a type keeps (or gets) one empty placeholder slice of it. */
  private static void placeholder(Resource service, List<Resource> existing, String addressType,
      List<ObjectNode> create, List<Resource> delete) {
    if (existing.size() == delete.size() && create.isEmpty()) {
      ObjectNode placeholder = newSlice(service, null, addressType);
      if (delete.size() == 1 && samePlaceholder(delete.get(0), placeholder)) {
        delete.clear();
      } else {
        create.add(placeholder);
      }
    }
  }

  /**
   * A sync that starts from the memo's snapshot, when {@code existing} are exactly its slices and the nodes'
   * epoch is the same: only the pods the controller saw change since ({@link SelectedPods#changed}) are looked at
   * ({@code desired} gets their endpoints, in name order, which is pod order), and only the slices that listed them
   * are opened. The result is the one {@code reconcileByPortMapping} gives from scratch: every other pod is the
   * same object, listed as wanted in exactly one slice already. Null when the sync must start from scratch
   * instead: no snapshot, the changes unknown, the slices not the snapshot's (another writer, a lagging
   * informer), or a changed pod with another port set or an unknown node (an error the full sync reports).
   */
  private static EndpointSliceMemo.@Nullable Patch patch(Resource service, SelectedPods pods, List<Resource> existing,
      String addressType, Nodes nodes, EndpointSliceMemo memo, boolean publishNotReady, LinkedHashMap<String, JsonNode> desired) {
    EndpointSliceMemo.Snapshot snapshot = memo.snapshot;
    if (snapshot == null || existing.size() != snapshot.versions.size() || nodes.epoch() != snapshot.nodeEpoch
        || snapshot.nodeMissing && nodes.additions() != snapshot.nodeAdditions) {
      return null;
    }
    for (Resource slice : existing) {
      if (!slice.resourceVersion().equals(snapshot.versions.get(slice.uid()))) {
        return null;
      }
    }
    Collection<String> changed = pods.changed();
    if (changed == null) {
      return null;
    }
    EndpointSliceMemo.Patch patch = new EndpointSliceMemo.Patch();
    for (String name : changed) {
      Resource pod = pods.get(name);
      EndpointSliceMemo.PodEntry before = snapshot.entries.get(name);
      if (pod == null || PodConditions.isTerminal(pod) || !hasIp(pod)) {
        if (before != null) {
          patch.touched.add(name);
        }
        continue;
      }
      EndpointSliceMemo.PodEntry entry = memo.endpoint(pod, nodes, service, addressType);
      if (entry == before) {
        continue;
      }
      if (entry.node == null && !publishNotReady || !entry.portsKey.equals(snapshot.portsKey)) {
        return null;
      }
      patch.touched.add(name);
      patch.changed.put(name, entry);
      if (entry.hasAddresses) {
        desired.put(entry.identity, entry.endpoint);
      }
    }
    for (String name : patch.touched) {
      String uid = snapshot.location.get(name);
      if (uid != null) {
        patch.affected.add(uid);
      }
    }
    return patch;
  }

  /** {@code reconcileByPortMapping}: adds to the changes what one port set's slices need. */
  private void byPortMapping(Resource service, List<Resource> existing, LinkedHashMap<String, JsonNode> desired,
      ArrayNode ports, String addressType, EndpointSliceMemo memo, EndpointSliceMemo.@Nullable Patch patch, List<ObjectNode> create,
      List<ObjectNode> update, List<Resource> delete) {
    Map<String, ObjectNode> byName = new LinkedHashMap<>();
    Set<String> unchanged = new LinkedHashSet<>();
    Set<String> toUpdate = new LinkedHashSet<>();
    for (Resource slice : existing) {
      if (patch != null && !patch.affected.contains(slice.uid())) {
        // It lists untouched pods only, each as wanted, and its labels are the Service's already.
        byName.put(slice.name(), (ObjectNode) slice.json());
        unchanged.add(slice.name());
        continue;
      }
      ArrayNode kept = Json.array();
      boolean endpointUpdated = false;
      JsonNode endpoints = slice.json().path("endpoints");
      List<String> identities = memo.identities(slice);
      for (int i = 0; i < endpoints.size(); i++) {
        JsonNode endpoint = endpoints.get(i);
        String identity = identities.get(i);
        JsonNode wanted = desired.remove(identity);
        if (wanted == null && patch != null && patch.stable(identity)) {
          wanted = endpoint;
        }
        if (wanted != null) {
          kept.add(wanted);
          endpointUpdated |= !equalBeyondIdentity(wanted, endpoint);
        }
      }
      Map<String, String> labels = new TreeMap<>();
      boolean labelsChanged = labels(slice.labels(), service, labels);
      if (endpointUpdated || endpoints.size() != kept.size()) {
        if (kept.isEmpty()) {
          delete.add(slice);
        } else {
          ObjectNode copy = Trees.shallowCopy(slice.json());
          copy.set("endpoints", kept);
          setLabels(copy, labels);
          byName.put(slice.name(), copy);
          toUpdate.add(slice.name());
        }
      } else if (labelsChanged) {
        ObjectNode copy = Trees.shallowCopy(slice.json());
        copy.set("endpoints", endpointsCopy(copy));
        setLabels(copy, labels);
        byName.put(slice.name(), copy);
        toUpdate.add(slice.name());
      } else {
        byName.put(slice.name(), (ObjectNode) slice.json());
        unchanged.add(slice.name());
      }
    }
    Iterator<JsonNode> remaining = desired.values().iterator();
    int left = desired.size();
    if (left > 0 && !toUpdate.isEmpty()) {
      List<ObjectNode> fullestFirst = new ArrayList<>();
      toUpdate.forEach(name -> fullestFirst.add(byName.get(name)));
      fullestFirst.sort(Comparator.comparingInt((ObjectNode slice) -> slice.path("endpoints").size()).reversed());
      for (ObjectNode slice : fullestFirst) {
        left = fill(slice, remaining, left);
      }
    }
    while (left > 0) {
      ObjectNode target = null;
      if (left < maxEndpointsPerSlice && !unchanged.isEmpty()) {
        String closest = sliceToFill(unchanged, byName, left);
        if (closest != null) {
          target = Trees.shallowCopy(byName.get(closest));
          target.set("endpoints", endpointsCopy(target));
          byName.put(closest, target);
          toUpdate.add(closest);
          unchanged.remove(closest);
        }
      }
      if (target == null) {
        target = newSlice(service, ports, addressType);
        create.add(target);
      }
      left = fill(target, remaining, left);
    }
    toUpdate.forEach(name -> update.add(byName.get(name)));
  }

  private int fill(ObjectNode slice, Iterator<JsonNode> remaining, int left) {
    ArrayNode endpoints = slice.get("endpoints") instanceof ArrayNode array ? array : slice.putArray("endpoints");
    while (left > 0 && endpoints.size() < maxEndpointsPerSlice) {
      endpoints.add(remaining.next());
      left--;
    }
    return left;
  }

  private static ArrayNode endpointsCopy(ObjectNode slice) {
    ArrayNode copy = Json.array();
    slice.path("endpoints").forEach(copy::add);
    return copy;
  }

  /** {@code getSliceToFill}: the unchanged slice that {@code count} more endpoints fill most closely, if any fits. */
  private @Nullable String sliceToFill(Set<String> unchanged, Map<String, ObjectNode> byName, int count) {
    int closestDiff = maxEndpointsPerSlice;
    String closest = null;
    for (String name : unchanged) {
      int diff = maxEndpointsPerSlice - (count + byName.get(name).path("endpoints").size());
      if (diff >= 0 && diff < closestDiff) {
        closestDiff = diff;
        closest = name;
        if (diff == 0) {
          break;
        }
      }
    }
    return closest;
  }

  /**
   * {@code newEndpointSlice}: {@code generateName: <service>-}, the Service as controller owner, the labels, the
   * ports ({@code null} for none, as a Go client's empty list reads back) and no endpoints yet.
   */
  private static ObjectNode newSlice(Resource service, @Nullable ArrayNode ports, String addressType) {
    ObjectNode slice = Json.object();
    slice.put("apiVersion", "discovery.k8s.io/v1");
    slice.put("kind", "EndpointSlice");
    ObjectNode metadata = slice.putObject("metadata");
    metadata.put("generateName", service.name() + "-");
    metadata.put("namespace", service.namespace());
    metadata.putArray("ownerReferences").add(Revisions.controllerRef(service));
    Map<String, String> labels = new TreeMap<>();
    labels(Map.of(), service, labels);
    setLabels(slice, labels);
    slice.put("addressType", addressType);
    slice.set("endpoints", NullNode.getInstance());
    slice.set("ports", ports == null || ports.isEmpty() ? NullNode.getInstance() : ports);
    return slice;
  }

  /**
   * {@code placeholderSliceCompare.DeepEqual} with the name, generateName and annotations left out: the same
   * namespace, labels, owner, address type, and no ports and no endpoints.
   */
  private static boolean samePlaceholder(Resource slice, ObjectNode placeholder) {
    JsonNode metadata = placeholder.path("metadata");
    return slice.namespace().equals(metadata.path("namespace").asText())
        && slice.labels().equals(stringMap(metadata.path("labels")))
        && Trees.equal(slice.metadata().path("ownerReferences"), metadata.path("ownerReferences"))
        && slice.json().path("addressType").asText("").equals(placeholder.path("addressType").asText())
        && slice.json().path("endpoints").isEmpty() && slice.json().path("ports").isEmpty();
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    object.properties().forEach(entry -> out.put(entry.getKey(), entry.getValue().asText()));
    return out;
  }

  /**
   * {@code setEndpointSliceLabels}: fills {@code out} with the labels a slice of {@code service} must have, and
   * answers whether the slice's own ones ({@code current}, the reserved keys left out) differ from the Service's.
   */
  private static boolean labels(Map<String, String> current, Resource service, Map<String, String> out) {
    Map<String, String> sliceLabels = new TreeMap<>(current);
    sliceLabels.keySet().removeIf(EndpointSliceReconciler::reserved);
    service.labels().forEach((key, value) -> {
      if (!reserved(key)) {
        out.put(key, value);
      }
    });
    boolean changed = !sliceLabels.equals(out);
    if (!EndpointsController.hasClusterIp(service)) {
      out.put(HEADLESS, "");
    }
    out.put(SERVICE_NAME, service.name());
    out.put(MANAGED_BY, CONTROLLER_NAME);
    return changed;
  }

  private static boolean reserved(String key) {
    return key.equals(SERVICE_NAME) || key.equals(MANAGED_BY) || key.equals(HEADLESS);
  }

  private static void setLabels(ObjectNode slice, Map<String, String> labels) {
    ObjectNode metadata = Trees.shallowCopy(slice.path("metadata"));
    ObjectNode node = metadata.putObject("labels");
    labels.forEach(node::put);
    slice.set("metadata", metadata);
  }

  /** {@code ownedBy}: an owner reference to this Service ({@code v1}, by uid). */
  static boolean ownedBy(Resource slice, Resource service) {
    for (OwnerReference ref : slice.ownerReferences()) {
      if (Objects.equals(ref.uid(), service.uid()) && ref.kind().equals("Service") && ref.apiVersion().equals("v1")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasIp(Resource pod) {
    return !pod.status().path("podIP").asText("").isEmpty() || !pod.status().path("podIPs").isEmpty();
  }

  /**
   * {@code getEndpointPorts}: each Service port the pod has ({@link EndpointsController#findPort}), with the Service
   * port's name (possibly empty), protocol and {@code appProtocol}; none for a headless Service without ports.
   */
  static ArrayNode endpointPorts(Resource service, Resource pod) {
    ArrayNode out = Json.array();
    JsonNode ports = service.spec().path("ports");
    if (ports.isEmpty() && service.spec().path("clusterIP").asText("").equals("None")) {
      return out;
    }
    for (JsonNode servicePort : ports) {
      Integer number = EndpointsController.findPort(pod, servicePort);
      if (number == null) {
        continue;
      }
      ObjectNode port = out.addObject();
      port.put("name", servicePort.path("name").asText(""));
      port.put("protocol", servicePort.path("protocol").asText("TCP"));
      port.put("port", number);
      if (servicePort.hasNonNull("appProtocol")) {
        port.set("appProtocol", servicePort.get("appProtocol"));
      }
    }
    return out;
  }

  /** The port set's key ({@code NewPortMapKey}): its ports as they are compared. */
  static String portsKey(JsonNode ports) {
    StringBuilder key = new StringBuilder();
    for (JsonNode port : ports) {
      key.append(port.path("name").asText("")).append('/').append(port.path("protocol").asText("TCP")).append('/')
          .append(port.path("port").asText("")).append('/').append(port.path("appProtocol").asText("")).append(';');
    }
    return key.toString();
  }

  /** {@code podToEndpoint}. */
  static ObjectNode podToEndpoint(Resource pod, @Nullable Resource node, Resource service, String addressType) {
    boolean serving = PodConditions.isReady(pod);
    boolean terminating = pod.isBeingDeleted();
    boolean ready = service.spec().path("publishNotReadyAddresses").asBoolean(false) || serving && !terminating;
    ObjectNode endpoint = Json.object();
    ArrayNode addresses = endpoint.putArray("addresses");
    boolean v6 = addressType.equals("IPv6");
    for (JsonNode entry : pod.status().path("podIPs")) {
      String ip = entry.path("ip").asText("");
      if (!ip.isEmpty() && ip.contains(":") == v6) {
        addresses.add(ip);
      }
    }
    endpoint.putObject("conditions").put("ready", ready).put("serving", serving).put("terminating", terminating);
    String hostname = pod.spec().path("hostname").asText("");
    if (!hostname.isEmpty() && pod.spec().path("subdomain").asText("").equals(service.name())
        && pod.namespace().equals(service.namespace())) {
      endpoint.put("hostname", hostname);
    }
    ObjectNode ref = endpoint.putObject("targetRef");
    ref.put("kind", "Pod");
    ref.put("namespace", pod.namespace());
    ref.put("name", pod.name());
    ref.put("uid", pod.uid());
    String nodeName = pod.spec().path("nodeName").asText("");
    if (!nodeName.isEmpty()) {
      endpoint.put("nodeName", nodeName);
    }
    String zone = node == null ? "" : node.labels().getOrDefault(ZONE, "");
    if (!zone.isEmpty()) {
      endpoint.put("zone", zone);
    }
    return endpoint;
  }

  /** The name of the pod whose endpoint has {@code identity} (its target's name, after the last slash). */
  static String podOf(String identity) {
    return identity.substring(identity.lastIndexOf('/') + 1);
  }

  /** The endpoint's identity ({@code hashEndpoint}): its sorted addresses, hostname and target's name. */
  static String identity(JsonNode endpoint) {
    List<String> addresses = new ArrayList<>();
    endpoint.path("addresses").forEach(a -> addresses.add(a.asText()));
    addresses.sort(null);
    JsonNode ref = endpoint.path("targetRef");
    return String.join(",", addresses) + "|" + endpoint.path("hostname").asText("") + "|"
        + ref.path("namespace").asText("") + "/" + ref.path("name").asText("");
  }

  /** {@code EndpointsEqualBeyondHash}: node, zone, conditions and target (its resourceVersion aside). */
  private static boolean equalBeyondIdentity(JsonNode a, JsonNode b) {
    if (a == b) {
      return true;
    }
    return Trees.equal(a.path("nodeName"), b.path("nodeName")) && Trees.equal(a.path("zone"), b.path("zone"))
        && Trees.equal(a.path("conditions"), b.path("conditions"))
        && Trees.equal(withoutVersion(a.path("targetRef")), withoutVersion(b.path("targetRef")));
  }

  private static JsonNode withoutVersion(JsonNode ref) {
    if (!ref.has("resourceVersion")) {
      return ref;
    }
    ObjectNode copy = Trees.shallowCopy(ref);
    copy.remove("resourceVersion");
    return copy;
  }
}
