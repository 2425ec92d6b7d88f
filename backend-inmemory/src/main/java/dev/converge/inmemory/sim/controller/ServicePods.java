package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.runtime.Informer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which Services select a pod, as the endpoints and EndpointSlice controllers ask it ({@code
 * k8s.io/endpointslice/util}: {@code GetPodServiceMemberships}, {@code GetServicesToUpdateOnPodChange}, {@code
 * podEndpointsChanged}). A Service selects with its {@code spec.selector}; a missing or empty one selects
 * nothing (etcd's protobuf encoding does not keep an empty map, so the stored Service has a nil selector).
 */
final class ServicePods {
  private final Informer services;

  ServicePods(Informer services) {
    this.services = services;
  }

  /** {@code namespace/name}, the key both controllers queue. */
  static String key(Resource object) {
    return object.namespace() + "/" + object.name();
  }

  /** The Service's selector, or null when it has none (missing or empty). */
  static @Nullable JsonNode selector(Resource service) {
    JsonNode selector = service.spec().get("selector");
    return selector != null && selector.isObject() && !selector.isEmpty() ? selector : null;
  }

  static boolean matches(JsonNode selector, Resource pod) {
    Map<String, String> labels = pod.labels();
    for (Map.Entry<String, JsonNode> entry : selector.properties()) {
      if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The pods of {@code pods} (one namespace's) that {@code selector} selects, in their order. */
  static List<Resource> selected(JsonNode selector, Iterable<Resource> pods) {
    List<Resource> out = new ArrayList<>();
    for (Resource pod : pods) {
      if (matches(selector, pod)) {
        out.add(pod);
      }
    }
    return out;
  }

  /** {@code GetPodServiceMemberships}: the keys of the Services in the pod's namespace whose selector matches it. */
  Set<String> memberships(Resource pod) {
    Set<String> keys = new LinkedHashSet<>();
    for (Resource service : services.inNamespace(pod.namespace()).values()) {
      JsonNode selector = selector(service);
      if (selector != null && matches(selector, pod)) {
        keys.add(key(service));
      }
    }
    return keys;
  }

  /**
   * {@code GetServicesToUpdateOnPodChange}: nothing for a resync (same resourceVersion) or a change that neither
   * moves the pod's endpoint (deletion, readiness, IPs) nor its labels, hostname or subdomain; else the Services
   * selecting it now, and when its labels changed the ones it left too (only those it joined or left, when
   * nothing else changed).
   */
  Set<String> servicesToUpdate(Resource old, Resource current) {
    if (Objects.equals(old.resourceVersion(), current.resourceVersion())) {
      return Set.of();
    }
    boolean podChanged = old.isBeingDeleted() != current.isBeingDeleted()
        || !Objects.equals(old.metadata().get("deletionTimestamp"), current.metadata().get("deletionTimestamp"))
        || PodConditions.isReady(old) != PodConditions.isReady(current)
        || !old.status().path("podIPs").equals(current.status().path("podIPs"));
    boolean labelsChanged = !old.labels().equals(current.labels())
        || !old.spec().path("hostname").equals(current.spec().path("hostname"))
        || !old.spec().path("subdomain").equals(current.spec().path("subdomain"));
    if (!podChanged && !labelsChanged) {
      return Set.of();
    }
    Set<String> now = memberships(current);
    if (!labelsChanged) {
      return now;
    }
    Set<String> before = memberships(old);
    Set<String> out = new LinkedHashSet<>();
    if (podChanged) {
      out.addAll(before);
      out.addAll(now);
      return out;
    }
    // Only the labels changed: the Services the pod joined or left.
    now.stream().filter(k -> !before.contains(k)).forEach(out::add);
    before.stream().filter(k -> !now.contains(k)).forEach(out::add);
    return out;
  }
}
