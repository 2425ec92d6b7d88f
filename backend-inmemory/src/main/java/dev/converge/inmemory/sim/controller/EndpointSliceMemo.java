package dev.converge.inmemory.sim.controller;

import static dev.converge.inmemory.sim.controller.EndpointSliceReconciler.endpointPorts;
import static dev.converge.inmemory.sim.controller.EndpointSliceReconciler.identity;
import static dev.converge.inmemory.sim.controller.EndpointSliceReconciler.podOf;
import static dev.converge.inmemory.sim.controller.EndpointSliceReconciler.podToEndpoint;
import static dev.converge.inmemory.sim.controller.EndpointSliceReconciler.portsKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What earlier syncs of one Service computed: each pod's endpoint and port set, and each slice's endpoint
 * identities, kept while the pod, the nodes' epoch, the Service and the slice are the very objects they were
 * computed from (an informer replaces an object it updates). A sync recomputes only what changed since the last
 * one, where Kubernetes rebuilds every endpoint on every sync: the same result, without a Service of thousands
 * of pods costing thousands of endpoint builds per pod change. Entries a sync did not use are dropped once they
 * outnumber the used ones.
 *
 * <p>After a sync that wrote all it meant to, it also keeps a {@link Snapshot} of the Service's slices; the next
 * sync starts from it ({@link EndpointSliceReconciler}'s patch) when the slices are still exactly those, reading
 * only the pods {@link #dirty} names. The controller marks a pod dirty on every new version of it, and commits or
 * invalidates after its writes. One memo per Service, used by one sync at a time.
 */
final class EndpointSliceMemo {
  static final class PodEntry {
    final Resource pod;
    final @Nullable Resource node;
    final JsonNode endpoint;
    final String identity;
    final ArrayNode ports;
    final String portsKey;
    final boolean hasAddresses;
    long nodeEpoch;
    long stamp;

    PodEntry(Resource pod, @Nullable Resource node, long nodeEpoch, JsonNode endpoint, ArrayNode ports) {
      this.pod = pod;
      this.node = node;
      this.nodeEpoch = nodeEpoch;
      this.endpoint = endpoint;
      this.identity = identity(endpoint);
      this.ports = ports;
      this.portsKey = portsKey(ports);
      this.hasAddresses = !endpoint.path("addresses").isEmpty();
    }
  }

  /**
   * The Service's slices right after a sync that wrote all it meant to and found no error: their versions, the
   * entry of every pod they list, and which slice lists it. Its own writes coming back, the next sync finds
   * exactly these slices and can start from them.
   */
  static final class Snapshot {
    final String addressType;
    final String portsKey;
    final Map<String, String> versions = new HashMap<>();
    final Map<String, PodEntry> entries = new HashMap<>();
    final Map<String, String> location = new HashMap<>();
    long nodeEpoch;
    long nodeAdditions;
    /** Whether an endpoint listed has no node (a Service publishing not-ready addresses): a new node may be it. */
    boolean nodeMissing;

    Snapshot(String addressType, String portsKey) {
      this.addressType = addressType;
      this.portsKey = portsKey;
    }
  }

  /** What a sync started from a snapshot changed: pods changed, gone, and the slices that listed them. */
  static final class Patch {
    final Set<String> touched = new HashSet<>();
    final Set<String> affected = new HashSet<>();
    final Map<String, PodEntry> changed = new HashMap<>();

    /** Whether the endpoint {@code identity} is an untouched pod's, whose slice lists it as it should. */
    boolean stable(String identity) {
      return !touched.contains(podOf(identity));
    }
  }

  @Nullable Snapshot snapshot;
  /** Pods that changed since the last sync began (their names), as the controller's pod handler saw them. */
  private TreeSet<String> dirty = new TreeSet<>();
  /** What the sync in progress computed: a patch, or (from scratch) the entries of the pods it listed. */
  @Nullable Patch pendingPatch;
  @Nullable Map<String, PodEntry> pendingEntries;
  @Nullable String pendingType;
  long pendingEpoch;
  long pendingAdditions;

  private static final class SliceEntry {
    final Resource slice;
    final List<String> identities;
    long stamp;

    SliceEntry(Resource slice, List<String> identities) {
      this.slice = slice;
      this.identities = identities;
    }
  }

  @Nullable Resource service;
  /** Per address type, per pod name. */
  private final Map<String, Map<String, PodEntry>> pods = new HashMap<>();
  private final Map<String, SliceEntry> slices = new HashMap<>();
  long stamp;
  private int usedPods;
  private int usedSlices;

  /** Starts a sync of {@code current}: what was computed for another state of the Service is dropped. */
  void begin(Resource current) {
    if (service != current) {
      pods.clear();
      slices.clear();
      snapshot = null;
      service = current;
    }
    pendingPatch = null;
    pendingEntries = null;
    pendingType = null;
    stamp++;
    usedPods = 0;
    usedSlices = 0;
  }

  /**
   * Ends a sync: after one from scratch (which used every live pod and slice), entries it did not use go once they
   * outnumber the used ones. A patch uses only what changed, so it sweeps nothing.
   */
  void end() {
    if (pendingPatch != null) {
      return;
    }
    int total = 0;
    for (Map<String, PodEntry> ofType : pods.values()) {
      total += ofType.size();
    }
    if (total > 2 * usedPods + 16) {
      pods.values().forEach(ofType -> ofType.values().removeIf(entry -> entry.stamp != stamp));
    }
    if (slices.size() > 2 * usedSlices + 16) {
      slices.values().removeIf(entry -> entry.stamp != stamp);
    }
  }

  PodEntry endpoint(Resource pod, EndpointSliceReconciler.Nodes nodes, Resource service, String addressType) {
    Map<String, PodEntry> ofType = pods.computeIfAbsent(addressType, t -> new HashMap<>());
    PodEntry entry = ofType.get(pod.name());
    long epoch = nodes.epoch();
    // A pod whose node was missing is looked at again: the node may have appeared since.
    if (entry == null || entry.pod != pod || entry.nodeEpoch != epoch || entry.node == null) {
      Resource node = nodes.get(pod.spec().path("nodeName").asText(""));
      if (entry != null && entry.pod == pod && entry.node == node) {
        entry.nodeEpoch = epoch;
      } else {
        entry = new PodEntry(pod, node, epoch, Json.freeze(podToEndpoint(pod, node, service, addressType)),
            endpointPorts(service, pod));
        ofType.put(pod.name(), entry);
      }
    }
    entry.stamp = stamp;
    usedPods++;
    return entry;
  }

  /**
   * The sync's writes all succeeded and it found no error: {@code slices} are the Service's slices now (the ones
   * it left and the server's answers to its writes). The next sync may start from them.
   */
  void commit(List<Resource> slices) {
    Snapshot previous = snapshot;
    long epoch = pendingEpoch;
    snapshot = null;
    String type = pendingType;
    if (type == null || slices.isEmpty()) {
      return;
    }
    String key = portsKey(slices.get(0).json().path("ports"));
    Snapshot next;
    if (pendingPatch != null && previous != null) {
      next = previous;
      Patch patch = pendingPatch;
      for (String name : patch.touched) {
        next.entries.remove(name);
        next.location.remove(name);
      }
      patch.changed.forEach((name, entry) -> {
        if (entry.hasAddresses) {
          next.entries.put(name, entry);
        }
      });
      Map<String, String> before = new HashMap<>(next.versions);
      next.versions.clear();
      for (Resource slice : slices) {
        next.versions.put(slice.uid(), slice.resourceVersion());
        // The slices this sync opened or wrote (or created) list the touched pods that stay.
        if (patch.affected.contains(slice.uid()) || !slice.resourceVersion().equals(before.get(slice.uid()))) {
          for (String identity : identities(slice)) {
            next.location.put(podOf(identity), slice.uid());
          }
        }
      }
    } else if (pendingEntries != null) {
      next = new Snapshot(type, key);
      next.entries.putAll(pendingEntries);
      for (Resource slice : slices) {
        next.versions.put(slice.uid(), slice.resourceVersion());
        for (String identity : identities(slice)) {
          next.location.put(podOf(identity), slice.uid());
        }
      }
    } else {
      return;
    }
    // Only a Service whose slices are all of one type and port set, each listed pod in exactly one of them.
    for (Resource slice : slices) {
      if (!slice.json().path("addressType").asText("").equals(type)
          || !portsKey(slice.json().path("ports")).equals(key)) {
        return;
      }
    }
    // Each listed pod in exactly one slice (counted after a patch, checked whole after a sync from scratch).
    if (!key.equals(next.portsKey) || next.location.size() != next.entries.size()
        || pendingPatch == null && !next.location.keySet().equals(next.entries.keySet())) {
      return;
    }
    next.nodeEpoch = epoch;
    next.nodeAdditions = pendingAdditions;
    next.nodeMissing = next.entries.values().stream().anyMatch(entry -> entry.node == null);
    snapshot = next;
  }

  /** Pod {@code name} changed (was created, updated, deleted, selected or no longer). */
  void dirty(String name) {
    dirty.add(name);
  }

  /** The pods that changed since the last call, in name order; those changing from now on are the next call's. */
  TreeSet<String> takeDirty() {
    TreeSet<String> taken = dirty;
    dirty = new TreeSet<>();
    return taken;
  }

  /** Whether the last sync started from the snapshot. */
  boolean patched() {
    return pendingPatch != null;
  }

  /** A write failed or the sync found an error: the next sync starts from scratch. */
  void invalidate() {
    snapshot = null;
  }

  List<String> identities(Resource slice) {
    SliceEntry entry = slices.get(slice.uid());
    if (entry == null || entry.slice != slice) {
      List<String> identities = new ArrayList<>();
      slice.json().path("endpoints").forEach(endpoint -> identities.add(identity(endpoint)));
      entry = new SliceEntry(slice, identities);
      slices.put(slice.uid(), entry);
    }
    entry.stamp = stamp;
    usedSlices++;
    return entry.identities;
  }
}
