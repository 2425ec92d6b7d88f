package dev.converge.examples.datadog.render;

import static dev.converge.examples.datadog.DatadogFixtures.minimalAgent;
import static dev.converge.examples.datadog.render.RenderHelpers.container;
import static dev.converge.examples.datadog.render.RenderHelpers.containerNames;
import static dev.converge.examples.datadog.render.RenderHelpers.env;
import static dev.converge.examples.datadog.render.RenderHelpers.get;
import static dev.converge.examples.datadog.render.RenderHelpers.graph;
import static dev.converge.examples.datadog.render.RenderHelpers.keys;
import static dev.converge.examples.datadog.render.RenderHelpers.rules;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.examples.datadog.DatadogTestContext;
import dev.converge.examples.datadog.GoldenFiles;
import dev.converge.examples.datadog.DesiredGraphText;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The desired graph of a DatadogAgent: the shared example's whole graph as a golden file; the names, labels,
 * env vars, services and webhook of SEED-CONTEXT "What the operator creates"; a feature turned off leaves no
 * trace; two DatadogAgents in one namespace never share an object; the same input always renders the same
 * graph.
 */
class DesiredRendererTest {

  @Test
  void sharedExample_rendersTheGoldenGraph() {
    GoldenFiles.assertMatches("datadog-agent.desired.yaml", DesiredGraphText.render(graph(DatadogFixtures.exampleAgent())));
  }

  @Test
  void sharedExample_rendersExactlyTheseObjects() {
    assertThat(keys(graph(DatadogFixtures.exampleAgent()))).containsExactly(
        "Secret/datadog/datadog-token",
        "Service/datadog/datadog-admission-controller",
        "Service/datadog/datadog-agent",
        "Service/datadog/datadog-cluster-agent",
        "ServiceAccount/datadog/datadog-agent",
        "ServiceAccount/datadog/datadog-cluster-agent",
        "admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook",
        "apps/DaemonSet/datadog/datadog-agent",
        "apps/Deployment/datadog/datadog-cluster-agent",
        "rbac.authorization.k8s.io/ClusterRole/datadog-agent",
        "rbac.authorization.k8s.io/ClusterRole/datadog-cluster-agent",
        "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-agent",
        "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-cluster-agent",
        "rbac.authorization.k8s.io/Role/datadog/datadog-cluster-agent",
        "rbac.authorization.k8s.io/RoleBinding/datadog/datadog-cluster-agent");
  }

  @Test
  void everyObject_carriesTheOperatorLabels() {
    DesiredGraph graph = graph(DatadogFixtures.exampleAgent());
    for (DesiredResource entry : graph.resources().values()) {
      Resource resource = entry.resource();
      assertThat(resource.labels()).as(resource.key().toString())
          .containsEntry("app.kubernetes.io/managed-by", "datadog-operator")
          .containsEntry("app.kubernetes.io/part-of", "datadog-datadog")
          .containsEntry("agent.datadoghq.com/name", "datadog")
          .containsKey("agent.datadoghq.com/component");
    }
    assertThat(get(graph, "apps/DaemonSet/datadog/datadog-agent").labels()).containsEntry("agent.datadoghq.com/component", "agent");
    assertThat(get(graph, "apps/Deployment/datadog/datadog-cluster-agent").labels())
        .containsEntry("agent.datadoghq.com/component", "cluster-agent");
  }

  @Test
  void nodeAgent_hasTheSeedContextEnvironment() {
    Resource ds = get(graph(DatadogFixtures.exampleAgent()), "apps/DaemonSet/datadog/datadog-agent");
    assertThat(containerNames(ds)).containsExactly("agent", "process-agent", "trace-agent");
    var agent = container(ds, "agent");
    assertThat(env(agent, "DD_API_KEY")).isEqualTo("{\"secretKeyRef\":{\"name\":\"datadog-secret\",\"key\":\"api-key\"}}");
    assertThat(env(agent, "DD_SITE")).isEqualTo("us5.datadoghq.com");
    assertThat(env(agent, "DD_CLUSTER_AGENT_ENABLED")).isEqualTo("true");
    assertThat(env(agent, "DD_CLUSTER_AGENT_KUBERNETES_SERVICE_NAME")).isEqualTo("datadog-cluster-agent");
    assertThat(env(agent, "DD_CLUSTER_AGENT_AUTH_TOKEN")).isEqualTo("{\"secretKeyRef\":{\"name\":\"datadog-token\",\"key\":\"token\"}}");
    assertThat(env(agent, "DD_KUBERNETES_KUBELET_HOST")).isEqualTo("{\"fieldRef\":{\"fieldPath\":\"status.hostIP\"}}");
    assertThat(env(agent, "DD_LOGS_ENABLED")).isEqualTo("true");
    assertThat(env(agent, "DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL")).isEqualTo("true");
    assertThat(env(agent, "DD_CLUSTER_NAME")).isEqualTo("absent");
    assertThat(container(ds, "agent").path("image").asText()).isEqualTo("gcr.io/datadoghq/agent:latest");
    assertThat(ds.at("spec.selector.matchLabels"))
        .isEqualTo(Json.parse("{\"agent.datadoghq.com/name\":\"datadog\",\"agent.datadoghq.com/component\":\"agent\"}"));
  }

  @Test
  void clusterAgent_hasTheSeedContextEnvironment() {
    Resource dca = get(graph(DatadogFixtures.exampleAgent()), "apps/Deployment/datadog/datadog-cluster-agent");
    var container = container(dca, "cluster-agent");
    assertThat(dca.spec().path("replicas").asInt()).isEqualTo(1);
    assertThat(env(container, "DD_LEADER_ELECTION")).isEqualTo("true");
    assertThat(env(container, "DD_CLUSTER_CHECKS_ENABLED")).isEqualTo("true");
    assertThat(env(container, "DD_ADMISSION_CONTROLLER_ENABLED")).isEqualTo("true");
    assertThat(env(container, "DD_ADMISSION_CONTROLLER_MUTATE_UNLABELLED")).isEqualTo("true"); // instrumentation is on
    assertThat(env(container, "DD_ADMISSION_CONTROLLER_SERVICE_NAME")).isEqualTo("datadog-admission-controller");
    assertThat(env(container, "DD_ADMISSION_CONTROLLER_INJECT_CONFIG_MODE")).isEqualTo("hostip");
    assertThat(env(container, "DD_APP_KEY")).isEqualTo("{\"secretKeyRef\":{\"name\":\"datadog-secret\",\"key\":\"app-key\"}}");
    assertThat(container.path("image").asText()).isEqualTo("gcr.io/datadoghq/cluster-agent:latest");
  }

  @Test
  void services_haveTheSeedContextPorts() {
    DesiredGraph graph = graph(DatadogFixtures.exampleAgent());
    assertThat(get(graph, "Service/datadog/datadog-cluster-agent").at("spec.ports"))
        .isEqualTo(Json.parse("[{\"name\":\"agentport\",\"port\":5005,\"protocol\":\"TCP\",\"targetPort\":5005}]"));
    assertThat(get(graph, "Service/datadog/datadog-admission-controller").at("spec.ports"))
        .isEqualTo(Json.parse("[{\"name\":\"datadog-webhook\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":8000}]"));
    Resource local = get(graph, "Service/datadog/datadog-agent");
    assertThat(local.at("spec.ports")).isEqualTo(Json.parse("[{\"name\":\"traceport\",\"port\":8126,\"protocol\":\"TCP\",\"targetPort\":8126},"
        + "{\"name\":\"dogstatsdport\",\"port\":8125,\"protocol\":\"UDP\",\"targetPort\":8125}]"));
    assertThat(local.at("spec.internalTrafficPolicy").asText()).isEqualTo("Local");
  }

  @Test
  void webhook_pointsAtTheAdmissionServiceAndWaitsForTheClusterAgent() {
    DesiredGraph graph = graph(minimalAgent(""));
    DesiredResource webhook = graph.get(ResourceKey.parse("admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook")).orElseThrow();
    var first = webhook.resource().json().path("webhooks").get(0);
    assertThat(first.path("clientConfig")).isEqualTo(Json.parse(
        "{\"service\":{\"name\":\"datadog-admission-controller\",\"namespace\":\"datadog\",\"path\":\"/injectconfig\",\"port\":443}}"));
    assertThat(first.path("failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(first.path("objectSelector")).isEqualTo(Json.parse("{\"matchLabels\":{\"admission.datadoghq.com/enabled\":\"true\"}}"));
    assertThat(first.path("namespaceSelector")).isEqualTo(Json.parse(
        "{\"matchExpressions\":[{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\",\"values\":[\"datadog\",\"kube-system\"]}]}"));
    assertThat(webhook.dependsOn()).containsExactly(
        ResourceKey.parse("Service/datadog/datadog-admission-controller"), ResourceKey.parse("apps/Deployment/datadog/datadog-cluster-agent"));
    DesiredResource dca = graph.get(ResourceKey.parse("apps/Deployment/datadog/datadog-cluster-agent")).orElseThrow();
    assertThat(dca.readyWhen()).isNotNull();
    assertThat(dca.readyWhen().describe()).isEqualTo("Deployment available");
  }

  @Test
  void webhook_followsFailurePolicyAndMutateUnlabelled() {
    Resource webhook = get(graph(minimalAgent("""
          features:
            admissionController:
              failurePolicy: Fail
              mutateUnlabelled: true
        """)), "admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook");
    for (var hook : webhook.json().path("webhooks")) {
      assertThat(hook.path("failurePolicy").asText()).isEqualTo("Fail");
      assertThat(hook.path("objectSelector")).isEqualTo(Json.parse(
          "{\"matchExpressions\":[{\"key\":\"admission.datadoghq.com/enabled\",\"operator\":\"NotIn\",\"values\":[\"false\"]}]}"));
    }
  }

  @Test
  void featureOff_leavesNoTrace() {
    DesiredGraph on = graph(minimalAgent(""));
    DesiredGraph off = graph(minimalAgent("""
          features:
            apm:
              enabled: false
            admissionController:
              enabled: false
            logCollection:
              enabled: false
            remoteConfiguration:
              enabled: false
            clusterChecks:
              enabled: false
            kubeStateMetricsCore:
              enabled: false
            eventCollection:
              collectKubernetesEvents: false
        """));
    Set<String> removed = new HashSet<>(keys(on));
    removed.removeAll(keys(off));
    assertThat(removed).containsExactlyInAnyOrder(
        "Service/datadog/datadog-admission-controller",
        "admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook");
    Resource ds = get(off, "apps/DaemonSet/datadog/datadog-agent");
    assertThat(containerNames(ds)).containsExactly("agent", "process-agent");
    assertThat(env(container(ds, "agent"), "DD_APM_ENABLED")).isEqualTo("absent");
    assertThat(env(container(ds, "agent"), "DD_REMOTE_CONFIGURATION_ENABLED")).isEqualTo("absent");
    assertThat(env(container(ds, "agent"), "DD_EXTRA_CONFIG_PROVIDERS")).isEqualTo("absent");
    assertThat(get(off, "Service/datadog/datadog-agent").at("spec.ports"))
        .isEqualTo(Json.parse("[{\"name\":\"dogstatsdport\",\"port\":8125,\"protocol\":\"UDP\",\"targetPort\":8125}]"));
    var dca = container(get(off, "apps/Deployment/datadog/datadog-cluster-agent"), "cluster-agent");
    assertThat(env(dca, "DD_ADMISSION_CONTROLLER_ENABLED")).isEqualTo("false");
    assertThat(env(dca, "DD_CLUSTER_CHECKS_ENABLED")).isEqualTo("false");
    assertThat(env(dca, "DD_KUBE_STATE_METRICS_CORE_ENABLED")).isEqualTo("absent");
    assertThat(env(dca, "DD_COLLECT_KUBERNETES_EVENTS")).isEqualTo("absent");
    assertThat(rules(get(off, "rbac.authorization.k8s.io/ClusterRole/datadog-cluster-agent")))
        .noneMatch(rule -> rule.contains("mutatingwebhookconfigurations") || rule.contains("horizontalpodautoscalers"));
    assertThat(rules(get(off, "rbac.authorization.k8s.io/Role/datadog/datadog-cluster-agent")))
        .noneMatch(rule -> rule.contains("secrets") || rule.contains("datadogtoken"));
  }

  @Test
  void clusterChecksRunners_areRenderedOnlyWhenAskedFor() {
    assertThat(keys(graph(minimalAgent("")))).noneMatch(key -> key.contains("cluster-checks-runner"));
    DesiredGraph graph = graph(minimalAgent("""
          features:
            clusterChecks:
              useClusterChecksRunners: true
        """));
    assertThat(keys(graph)).contains(
        "apps/Deployment/datadog/datadog-cluster-checks-runner",
        "ServiceAccount/datadog/datadog-cluster-checks-runner",
        "rbac.authorization.k8s.io/ClusterRole/datadog-cluster-checks-runner",
        "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-cluster-checks-runner");
    var runner = container(get(graph, "apps/Deployment/datadog/datadog-cluster-checks-runner"), "cluster-checks-runner");
    assertThat(env(runner, "DD_CLC_RUNNER_ENABLED")).isEqualTo("true");
    assertThat(env(runner, "DD_CLUSTER_AGENT_AUTH_TOKEN")).isEqualTo("{\"secretKeyRef\":{\"name\":\"datadog-token\",\"key\":\"token\"}}");
    assertThat(env(container(get(graph, "apps/DaemonSet/datadog/datadog-agent"), "agent"), "DD_EXTRA_CONFIG_PROVIDERS"))
        .isEqualTo("endpointschecks");
    assertThat(graph.get(ResourceKey.parse("apps/Deployment/datadog/datadog-cluster-checks-runner")).orElseThrow().dependsOn())
        .containsExactly(ResourceKey.parse("apps/Deployment/datadog/datadog-cluster-agent"));
  }

  @Test
  void plaintextKeys_moveIntoASecretTheOperatorOwns() {
    DesiredGraph graph = graph(DatadogFixtures.agent("datadog", """
          global:
            credentials:
              apiKey: "0123456789abcdef"
              appKey: fedcba
        """));
    Resource secret = get(graph, "Secret/datadog/datadog-secret");
    assertThat(secret.json().path("data")).isEqualTo(Json.parse("{\"api_key\":\"MDEyMzQ1Njc4OWFiY2RlZg==\",\"app_key\":\"ZmVkY2Jh\"}"));
    assertThat(env(container(get(graph, "apps/DaemonSet/datadog/datadog-agent"), "agent"), "DD_API_KEY"))
        .isEqualTo("{\"secretKeyRef\":{\"name\":\"datadog-secret\",\"key\":\"api_key\"}}");
    for (DesiredResource entry : graph.resources().values()) {
      if (!entry.key().kind().equals("Secret")) {
        assertThat(Json.write(entry.resource().json())).as(entry.key().toString()).doesNotContain("0123456789abcdef");
      }
    }
  }

  @Test
  void twoAgentsInOneNamespace_neverShareAnObject() {
    Resource a = DatadogFixtures.agent("datadog", DatadogFixtures.MINIMAL);
    Resource b = DatadogFixtures.agent("datadog-canary", DatadogFixtures.MINIMAL);
    Set<String> keysA = new HashSet<>(keys(graph(a)));
    Set<String> keysB = new HashSet<>(keys(graph(b)));
    keysA.retainAll(keysB);
    assertThat(keysA).isEmpty();
    assertThat(keys(graph(b))).contains(
        "admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-canary-webhook",
        "Service/datadog/datadog-canary-admission-controller");
  }

  @Test
  void render_isDeterministic() {
    Resource primary = DatadogFixtures.exampleAgent();
    String first = DesiredGraphText.render(graph(primary));
    String second = DesiredGraphText.render(graph(primary));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void ownedKinds_coverEveryRenderedKind() {
    var reconciler = new dev.converge.examples.datadog.DatadogAgentReconciler();
    DesiredGraph graph = graph(DatadogFixtures.agent("datadog", """
          global:
            credentials:
              apiKey: abc
              appKey: abc
          features:
            clusterChecks:
              useClusterChecksRunners: true
          override:
            clusterAgent:
              createPodDisruptionBudget: true
        """));
    for (ResourceKey key : graph.resources().keySet()) {
      assertThat(reconciler.ownedKinds()).as(key.toString()).contains(key.groupKind());
    }
    assertThat(graph.resources().keySet().stream().map(ResourceKey::groupKind).distinct().count())
        .isEqualTo(reconciler.ownedKinds().size());
  }

  @Test
  void graph_isOwnedByThePrimary() {
    Resource primary = DatadogFixtures.exampleAgent();
    DesiredGraph graph = DesiredRenderer.render(DatadogAgentDecoder.decode(primary), DatadogTestContext.firstPass(primary, 1));
    assertThat(graph.owner()).contains(primary.key());
    Resource ds = get(graph, "apps/DaemonSet/datadog/datadog-agent");
    assertThat(ds.ownerReferences()).extracting(ref -> ref.uid()).containsExactly("uid-datadog");
    assertThat(get(graph, "rbac.authorization.k8s.io/ClusterRole/datadog-agent").ownerReferences()).isEmpty();
  }
}
