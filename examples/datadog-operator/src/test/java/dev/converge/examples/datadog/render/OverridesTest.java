package dev.converge.examples.datadog.render;

import static dev.converge.examples.datadog.DatadogFixtures.minimalAgent;
import static dev.converge.examples.datadog.render.RenderHelpers.container;
import static dev.converge.examples.datadog.render.RenderHelpers.env;
import static dev.converge.examples.datadog.render.RenderHelpers.envNames;
import static dev.converge.examples.datadog.render.RenderHelpers.get;
import static dev.converge.examples.datadog.render.RenderHelpers.graph;
import static dev.converge.examples.datadog.render.RenderHelpers.keys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.DesiredGraph;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.examples.datadog.model.ImageConfig;
import org.junit.jupiter.api.Test;

/** Each field of {@code spec.override.*}, layered after the features, one rule per test. */
class OverridesTest {
  private static final String DS = "apps/DaemonSet/datadog/datadog-agent";
  private static final String DCA = "apps/Deployment/datadog/datadog-cluster-agent";

  @Test
  void image_withATagIsUsedAsIs() {
    assertThat(AgentImages.resolve("registry.datadoghq.com", "agent", "7.71.1", new ImageConfig("gcr.io/datadoghq/agent:latest", "7.0.0")))
        .isEqualTo("gcr.io/datadoghq/agent:latest");
    assertThat(AgentImages.resolve("registry.datadoghq.com", "agent", "7.71.1", new ImageConfig("gcr.io/datadoghq/agent@sha256:ab", null)))
        .isEqualTo("gcr.io/datadoghq/agent@sha256:ab");
  }

  @Test
  void image_withoutATagGetsTheOverrideTagOrTheDefault() {
    assertThat(AgentImages.resolve("registry.datadoghq.com", "agent", "7.71.1", new ImageConfig("gcr.io/datadoghq/agent", "7.60.0")))
        .isEqualTo("gcr.io/datadoghq/agent:7.60.0");
    assertThat(AgentImages.resolve("registry.datadoghq.com", "agent", "7.71.1", new ImageConfig("localhost:5000/agent", null)))
        .isEqualTo("localhost:5000/agent:7.71.1");
    assertThat(AgentImages.resolve("registry.datadoghq.com", "agent", "7.71.1", new ImageConfig("agent-fips", "7.60.0")))
        .isEqualTo("registry.datadoghq.com/agent-fips:7.60.0");
    assertThat(AgentImages.resolve("public.ecr.aws/datadog", "cluster-agent", "7.71.1", null))
        .isEqualTo("public.ecr.aws/datadog/cluster-agent:7.71.1");
  }

  @Test
  void image_overrideReachesEveryContainerOfTheComponent() {
    Resource ds = get(graph(minimalAgent("""
          override:
            nodeAgent:
              image:
                name: agent
                tag: "7.60.0"
        """)), DS);
    for (var c : ds.at("spec.template.spec").path("containers")) {
      assertThat(c.path("image").asText()).isEqualTo("registry.datadoghq.com/agent:7.60.0");
    }
    assertThat(container(get(graph(minimalAgent("")), DCA), "cluster-agent").path("image").asText())
        .isEqualTo("registry.datadoghq.com/cluster-agent:7.71.1");
  }

  @Test
  void env_replacesInPlaceOrAppends() {
    var agent = container(get(graph(minimalAgent("""
          override:
            nodeAgent:
              env:
                - name: DD_SITE
                  value: datadoghq.eu
                - name: DD_EXTRA
                  value: "1"
        """)), DS), "agent");
    assertThat(env(agent, "DD_SITE")).isEqualTo("datadoghq.eu");
    assertThat(envNames(agent).indexOf("DD_SITE")).isEqualTo(1);
    assertThat(envNames(agent).get(envNames(agent).size() - 1)).isEqualTo("DD_EXTRA");
    var process = container(get(graph(minimalAgent("  override:\n    nodeAgent:\n      env:\n        - name: DD_EXTRA\n          value: \"1\"\n")), DS),
        "process-agent");
    assertThat(env(process, "DD_EXTRA")).isEqualTo("1");
  }

  @Test
  void nodeSelector_isMergedAndTolerationsAppended() {
    Resource ds = get(graph(minimalAgent("""
          override:
            nodeAgent:
              nodeSelector:
                kubernetes.io/os: linux
              tolerations:
                - operator: Exists
                - key: dedicated
                  operator: Equal
                  value: gpu
                  effect: NoSchedule
        """)), DS);
    assertThat(ds.at("spec.template.spec.nodeSelector")).isEqualTo(Json.parse("{\"kubernetes.io/os\":\"linux\"}"));
    assertThat(ds.at("spec.template.spec.tolerations")).isEqualTo(Json.parse(
        "[{\"operator\":\"Exists\"},{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]"));
  }

  @Test
  void replicas_applyToDeploymentsOnly() {
    DesiredGraph graph = graph(minimalAgent("""
          override:
            clusterAgent:
              replicas: 3
            nodeAgent:
              replicas: 5
        """));
    assertThat(get(graph, DCA).spec().path("replicas").asInt()).isEqualTo(3);
    assertThat(get(graph, DS).spec().has("replicas")).isFalse();
  }

  @Test
  void labelsAndAnnotations_goToThePodTemplateButNeverTheSelector() {
    Resource dca = get(graph(minimalAgent("""
          override:
            clusterAgent:
              labels:
                team: observability
                app.kubernetes.io/name: custom
              annotations:
                ad.datadoghq.com/exclude: "true"
        """)), DCA);
    assertThat(dca.at("spec.template.metadata.labels").path("team").asText()).isEqualTo("observability");
    assertThat(dca.at("spec.template.metadata.labels").path("app.kubernetes.io/name").asText()).isEqualTo("custom");
    assertThat(dca.at("spec.template.metadata.annotations")).isEqualTo(Json.parse("{\"ad.datadoghq.com/exclude\":\"true\"}"));
    assertThat(dca.at("spec.selector.matchLabels")).isEqualTo(Json.parse(
        "{\"agent.datadoghq.com/name\":\"datadog\",\"agent.datadoghq.com/component\":\"cluster-agent\"}"));
  }

  @Test
  void labelEdit_changesThePodTemplateSoItRollsOut() {
    Resource before = get(graph(minimalAgent("")), DS);
    Resource after = get(graph(minimalAgent("  override:\n    nodeAgent:\n      labels:\n        team: a\n")), DS);
    assertThat(after.at("spec.template")).isNotEqualTo(before.at("spec.template"));
    Resource tagged = get(graph(minimalAgent("").edit(t -> t.withObjectProperty("metadata").withObjectProperty("labels")
        .put("tags.datadoghq.com/env", "prod"))), DS);
    assertThat(tagged.at("spec.template.metadata.labels").path("tags.datadoghq.com/env").asText()).isEqualTo("prod");
    assertThat(tagged.labels()).containsEntry("tags.datadoghq.com/env", "prod");
  }

  @Test
  void serviceAccountName_isUsedAndNoAccountIsCreated() {
    DesiredGraph graph = graph(minimalAgent("""
          override:
            clusterAgent:
              serviceAccountName: my-dca
        """));
    assertThat(keys(graph)).doesNotContain("ServiceAccount/datadog/datadog-cluster-agent");
    assertThat(get(graph, DCA).at("spec.template.spec.serviceAccountName").asText()).isEqualTo("my-dca");
    assertThat(get(graph, "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-cluster-agent").json().path("subjects"))
        .isEqualTo(Json.parse("[{\"kind\":\"ServiceAccount\",\"name\":\"my-dca\",\"namespace\":\"datadog\"}]"));
    assertThat(get(graph, "rbac.authorization.k8s.io/RoleBinding/datadog/datadog-cluster-agent").json().path("subjects").get(0)
        .path("name").asText()).isEqualTo("my-dca");
  }

  @Test
  void createPodDisruptionBudget_addsThePdb() {
    assertThat(keys(graph(minimalAgent("")))).noneMatch(key -> key.contains("PodDisruptionBudget"));
    DesiredGraph graph = graph(minimalAgent("""
          override:
            clusterAgent:
              createPodDisruptionBudget: true
        """));
    Resource pdb = get(graph, "policy/PodDisruptionBudget/datadog/datadog-cluster-agent-pdb");
    assertThat(pdb.spec()).isEqualTo(Json.parse("{\"minAvailable\":1,\"selector\":{\"matchLabels\":"
        + "{\"agent.datadoghq.com/name\":\"datadog\",\"agent.datadoghq.com/component\":\"cluster-agent\"}}}"));
  }

  @Test
  void disabled_removesEveryObjectOfTheComponent() {
    DesiredGraph graph = graph(minimalAgent("""
          override:
            nodeAgent:
              disabled: true
        """));
    assertThat(keys(graph)).noneMatch(key -> key.endsWith("/datadog-agent"));
    assertThat(keys(graph)).contains(DCA);
  }

  @Test
  void featureNeedingADisabledComponent_isAConflictNotAnError() {
    var dda = DatadogAgentDecoder.decode(minimalAgent("""
          override:
            clusterAgent:
              disabled: true
        """));
    assertThat(FeatureCatalog.conflicts(dda.spec())).containsExactly(
        "features.admissionController requires clusterAgent, which spec.override.clusterAgent.disabled turns off",
        "features.clusterChecks requires clusterAgent, which spec.override.clusterAgent.disabled turns off",
        "features.kubeStateMetricsCore requires clusterAgent, which spec.override.clusterAgent.disabled turns off",
        "features.eventCollection requires clusterAgent, which spec.override.clusterAgent.disabled turns off");
    DesiredGraph graph = graph(minimalAgent("  override:\n    clusterAgent:\n      disabled: true\n"));
    assertThat(keys(graph)).noneMatch(key -> key.contains("cluster-agent") || key.contains("webhook") || key.contains("token"));
    var agent = container(get(graph, DS), "agent");
    assertThat(env(agent, "DD_CLUSTER_AGENT_ENABLED")).isEqualTo("false");
    assertThat(env(agent, "DD_CLUSTER_AGENT_AUTH_TOKEN")).isEqualTo("absent");
    assertThat(FeatureCatalog.conflicts(DatadogAgentDecoder.decode(minimalAgent("")).spec())).isEmpty();
  }

  @Test
  void runnersDisabledWhileAskedFor_isAConflict() {
    var dda = DatadogAgentDecoder.decode(minimalAgent("""
          features:
            clusterChecks:
              useClusterChecksRunners: true
          override:
            clusterChecksRunner:
              disabled: true
        """));
    assertThat(FeatureCatalog.conflicts(dda.spec())).containsExactly(
        "features.clusterChecks requires clusterChecksRunner, which spec.override.clusterChecksRunner.disabled turns off");
  }
}
