package dev.converge.examples.datadog.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Json;
import dev.converge.api.Lookup;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.api.DesiredResource;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.render.DesiredRenderer;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admission controller's pod mutation, one rule per test. */
class AdmissionMutatorTest {
  private static final DatadogAdmissionConfig LABELLED_ONLY =
      new DatadogAdmissionConfig("datadog", "datadog-agent", false, "hostip", ImmutableSet.of("kube-system", "datadog"));
  private static final Lookup NO_OWNERS = key -> Optional.empty();

  private static JsonNode pod(String labels, String spec) {
    return Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"app\",\"namespace\":\"default\",\"labels\":"
        + labels + "},\"spec\":" + spec + "}");
  }

  private static final String ONE_CONTAINER = "{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}]}";
  private static final String ENABLED = "{\"admission.datadoghq.com/enabled\":\"true\"}";

  private static List<String> env(JsonNode pod, String list, int index) {
    List<String> out = new ArrayList<>();
    pod.path("spec").path(list).get(index).path("env").forEach(var -> out.add(Json.write(var)));
    return out;
  }

  @Test
  void labelledPod_getsHostIpAndEntityId() {
    JsonNode mutated = new AdmissionMutator(LABELLED_ONLY).mutate(pod(ENABLED, ONE_CONTAINER), "default", NO_OWNERS);
    assertThat(env(mutated, "containers", 0)).containsExactly(
        "{\"name\":\"DD_AGENT_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\"}}}",
        "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}}");
  }

  @Test
  void unlabelledPod_isLeftAloneUnlessMutateUnlabelled() {
    JsonNode pod = pod("{}", ONE_CONTAINER);
    assertThat(new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", NO_OWNERS)).isEqualTo(pod);
    DatadogAdmissionConfig all = new DatadogAdmissionConfig("datadog", "datadog-agent", true, "hostip", ImmutableSet.of("kube-system", "datadog"));
    assertThat(env(new AdmissionMutator(all).mutate(pod, "default", NO_OWNERS), "containers", 0)).hasSize(2);
    JsonNode optedOut = pod("{\"admission.datadoghq.com/enabled\":\"false\"}", ONE_CONTAINER);
    assertThat(new AdmissionMutator(all).mutate(optedOut, "default", NO_OWNERS)).isEqualTo(optedOut);
  }

  @Test
  void excludedNamespaces_areNeverMutated() {
    JsonNode pod = pod(ENABLED, ONE_CONTAINER);
    AdmissionMutator mutator = new AdmissionMutator(LABELLED_ONLY);
    assertThat(mutator.mutate(pod, "kube-system", NO_OWNERS)).isEqualTo(pod);
    assertThat(mutator.mutate(pod, "datadog", NO_OWNERS)).isEqualTo(pod);
    assertThat(mutator.selects(pod, "default")).isTrue();
  }

  @Test
  void serviceMode_pointsAtTheLocalService() {
    JsonNode pod = pod("{\"admission.datadoghq.com/enabled\":\"true\",\"admission.datadoghq.com/config.mode\":\"service\"}", ONE_CONTAINER);
    assertThat(env(new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", NO_OWNERS), "containers", 0)).first()
        .isEqualTo("{\"name\":\"DD_AGENT_HOST\",\"value\":\"datadog-agent.datadog.svc.cluster.local\"}");
  }

  @Test
  void socketMode_setsUrlsAndMountsTheSocketVolumeReadOnly() {
    DatadogAdmissionConfig socket = new DatadogAdmissionConfig("datadog", "datadog-agent", false, "socket", ImmutableSet.of("kube-system", "datadog"));
    JsonNode mutated = new AdmissionMutator(socket).mutate(pod(ENABLED, ONE_CONTAINER), "default", NO_OWNERS);
    assertThat(env(mutated, "containers", 0)).containsExactly(
        "{\"name\":\"DD_TRACE_AGENT_URL\",\"value\":\"unix:///var/run/datadog/apm.socket\"}",
        "{\"name\":\"DD_DOGSTATSD_URL\",\"value\":\"unix:///var/run/datadog/dsd.socket\"}",
        "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}}");
    assertThat(mutated.at("/spec/containers/0/volumeMounts")).isEqualTo(Json.parse(
        "[{\"name\":\"datadog\",\"mountPath\":\"/var/run/datadog\",\"readOnly\":true}]"));
    assertThat(mutated.at("/spec/volumes")).isEqualTo(Json.parse(
        "[{\"name\":\"datadog\",\"hostPath\":{\"path\":\"/var/run/datadog\",\"type\":\"DirectoryOrCreate\"}}]"));
  }

  @Test
  void socketMode_skipsAnExistingVolumeNameOrMountPath() {
    DatadogAdmissionConfig socket = new DatadogAdmissionConfig("datadog", "datadog-agent", false, "socket", ImmutableSet.of("kube-system", "datadog"));
    JsonNode pod = pod(ENABLED, "{\"containers\":[{\"name\":\"app\",\"volumeMounts\":[{\"name\":\"mine\",\"mountPath\":\"/var/run/datadog\"}]}],"
        + "\"volumes\":[{\"name\":\"datadog\",\"emptyDir\":{}}]}");
    JsonNode mutated = new AdmissionMutator(socket).mutate(pod, "default", NO_OWNERS);
    assertThat(mutated.at("/spec/containers/0/volumeMounts")).isEqualTo(pod.at("/spec/containers/0/volumeMounts"));
    assertThat(mutated.at("/spec/volumes")).isEqualTo(pod.at("/spec/volumes"));
  }

  @Test
  void podModeLabel_overridesTheDefaultAndAnUnknownModeInjectsNoConfig() {
    JsonNode pod = pod("{\"admission.datadoghq.com/enabled\":\"true\",\"admission.datadoghq.com/config.mode\":\"carrier-pigeon\"}", ONE_CONTAINER);
    assertThat(env(new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", NO_OWNERS), "containers", 0)).containsExactly(
        "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}}");
  }

  @Test
  void existingVariables_areNeverOverwrittenAndNewOnesArePrepended() {
    JsonNode pod = pod(ENABLED, "{\"containers\":[{\"name\":\"app\",\"env\":[{\"name\":\"A\",\"value\":\"1\"},"
        + "{\"name\":\"DD_AGENT_HOST\",\"value\":\"my-agent\"}]}]}");
    assertThat(env(new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", NO_OWNERS), "containers", 0)).containsExactly(
        "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}}",
        "{\"name\":\"A\",\"value\":\"1\"}",
        "{\"name\":\"DD_AGENT_HOST\",\"value\":\"my-agent\"}");
  }

  @Test
  void initContainers_areMutatedToo() {
    JsonNode pod = pod(ENABLED, "{\"initContainers\":[{\"name\":\"init\"}],\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
    JsonNode mutated = new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", NO_OWNERS);
    assertThat(env(mutated, "initContainers", 0)).hasSize(2);
    assertThat(env(mutated, "containers", 0)).hasSize(2);
    assertThat(env(mutated, "containers", 1)).hasSize(2);
  }

  @Test
  void standardTags_comeFromThePodsLabels() {
    JsonNode pod = pod("{\"admission.datadoghq.com/enabled\":\"true\",\"tags.datadoghq.com/env\":\"prod\","
        + "\"tags.datadoghq.com/service\":\"shop\",\"tags.datadoghq.com/version\":\"1.2\"}", ONE_CONTAINER);
    assertThat(env(new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", NO_OWNERS), "containers", 0)).containsExactly(
        "{\"name\":\"DD_AGENT_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\"}}}",
        "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}}",
        "{\"name\":\"DD_ENV\",\"value\":\"prod\"}",
        "{\"name\":\"DD_SERVICE\",\"value\":\"shop\"}",
        "{\"name\":\"DD_VERSION\",\"value\":\"1.2\"}");
  }

  @Test
  void standardTags_withoutPodLabelsComeFromTheOwningDeployment() {
    Resource deployment = Resource.of(Json.parse("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"shop\","
        + "\"namespace\":\"default\",\"labels\":{\"tags.datadoghq.com/env\":\"staging\",\"tags.datadoghq.com/service\":\"shop\"}}}"));
    Resource replicaSet = Resource.of(Json.parse("{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"shop-7d9\","
        + "\"namespace\":\"default\",\"labels\":{\"tags.datadoghq.com/env\":\"wrong\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
        + "\"kind\":\"Deployment\",\"name\":\"shop\",\"uid\":\"d1\",\"controller\":true}]}}"));
    JsonNode pod = Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"shop-7d9-x\",\"namespace\":\"default\","
        + "\"labels\":" + ENABLED + ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"shop-7d9\","
        + "\"uid\":\"r1\",\"controller\":true}]},\"spec\":" + ONE_CONTAINER + "}");
    Observed owners = Observed.of(List.of(deployment, replicaSet));
    assertThat(env(new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", owners), "containers", 0)).endsWith(
        "{\"name\":\"DD_ENV\",\"value\":\"staging\"}",
        "{\"name\":\"DD_SERVICE\",\"value\":\"shop\"}");
    Observed onlyReplicaSet = Observed.of(List.of(replicaSet));
    assertThat(env(new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", onlyReplicaSet), "containers", 0))
        .endsWith("{\"name\":\"DD_ENV\",\"value\":\"wrong\"}");
  }

  @Test
  void mutate_neverChangesItsInput() {
    JsonNode pod = pod(ENABLED, ONE_CONTAINER);
    String before = Json.write(pod);
    new AdmissionMutator(LABELLED_ONLY).mutate(pod, "default", NO_OWNERS);
    assertThat(Json.write(pod)).isEqualTo(before);
  }

  @Test
  void config_fromTheSharedExample() {
    DatadogAdmissionConfig config = DatadogAdmissionConfig.from(DatadogAgentDecoder.decode(DatadogFixtures.exampleAgent()));
    assertThat(config).isEqualTo(new DatadogAdmissionConfig("datadog", "datadog-agent", true, "hostip", ImmutableSet.of("kube-system", "datadog")));
    DatadogAdmissionConfig plain = DatadogAdmissionConfig.from(DatadogAgentDecoder.decode(DatadogFixtures.minimalAgent("")));
    assertThat(plain.mutateUnlabelled()).isFalse();
  }
  @Test
  void configAndTagsWebhooks_eachInjectOnlyTheirOwnVariables() {
    JsonNode pod = pod("{\"admission.datadoghq.com/enabled\":\"true\",\"tags.datadoghq.com/env\":\"prod\"}", ONE_CONTAINER);
    AdmissionMutator mutator = new AdmissionMutator(LABELLED_ONLY);
    assertThat(env(mutator.injectConfig(pod, "default"), "containers", 0)).containsExactly(
        "{\"name\":\"DD_AGENT_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\"}}}",
        "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}}");
    assertThat(env(mutator.injectTags(pod, "default", NO_OWNERS), "containers", 0)).containsExactly(
        "{\"name\":\"DD_ENV\",\"value\":\"prod\"}");
    // Two webhooks in a row each prepend: the second one's variables come first.
    assertThat(env(mutator.injectTags(mutator.injectConfig(pod, "default"), "default", NO_OWNERS), "containers", 0)).containsExactly(
        "{\"name\":\"DD_ENV\",\"value\":\"prod\"}",
        "{\"name\":\"DD_AGENT_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\"}}}",
        "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}}");
  }

  @Test
  void tagsWebhook_leavesUnselectedAndTaglessPodsUnchanged() {
    AdmissionMutator mutator = new AdmissionMutator(LABELLED_ONLY);
    JsonNode unlabelled = pod("{\"tags.datadoghq.com/env\":\"prod\"}", ONE_CONTAINER);
    assertThat(mutator.injectTags(unlabelled, "default", NO_OWNERS)).isEqualTo(unlabelled);
    JsonNode tagless = pod(ENABLED, ONE_CONTAINER);
    assertThat(mutator.injectTags(tagless, "default", NO_OWNERS)).isEqualTo(tagless);
    assertThat(mutator.injectConfig(unlabelled, "default")).isEqualTo(unlabelled);
  }

  @Test
  void clusterAgentEnv_givesTheConfigTheOperatorMeant() {
    for (Resource primary : List.of(DatadogFixtures.exampleAgent(),
        DatadogFixtures.minimalAgent("  features:\n    admissionController:\n      agentCommunicationMode: service\n"))) {
      DatadogAgent dda = DatadogAgentDecoder.decode(primary);
      Resource deployment = DesiredRenderer.resources(dda, "t".repeat(32)).stream().map(DesiredResource::resource)
          .filter(r -> r.kind().equals("Deployment") && r.name().equals("datadog-cluster-agent")).findFirst().orElseThrow();
      Map<String, String> env = new TreeMap<>();
      for (JsonNode var : deployment.at("spec.template.spec.containers").get(0).path("env")) {
        env.put(var.path("name").asText(), var.path("value").asText());
      }
      assertThat(DatadogAdmissionConfig.fromClusterAgentEnv("datadog", env)).as(primary.name())
          .isEqualTo(DatadogAdmissionConfig.from(dda));
    }
  }

  @Test
  void clusterAgentEnv_defaultsAreTheClusterAgentsOwn() {
    assertThat(DatadogAdmissionConfig.fromClusterAgentEnv("monitoring", Map.of())).isEqualTo(
        new DatadogAdmissionConfig("monitoring", "datadog", false, "hostip", ImmutableSet.of("kube-system", "monitoring")));
  }
}
