package dev.converge.examples.datadog.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ListRequest;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 item 4 on the simulated cluster: the Cluster Agent's webhooks on pods that real controllers create.
 * The install flow runs on 4 simulated nodes (seed 42). A Deployment's pods, created by kube-controller-manager's
 * ReplicaSet controller, get the agent host, the entity ID and the standard tags of the owning Deployment. With
 * the Cluster Agent's pod gone and no node to run a new one (every node cordoned), {@code failurePolicy: Ignore}
 * (the default) lets the controller create its pods unmutated, and {@code Fail} refuses them with 500 until the
 * Cluster Agent is available again, when the controller's retries create them mutated.
 */
class AdmissionOnSimulatedClusterTest {
  private static final int NODES = 4;
  private static final String HOST_IP =
      "{\"name\":\"DD_AGENT_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\",\"apiVersion\":\"v1\"}}}";
  private static final String ENTITY_ID =
      "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\",\"apiVersion\":\"v1\"}}}";
  private static final String KCM = "system:kube-controller-manager";

  @Test
  void deploymentPods_createdByTheReplicaSetController_getAgentHostEntityIdAndTheDeploymentsTags() {
    SimulatedInstall install = installed("");
    install.createJson(shop(2));
    install.runUntilAvailable(SHOP, 2, Duration.ofMinutes(2));
    List<Resource> pods = shopPods(install);
    assertThat(pods).hasSize(2);
    for (Resource pod : pods) {
      // The pod template carries no tags.datadoghq.com labels: the tags come from the Deployment (pod → ReplicaSet → Deployment).
      assertThat(env(pod)).containsExactly("{\"name\":\"DD_ENV\",\"value\":\"staging\"}",
          "{\"name\":\"DD_SERVICE\",\"value\":\"shop\"}", "{\"name\":\"DD_VERSION\",\"value\":\"2.0.1\"}", HOST_IP, ENTITY_ID);
      assertThat(pod.json().path("metadata").path("ownerReferences").get(0).path("kind").asText()).isEqualTo("ReplicaSet");
    }
  }

  @Test
  void clusterAgentDown_ignorePolicy_theControllerCreatesThePodsUnmutated() {
    SimulatedInstall install = installed("");
    takeTheClusterAgentDown(install);
    install.createJson(shop(2));
    install.sim.runUntil(() -> shopPods(install).size() == 2, Duration.ofMinutes(1));
    List<Resource> pods = shopPods(install);
    assertThat(pods).hasSize(2);
    for (Resource pod : pods) {
      assertThat(pod.json().path("spec").path("containers").get(0).has("env")).isFalse();
    }
  }

  @Test
  void clusterAgentDown_failPolicy_refusesTheControllersPods_untilTheClusterAgentIsBack() {
    SimulatedInstall install = installed("    admissionController:\n      failurePolicy: Fail\n");
    takeTheClusterAgentDown(install);
    long mark = install.sim.cluster().requests().mark();
    install.createJson(shop(2));
    install.sim.runFor(Duration.ofSeconds(30));
    assertThat(shopPods(install)).isEmpty();
    List<RequestRecord> refused = new ArrayList<>();
    for (RequestRecord record : install.sim.cluster().requests().since(mark)) {
      if (record.identity().equals(KCM) && record.verb().equals("create") && record.resourceWithSubresource().equals("pods")
          && record.namespace().equals("default")) {
        refused.add(record);
      }
    }
    assertThat(refused).isNotEmpty().allSatisfy(r -> assertThat(r.code()).isEqualTo(500));

    uncordon(install);
    install.runUntilAvailable(SimulatedInstall.CLUSTER_AGENT, 1, Duration.ofMinutes(2));
    install.runUntilAvailable(SHOP, 2, Duration.ofMinutes(5));
    for (Resource pod : shopPods(install)) {
      assertThat(env(pod)).contains(HOST_IP, ENTITY_ID);
    }
  }

  private static final ResourceKey SHOP = ResourceKey.parse("apps/Deployment/default/shop");

  /** The install flow with the shared examples ({@code features} lines added), run until the Cluster Agent is available. */
  private static SimulatedInstall installed(String features) {
    SimulatedInstall install = SimulatedInstall.start(NODES);
    if (features.isEmpty()) {
      install.applySharedExamples();
    } else {
      install.create(dev.converge.examples.datadog.DatadogFixtures.sharedExample("datadog-secret.yaml"));
      install.create(dev.converge.examples.datadog.DatadogFixtures.sharedExample("datadog-agent.yaml")
          .replace("  features:\n", "  features:\n" + features));
    }
    install.runUntilAvailable(SimulatedInstall.CLUSTER_AGENT, 1, Duration.ofMinutes(5));
    // The webhook configuration waits for the Cluster Agent (a ready gate); the operator's next pass creates it.
    install.sim.runUntil(() -> install.admin.get(WEBHOOK).isPresent(), Duration.ofMinutes(1));
    assertThat(install.admin.get(WEBHOOK)).isPresent();
    return install;
  }

  private static final ResourceKey WEBHOOK =
      ResourceKey.parse("admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook");

  /** Cordons every node and deletes the Cluster Agent's pod: its replacement stays Pending, the Deployment unavailable. */
  private static void takeTheClusterAgentDown(SimulatedInstall install) {
    setUnschedulable(install, true);
    for (Resource pod : pods(install, "datadog")) {
      if (pod.name().startsWith("datadog-cluster-agent-")) {
        install.sim.server().delete(Identity.admin(), pod.key(), DeleteParams.defaults());
      }
    }
    install.runUntilAvailable(SimulatedInstall.CLUSTER_AGENT, 0, Duration.ofMinutes(2));
  }

  private static void uncordon(SimulatedInstall install) {
    setUnschedulable(install, false);
  }

  private static void setUnschedulable(SimulatedInstall install, boolean value) {
    for (int i = 0; i < NODES; i++) {
      install.sim.server().patch(Identity.admin(), ResourceKey.cluster("", "Node", "node-" + i), PatchType.MERGE,
          Json.parse("{\"spec\":{\"unschedulable\":" + value + "}}"), PatchOptions.defaults());
    }
  }

  /** A Deployment in default whose pods opt in to admission; the standard tags only on the Deployment itself. */
  private static String shop(int replicas) {
    return """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"shop","namespace":"default","labels":{
           "tags.datadoghq.com/env":"staging","tags.datadoghq.com/service":"shop","tags.datadoghq.com/version":"2.0.1"}},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"shop"}},
           "template":{"metadata":{"labels":{"app":"shop","admission.datadoghq.com/enabled":"true"}},
             "spec":{"containers":[{"name":"shop","image":"shop:2.0.1"}]}}}}""".formatted(replicas);
  }

  private static List<Resource> shopPods(SimulatedInstall install) {
    return pods(install, "default").stream().filter(p -> p.name().startsWith("shop-")).toList();
  }

  private static ImmutableList<Resource> pods(SimulatedInstall install, String namespace) {
    return ImmutableList.copyOf(install.admin.list(ListRequest.all(GroupKind.of("", "Pod")).inNamespace(namespace)).items());
  }

  private static List<String> env(Resource pod) {
    List<String> out = new ArrayList<>();
    for (JsonNode variable : pod.json().path("spec").path("containers").get(0).path("env")) {
      out.add(variable.toString());
    }
    return out;
  }
}
