package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.http.PodRow;
import dev.converge.inmemory.store.ObjectCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why a workload is not fully available at the end of a run, as an SRE would find out with kubectl: its pods that
 * are not Ready, counted by the STATUS {@code kubectl get pods} shows ({@link PodRow}: {@code ImagePullBackOff},
 * {@code CrashLoopBackOff}, {@code CreateContainerConfigError}, {@code Init:0/1}, {@code Pending} for one not
 * scheduled, …), each with one pod's message (a waiting or terminated container's, or the scheduler's); and the
 * pods it should have but does not, with its controller's last {@code FailedCreate} Event when there is one.
 */
final class StuckPods {
  private static final GroupKind POD = GroupKind.of("", "Pod");
  private static final GroupKind REPLICA_SET = GroupKind.of("apps", "ReplicaSet");
  private static final GroupKind EVENT = GroupKind.of("", "Event");
  /** The status of the pods a workload should have and has not. */
  static final String NOT_CREATED = "NotCreated";

  private StuckPods() {}

  /**
   * One status shared by some of the workload's pods.
   *
   * @param status what {@code kubectl get pods} shows, or {@value #NOT_CREATED}
   * @param pods how many pods
   * @param example one of them (empty for pods not created)
   * @param message why, in the words of the component that knows (may be empty)
   */
  record Group(String status, int pods, String example, String message) {}

  /** {@code groups} as the reports write them: {@code [{status, pods, example, message}]}. */
  static ArrayNode json(List<Group> groups) {
    ArrayNode out = Json.array();
    for (Group group : groups) {
      out.addObject().put("status", group.status()).put("pods", group.pods()).put("example", group.example())
          .put("message", group.message());
    }
    return out;
  }

  /** The groups of {@code workload}'s pods that are not Ready, largest first; {@code desired} pods are expected. */
  static ImmutableList<Group> of(ObjectCache cache, ResourceKey workload, int desired) {
    List<String> owners = owners(cache, workload);
    Map<String, List<Resource>> byStatus = new LinkedHashMap<>();
    int pods = 0;
    for (Resource pod : cache.inNamespace(POD, workload.namespace()).values()) {
      if (!owners.contains(controller(pod))) {
        continue;
      }
      if (!pod.isBeingDeleted()) {
        pods++;
      }
      String phase = pod.status().path("phase").asText("");
      if (ReadyGates.conditionIsTrue(pod, "Ready") || phase.equals("Succeeded")) {
        continue;
      }
      byStatus.computeIfAbsent(PodRow.of(pod).reason(), status -> new ArrayList<>()).add(pod);
    }
    List<Group> groups = new ArrayList<>();
    byStatus.forEach((status, members) -> groups.add(new Group(status, members.size(), members.get(0).name(),
        message(members.get(0)))));
    if (pods < desired && !workload.kind().equals("Job")) {
      groups.add(new Group(NOT_CREATED, desired - pods, "", lastFailedCreate(cache, workload.namespace(), owners)));
    }
    groups.sort((a, b) -> Integer.compare(b.pods(), a.pods()));
    return ImmutableList.copyOf(groups);
  }

  /** {@code Kind/name} of the workload and, for a Deployment, of its ReplicaSets: whose pods are its pods. */
  private static List<String> owners(ObjectCache cache, ResourceKey workload) {
    List<String> owners = new ArrayList<>();
    owners.add(workload.kind() + "/" + workload.name());
    if (workload.kind().equals("Deployment")) {
      for (Resource replicaSet : cache.inNamespace(REPLICA_SET, workload.namespace()).values()) {
        if (controller(replicaSet).equals("Deployment/" + workload.name())) {
          owners.add("ReplicaSet/" + replicaSet.name());
        }
      }
    }
    return owners;
  }

  /** {@code Kind/name} of the object's controller, or empty. */
  private static String controller(Resource object) {
    for (JsonNode reference : object.metadata().path("ownerReferences")) {
      if (reference.path("controller").asBoolean(false)) {
        return reference.path("kind").asText() + "/" + reference.path("name").asText();
      }
    }
    return "";
  }

  /** The first message the pod carries: a waiting or terminated container's (init containers first), else the scheduler's. */
  private static String message(Resource pod) {
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode container : pod.status().path(list)) {
        for (String state : new String[] {"waiting", "terminated"}) {
          String message = container.path("state").path(state).path("message").asText("");
          if (!message.isEmpty()) {
            return message;
          }
        }
      }
    }
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("PodScheduled") && condition.path("status").asText().equals("False")) {
        return condition.path("message").asText("");
      }
    }
    return "";
  }

  /** The message of the latest {@code FailedCreate} Event about one of {@code owners}, or empty. */
  private static String lastFailedCreate(ObjectCache cache, String namespace, List<String> owners) {
    String latest = "";
    String message = "";
    for (Resource event : cache.inNamespace(EVENT, namespace).values()) {
      JsonNode involved = event.json().path("involvedObject");
      if (!event.json().path("reason").asText().equals("FailedCreate")
          || !owners.contains(involved.path("kind").asText() + "/" + involved.path("name").asText())) {
        continue;
      }
      String at = event.json().path("lastTimestamp").asText("");
      if (at.compareTo(latest) >= 0) {
        latest = at;
        message = event.json().path("message").asText("");
      }
    }
    return message;
  }
}
