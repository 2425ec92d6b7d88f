package dev.converge.examples.datadog.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.inmemory.admission.AdmissionRequest;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * What the install flow's result looks like at the end of a simulation, in three lines per DatadogAgent, read
 * from the store and the admission chain without sending a request (so the run's load and trace stay as they
 * were): the DatadogAgent's agent and Cluster Agent status strings; the Services it owns; and what the
 * admission chain does to an application pod labelled {@code admission.datadoghq.com/enabled: "true"} with the
 * standard tags — the mutation kube-apiserver would apply, computed as for a create but not stored.
 */
public final class InstallSummary {
  private static final GroupKind SERVICE = GroupKind.of("", "Service");
  private static final GroupKind NAMESPACE = GroupKind.of("", "Namespace");

  private InstallSummary() {}

  /** The three lines for {@code dda}; the probe pod goes to {@code default}, or {@code datadog} if the agent is in default. */
  public static ImmutableList<String> describe(ApiServer server, DatadogAgent dda) {
    List<String> lines = new ArrayList<>();
    server.locked(() -> {
      String where = dda.namespace() + "/" + dda.name();
      Resource live = server.cache().get(DatadogAgent.GROUP_KIND, dda.namespace(), dda.name());
      if (live == null) {
        lines.add("DatadogAgent " + where + ": deleted");
        return;
      }
      JsonNode status = live.json().path("status");
      lines.add("DatadogAgent " + where + ": agent " + status.path("agent").path("status").asText("-")
          + ", clusterAgent " + status.path("clusterAgent").path("status").asText("-"));
      String owner = Ownership.labelValue(live.key());
      List<String> services = new ArrayList<>();
      for (Resource service : server.cache().objects(SERVICE).values()) {
        if (owner.equals(service.labels().get(Ownership.OWNER_LABEL))) {
          services.add(service.namespace() + "/" + service.name());
        }
      }
      lines.add("  services: " + (services.isEmpty() ? "none" : String.join(", ", services)));
      lines.add("  " + probe(server, dda.namespace().equals("default") ? OperatorSimulation.NAMESPACE : "default"));
    });
    return ImmutableList.copyOf(lines);
  }

  private static String probe(ApiServer server, String namespace) {
    String what = "a pod created in " + namespace + " with admission.datadoghq.com/enabled=true and tags.datadoghq.com/*";
    if (server.cache().get(NAMESPACE, "", namespace) == null) {
      return what + ": namespace " + namespace + " does not exist";
    }
    Resource pod = Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"admission-probe","namespace":"%s","labels":{
          "admission.datadoghq.com/enabled":"true","tags.datadoghq.com/env":"sim",
          "tags.datadoghq.com/service":"probe","tags.datadoghq.com/version":"1"}},
         "spec":{"containers":[{"name":"app","image":"app:1"}]}}""".formatted(namespace)));
    AdmissionRequest request = new AdmissionRequest(Operation.CREATE, pod.groupKind(), "pods", "", namespace,
        pod.name(), Identity.admin(), pod, null);
    Resource mutated;
    try {
      mutated = server.admission().mutate(request, warning -> { });
    } catch (BackendException e) {
      return what + ": refused: " + e.getMessage();
    }
    List<String> names = new ArrayList<>();
    for (JsonNode variable : mutated.json().path("spec").path("containers").path(0).path("env")) {
      names.add(variable.path("name").asText());
    }
    return what + ": " + (names.isEmpty() ? "no env added" : "gets " + String.join(", ", names));
  }
}
