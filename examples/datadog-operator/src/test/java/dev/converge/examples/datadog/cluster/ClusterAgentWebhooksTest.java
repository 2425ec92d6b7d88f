package dev.converge.examples.datadog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Cluster Agent's admission webhooks on pods created in an in-memory cluster where the operator reconciled
 * a DatadogAgent ({@link OperatorOnCluster}) and {@link ClusterAgentWebhooks} is registered:
 *
 * <ul>
 *   <li>active only while the webhook configuration exists and the Cluster Agent is available, both read live
 *       at each request;
 *   <li>{@code failurePolicy}: Ignore creates the pod unmutated when the Cluster Agent is down, Fail refuses it
 *       with kube-apiserver's 500 and message;
 *   <li>label selection ({@code admission.datadoghq.com/enabled}, {@code mutateUnlabelled} or APM
 *       instrumentation), excluded namespaces, modes hostip/service/socket, {@code DD_ENTITY_ID}, standard tags
 *       from the pod's labels or its ReplicaSet's Deployment, never overwriting;
 *   <li>only pod creation is touched.
 * </ul>
 */
class ClusterAgentWebhooksTest {
  private static final String ENABLED = "{\"admission.datadoghq.com/enabled\":\"true\"}";
  private static final String HOST_IP = "{\"name\":\"DD_AGENT_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\",\"apiVersion\":\"v1\"}}}";
  private static final String ENTITY_ID = "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\",\"apiVersion\":\"v1\"}}}";

  /** The operator on a cluster, {@code spec} reconciled to convergence, the webhooks registered. */
  private static OperatorOnCluster cluster(String more) {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ClusterAgentWebhooks.register(on.cluster.server());
    on.create(DatadogFixtures.sharedExample("datadog-secret.yaml"));
    on.converge(on.createAgent("datadog", DatadogFixtures.MINIMAL + more));
    return on;
  }

  private static Resource createPod(OperatorOnCluster on, String namespace, String name, String labels, String spec) {
    return on.cluster.server().create(Identity.admin(), Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\",\"labels\":" + labels + "},\"spec\":" + spec + "}")));
  }

  private static Resource createPod(OperatorOnCluster on, String name, String labels) {
    return createPod(on, "default", name, labels, "{\"containers\":[{\"name\":\"app\",\"image\":\"shop:1\"}]}");
  }

  private static List<String> env(Resource pod, String list, int index) {
    List<String> out = new ArrayList<>();
    pod.at("spec." + list).get(index).path("env").forEach(var -> out.add(Json.write(var)));
    return out;
  }

  // ------------------------------------------------------------------ selection and injection

  @Test
  void labelledPod_getsAgentHostAndEntityIdInEveryContainer() {
    OperatorOnCluster on = cluster("");
    Resource pod = createPod(on, "default", "web", ENABLED,
        "{\"initContainers\":[{\"name\":\"init\",\"image\":\"init:1\"}],\"containers\":[{\"name\":\"app\",\"image\":\"shop:1\"}]}");
    assertThat(env(pod, "containers", 0)).containsExactly(HOST_IP, ENTITY_ID);
    assertThat(env(pod, "initContainers", 0)).containsExactly(HOST_IP, ENTITY_ID);
    assertThat(on.live(pod.key())).isEqualTo(pod);
  }

  @Test
  void unlabelledAndOptedOutPods_areCreatedUnchanged() {
    OperatorOnCluster on = cluster("");
    assertThat(createPod(on, "plain", "{}").at("spec.containers").get(0).has("env")).isFalse();
    assertThat(createPod(on, "out", "{\"admission.datadoghq.com/enabled\":\"false\"}").at("spec.containers").get(0).has("env")).isFalse();
  }

  @Test
  void apmInstrumentation_mutatesUnlabelledPodsButNotOptedOutOnes() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ClusterAgentWebhooks.register(on.cluster.server());
    on.converge(on.createSharedExamples());
    assertThat(env(createPod(on, "plain", "{}"), "containers", 0)).containsExactly(HOST_IP, ENTITY_ID);
    assertThat(createPod(on, "out", "{\"admission.datadoghq.com/enabled\":\"false\"}").at("spec.containers").get(0).has("env")).isFalse();
  }

  @Test
  void kubeSystemAndTheAgentsNamespace_areExcluded() {
    OperatorOnCluster on = cluster("");
    String spec = "{\"containers\":[{\"name\":\"app\",\"image\":\"shop:1\"}]}";
    assertThat(createPod(on, "kube-system", "dns", ENABLED, spec).at("spec.containers").get(0).has("env")).isFalse();
    assertThat(createPod(on, "datadog", "mine", ENABLED, spec).at("spec.containers").get(0).has("env")).isFalse();
  }

  @Test
  void serviceMode_pointsAtTheNodeAgentsLocalService() {
    OperatorOnCluster on = cluster("  features:\n    admissionController:\n      agentCommunicationMode: service\n");
    assertThat(env(createPod(on, "web", ENABLED), "containers", 0)).containsExactly(
        "{\"name\":\"DD_AGENT_HOST\",\"value\":\"datadog-agent.datadog.svc.cluster.local\"}", ENTITY_ID);
  }

  @Test
  void socketModeLabelOnThePod_overridesTheDefaultMode() {
    OperatorOnCluster on = cluster("");
    Resource pod = createPod(on, "web", "{\"admission.datadoghq.com/enabled\":\"true\",\"admission.datadoghq.com/config.mode\":\"socket\"}");
    assertThat(env(pod, "containers", 0)).containsExactly(
        "{\"name\":\"DD_TRACE_AGENT_URL\",\"value\":\"unix:///var/run/datadog/apm.socket\"}",
        "{\"name\":\"DD_DOGSTATSD_URL\",\"value\":\"unix:///var/run/datadog/dsd.socket\"}",
        ENTITY_ID);
    // After the ServiceAccount admission plugin's token volume, which kube-apiserver mounts before any webhook runs.
    JsonNode mounts = pod.at("spec.containers").get(0).path("volumeMounts");
    assertThat(mounts).hasSize(2);
    assertThat(mounts.get(0).path("mountPath").asText()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
    assertThat(mounts.get(1)).isEqualTo(Json.parse(
        "{\"name\":\"datadog\",\"mountPath\":\"/var/run/datadog\",\"readOnly\":true}"));
    JsonNode volumes = pod.at("spec.volumes");
    assertThat(volumes).hasSize(2);
    assertThat(volumes.get(0).path("name").asText()).startsWith("kube-api-access-");
    assertThat(volumes.get(1)).isEqualTo(Json.parse(
        "{\"name\":\"datadog\",\"hostPath\":{\"path\":\"/var/run/datadog\",\"type\":\"DirectoryOrCreate\"}}"));
  }

  @Test
  void standardTags_comeFromThePodsLabels() {
    OperatorOnCluster on = cluster("");
    Resource pod = createPod(on, "web", "{\"admission.datadoghq.com/enabled\":\"true\",\"tags.datadoghq.com/env\":\"prod\","
        + "\"tags.datadoghq.com/service\":\"shop\",\"tags.datadoghq.com/version\":\"1.2\"}");
    // Two webhooks in name order, each prepending: the tags webhook ran second, so its variables come first.
    assertThat(env(pod, "containers", 0)).containsExactly(
        "{\"name\":\"DD_ENV\",\"value\":\"prod\"}",
        "{\"name\":\"DD_SERVICE\",\"value\":\"shop\"}",
        "{\"name\":\"DD_VERSION\",\"value\":\"1.2\"}",
        HOST_IP, ENTITY_ID);
  }

  @Test
  void standardTags_ofAnUnlabelledPodComeFromItsReplicaSetsDeployment() {
    OperatorOnCluster on = cluster("");
    Resource deployment = on.cluster.create("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"shop","namespace":"default",
          "labels":{"tags.datadoghq.com/env":"staging","tags.datadoghq.com/service":"shop","tags.datadoghq.com/version":"2.0"}},
         "spec":{"selector":{"matchLabels":{"app":"shop"}},"template":{"metadata":{"labels":{"app":"shop"}},
          "spec":{"containers":[{"name":"app","image":"shop:2"}]}}}}""");
    Resource replicaSet = on.cluster.create("""
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"shop-7d9f","namespace":"default","labels":{"app":"shop"},
          "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"shop","uid":"%s","controller":true}]},
         "spec":{"selector":{"matchLabels":{"app":"shop"}},"template":{"metadata":{"labels":{"app":"shop"}},
          "spec":{"containers":[{"name":"app","image":"shop:2"}]}}}}""".formatted(deployment.uid()));
    Resource pod = on.cluster.create("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"shop-7d9f-x2x4q","namespace":"default",
          "labels":{"app":"shop","admission.datadoghq.com/enabled":"true"},
          "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"shop-7d9f","uid":"%s","controller":true}]},
         "spec":{"containers":[{"name":"app","image":"shop:2"}]}}""".formatted(replicaSet.uid()));
    assertThat(env(pod, "containers", 0)).containsExactly(
        "{\"name\":\"DD_ENV\",\"value\":\"staging\"}",
        "{\"name\":\"DD_SERVICE\",\"value\":\"shop\"}",
        "{\"name\":\"DD_VERSION\",\"value\":\"2.0\"}",
        HOST_IP, ENTITY_ID);
  }

  @Test
  void variablesAPodAlreadySets_areNeverOverwritten() {
    OperatorOnCluster on = cluster("");
    Resource pod = createPod(on, "default", "web", "{\"admission.datadoghq.com/enabled\":\"true\",\"tags.datadoghq.com/env\":\"prod\"}",
        "{\"containers\":[{\"name\":\"app\",\"image\":\"shop:1\",\"env\":[{\"name\":\"DD_AGENT_HOST\",\"value\":\"my-agent\"},"
            + "{\"name\":\"DD_ENV\",\"value\":\"qa\"}]}]}");
    assertThat(env(pod, "containers", 0)).containsExactly(
        ENTITY_ID,
        "{\"name\":\"DD_AGENT_HOST\",\"value\":\"my-agent\"}",
        "{\"name\":\"DD_ENV\",\"value\":\"qa\"}");
  }

  @Test
  void onlyPodCreationIsMutated() {
    OperatorOnCluster on = cluster("");
    Resource plain = createPod(on, "web", "{}");
    Resource relabelled = on.cluster.server().update(Identity.admin(),
        plain.edit(tree -> tree.withObjectProperty("metadata").withObjectProperty("labels").put("admission.datadoghq.com/enabled", "true")));
    assertThat(relabelled.at("spec.containers").get(0).has("env")).isFalse();
    Resource configMap = on.cluster.create("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"namespace\":\"default\","
        + "\"labels\":" + ENABLED + "},\"data\":{\"a\":\"b\"}}");
    assertThat(configMap.json().path("data")).isEqualTo(Json.parse("{\"a\":\"b\"}"));
  }

  // ------------------------------------------------------------------ live configuration and availability

  @Test
  void withoutTheWebhookConfiguration_podsAreLeftAlone_andItsReturnTakesEffectAtOnce() {
    OperatorOnCluster on = cluster("");
    ResourceKey webhook = ResourceKey.parse("admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook");
    on.cluster.server().delete(Identity.admin(), webhook, DeleteParams.defaults());
    assertThat(createPod(on, "before", ENABLED).at("spec.containers").get(0).has("env")).isFalse();
    on.converge(ResourceKey.parse("datadoghq.com/DatadogAgent/datadog/datadog"));
    assertThat(on.live(webhook).name()).isEqualTo("datadog-webhook");
    assertThat(env(createPod(on, "after", ENABLED), "containers", 0)).containsExactly(HOST_IP, ENTITY_ID);
  }

  @Test
  void clusterAgentDown_ignorePolicy_createsThePodUnmutated() {
    OperatorOnCluster on = cluster("");
    on.workloads.deploymentsDown(true);
    Resource pod = createPod(on, "web", ENABLED);
    assertThat(pod.at("spec.containers").get(0).has("env")).isFalse();
    on.workloads.deploymentsDown(false);
    assertThat(env(createPod(on, "web-2", ENABLED), "containers", 0)).containsExactly(HOST_IP, ENTITY_ID);
  }

  @Test
  void clusterAgentDown_failPolicy_refusesThePodAsKubernetesWordsIt() {
    OperatorOnCluster on = cluster("  features:\n    admissionController:\n      failurePolicy: Fail\n");
    String clusterIp = on.live(ResourceKey.parse("Service/datadog/datadog-admission-controller")).spec().path("clusterIP").asText();
    assertThat(clusterIp).matches("10\\.96\\.\\d+\\.\\d+");
    on.workloads.deploymentsDown(true);
    long mark = on.cluster.requests().mark();
    assertThatThrownBy(() -> createPod(on, "web", ENABLED))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage("Internal error occurred: failed calling webhook \"datadog.webhook.agent.config\": failed to call webhook: "
            + "Post \"https://datadog-admission-controller.datadog.svc:443/injectconfig?timeout=10s\": dial tcp " + clusterIp
            + ":443: connect: connection refused");
    assertThat(on.since(mark)).extracting(r -> OperatorOnCluster.describe(r) + " " + r.code())
        .containsExactly("create pods default/web 500");
    assertThat(on.admin.get(ResourceKey.parse("Pod/default/web"))).isEmpty();
    // Unlabelled pods do not match the webhook's object selector: never blocked.
    assertThat(createPod(on, "plain", "{}").name()).isEqualTo("plain");
    on.workloads.deploymentsDown(false);
    assertThat(env(createPod(on, "web", ENABLED), "containers", 0)).containsExactly(HOST_IP, ENTITY_ID);
  }

  @Test
  void admissionServiceMissing_failPolicy_namesTheService() {
    OperatorOnCluster on = cluster("  features:\n    admissionController:\n      failurePolicy: Fail\n");
    on.cluster.server().delete(Identity.admin(), ResourceKey.parse("Service/datadog/datadog-admission-controller"), DeleteParams.defaults());
    assertThatThrownBy(() -> createPod(on, "web", ENABLED)).hasMessage(
        "Internal error occurred: failed calling webhook \"datadog.webhook.agent.config\": failed to call webhook: "
            + "Post \"https://datadog-admission-controller.datadog.svc:443/injectconfig?timeout=10s\": "
            + "service \"datadog-admission-controller\" not found");
  }

  @Test
  void aPathTheClusterAgentDoesNotServe_failsAsA404Would() {
    OperatorOnCluster on = cluster("");
    on.cluster.create("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"a-custom"},
         "webhooks":[{"name":"datadog.webhook.lib.injection","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"service":{"namespace":"datadog","name":"datadog-admission-controller","path":"/injectlib","port":443}},
           "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]}]}""");
    // failurePolicy is unset: admissionregistration.k8s.io/v1 defaults it to Fail.
    assertThatThrownBy(() -> createPod(on, "web", "{}")).hasMessage("Internal error occurred: failed calling webhook "
        + "\"datadog.webhook.lib.injection\": failed to call webhook: the server could not find the requested resource");
  }

  @Test
  void deletedDatadogAgent_leavesNoWebhookThatBlocksPods() {
    OperatorOnCluster on = cluster("  features:\n    admissionController:\n      failurePolicy: Fail\n");
    ResourceKey dda = ResourceKey.parse("datadoghq.com/DatadogAgent/datadog/datadog");
    on.cluster.server().delete(Identity.admin(), dda, DeleteParams.defaults());
    on.pass(dda);
    assertThat(on.admin.get(dda)).isEmpty();
    Resource pod = createPod(on, "web", ENABLED);
    assertThat(pod.at("spec.containers").get(0).has("env")).isFalse();
    List<RequestRecord> failed = on.cluster.requests().records().stream().filter(r -> !r.succeeded() && r.code() != 404).toList();
    assertThat(failed).isEmpty();
  }

  @Test
  void twoDatadogAgents_theFirstConfigurationByNameInjectsAndTheSecondOverwritesNothing() {
    OperatorOnCluster on = cluster("");
    on.converge(on.createAgent("canary", DatadogFixtures.MINIMAL
        + "  features:\n    admissionController:\n      agentCommunicationMode: service\n"));
    // canary-webhook sorts before datadog-webhook: the canary's Cluster Agent answers first (service mode);
    // the datadog one then finds both variables set and adds nothing.
    assertThat(env(createPod(on, "web", ENABLED), "containers", 0)).containsExactly(
        "{\"name\":\"DD_AGENT_HOST\",\"value\":\"canary-agent.datadog.svc.cluster.local\"}", ENTITY_ID);
  }
}
