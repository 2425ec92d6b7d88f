package dev.converge.inmemory.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.node.DelayRange;
import dev.converge.inmemory.sim.node.KubeletConfig;
import dev.converge.inmemory.sim.node.PodStartup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Helpers for simulation scenarios: fixed delays, objects, and reads of the store that make no request. */
final class SimTesting {
  static final GroupKind DAEMON_SET = GroupKind.of("apps", "DaemonSet");
  static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  static final GroupKind REPLICA_SET = GroupKind.of("apps", "ReplicaSet");
  static final GroupKind POD = GroupKind.of("", "Pod");
  static final GroupKind NODE = GroupKind.of("", "Node");
  static final GroupKind EVENT = GroupKind.of("", "Event");

  private SimTesting() {}

  /** Pulls take exactly 3 s, containers start 1 s later, stops take 1 s; nodes all register at time 0. */
  static KubeletConfig fixedKubelet() {
    PodStartup startup = PodStartup.defaults()
        .withDefaultPull(DelayRange.fixed(Duration.ofSeconds(3)))
        .withContainerStart(DelayRange.fixed(Duration.ofSeconds(1)))
        .withStop(DelayRange.fixed(Duration.ofSeconds(1)));
    return KubeletConfig.defaults().withStartup(startup).withRegistrationWindow(Duration.ZERO);
  }

  /** A DaemonSet {@code name} in {@code default}; {@code spec} and {@code podSpec} add fields (leading commas). */
  static String daemonSet(String name, String spec, String podSpec) {
    return """
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"%s","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"%s"}}%s,
                 "template":{"metadata":{"labels":{"app":"%s"}},
                             "spec":{"containers":[{"name":"main","image":"%s:1"}]%s}}}}"""
        .formatted(name, name, spec, name, name, podSpec);
  }

  static String deployment(String name, int replicas, String image) {
    return """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","namespace":"default"},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"%s"}},
                 "template":{"metadata":{"labels":{"app":"%s"}},
                             "spec":{"containers":[{"name":"main","image":"%s"}]}}}}"""
        .formatted(name, replicas, name, name, image);
  }

  static Resource get(Simulation sim, GroupKind kind, String namespace, String name) {
    return sim.server().cache().get(kind, namespace, name);
  }

  static JsonNode dsStatus(Simulation sim, String name) {
    Resource ds = get(sim, DAEMON_SET, "default", name);
    return ds == null ? dev.converge.api.Json.object() : ds.status();
  }

  static int status(Simulation sim, GroupKind kind, String name, String field) {
    Resource object = get(sim, kind, "default", name);
    return object == null ? 0 : object.status().path(field).asInt(0);
  }

  /**
   * The Events about the object named {@code involvedName} (any namespace), oldest first, as
   * {@code reason: message (count)} lines: what {@code kubectl describe} lists.
   */
  static List<String> events(Simulation sim, String involvedName) {
    List<Resource> found = new ArrayList<>();
    for (Resource event : sim.server().cache().objects(EVENT).values()) {
      if (event.json().path("involvedObject").path("name").asText().equals(involvedName)) {
        found.add(event);
      }
    }
    found.sort(java.util.Comparator.comparing((Resource e) -> e.json().path("firstTimestamp").asText())
        .thenComparing(Resource::name));
    List<String> out = new ArrayList<>();
    for (Resource event : found) {
      out.add(event.json().path("reason").asText() + ": " + event.json().path("message").asText() + " ("
          + event.json().path("count").asInt() + ")");
    }
    return out;
  }

  /** The pods whose controller is {@code ownerKind}/{@code ownerName}, in name order. */
  static List<Resource> podsOf(Simulation sim, String ownerKind, String ownerName) {
    List<Resource> out = new ArrayList<>();
    for (Resource pod : sim.server().cache().inNamespace(POD, "default").values()) {
      for (OwnerReference ref : pod.ownerReferences()) {
        if (ref.controller() && ref.kind().equals(ownerKind) && ref.name().equals(ownerName)) {
          out.add(pod);
        }
      }
    }
    return out;
  }

  /** The pods owned by any ReplicaSet of Deployment {@code name} (ReplicaSet names start with it). */
  static List<Resource> deploymentPods(Simulation sim, String name) {
    List<Resource> out = new ArrayList<>();
    for (Resource pod : sim.server().cache().inNamespace(POD, "default").values()) {
      for (OwnerReference ref : pod.ownerReferences()) {
        if (ref.controller() && ref.kind().equals("ReplicaSet") && ref.name().startsWith(name + "-")) {
          out.add(pod);
        }
      }
    }
    return out;
  }

  static boolean isReady(Resource pod) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** Runs the clock one event at a time for {@code duration}, calling {@code check} after each event. */
  static void runChecking(Simulation sim, Duration duration, Runnable check) {
    long end = sim.clock().nanoTime() + duration.toNanos();
    while (sim.clock().nextEventTime().isPresent() && sim.clock().nextEventTime().getAsLong() <= end) {
      sim.clock().runNext();
      check.run();
    }
    sim.clock().runUntil(end);
  }
}
