package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.defaults.PodSpecDefaults;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Server-side defaults of the kinds the DatadogAgent example uses, each asserted as the exact JSON a real
 * API server returns for it.
 */
class DefaultingTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 19);
  private final ApiServer server = cluster.server();

  private Resource create(String json) {
    return server.create(ADMIN, Fixtures.parse(json));
  }

  @Test
  void deployment_defaults() {
    Resource d = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    JsonNode spec = d.spec();
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.path("strategy").toString())
        .isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}");
    assertThat(spec.path("revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(spec.path("progressDeadlineSeconds").asInt()).isEqualTo(600);
    assertThat(spec.path("template").path("spec").toString()).isEqualTo("{\"containers\":[{\"name\":\"main\","
        + "\"image\":\"nginx:1.27\",\"imagePullPolicy\":\"IfNotPresent\",\"terminationMessagePath\":\"/dev/termination-log\","
        + "\"terminationMessagePolicy\":\"File\",\"resources\":{}}],\"restartPolicy\":\"Always\",\"dnsPolicy\":\"ClusterFirst\","
        + "\"schedulerName\":\"default-scheduler\",\"terminationGracePeriodSeconds\":30,\"securityContext\":{}}");
  }

  @Test
  void recreateStrategy_getsNoRollingUpdateBlock() {
    Resource d = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx")
        .edit(t -> t.with("spec").putObject("strategy").put("type", "Recreate")));
    assertThat(d.spec().path("strategy").toString()).isEqualTo("{\"type\":\"Recreate\"}");
  }

  @Test
  void daemonSet_defaults() {
    Resource ds = create("""
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},
          "spec":{"containers":[{"name":"agent","image":"gcr.io/datadoghq/agent:latest",
                   "ports":[{"containerPort":8125}],
                   "env":[{"name":"DD_KUBERNETES_KUBELET_HOST","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}}]}]}}}}""");
    assertThat(ds.spec().path("updateStrategy").toString())
        .isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}");
    assertThat(ds.spec().path("revisionHistoryLimit").asInt()).isEqualTo(10);
    JsonNode container = ds.spec().path("template").path("spec").path("containers").get(0);
    assertThat(container.path("imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(container.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
    assertThat(container.path("env").get(0).path("valueFrom").path("fieldRef").toString())
        .isEqualTo("{\"fieldPath\":\"status.hostIP\",\"apiVersion\":\"v1\"}");
  }

  @Test
  void imagePullPolicy_followsTheTag() {
    assertThat(PodSpecDefaults.pullPolicy("nginx")).isEqualTo("Always");
    assertThat(PodSpecDefaults.pullPolicy("nginx:latest")).isEqualTo("Always");
    assertThat(PodSpecDefaults.pullPolicy("nginx:1.27")).isEqualTo("IfNotPresent");
    assertThat(PodSpecDefaults.pullPolicy("registry:5000/team/app")).isEqualTo("Always");
    assertThat(PodSpecDefaults.pullPolicy("registry:5000/team/app:2")).isEqualTo("IfNotPresent");
    assertThat(PodSpecDefaults.pullPolicy("app@sha256:abc")).isEqualTo("IfNotPresent");
  }

  @Test
  void pod_defaults_andPendingStatus() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));
    assertThat(pod.spec().path("serviceAccountName").asText()).isEqualTo("default");
    assertThat(pod.spec().path("enableServiceLinks").asBoolean()).isTrue();
    assertThat(pod.spec().path("tolerations").toString()).isEqualTo("[{\"key\":\"node.kubernetes.io/not-ready\","
        + "\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300},{\"key\":\"node.kubernetes.io/unreachable\","
        + "\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]");
    assertThat(pod.status().toString()).isEqualTo("{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\"}");
  }

  @Test
  void service_defaults_andDeterministicClusterIps() {
    Resource svc = create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"datadog-admission-controller","namespace":"default"},
         "spec":{"selector":{"app":"cluster-agent"},"ports":[{"port":443,"targetPort":8000}]}}""");
    assertThat(svc.spec().toString()).isEqualTo("{\"selector\":{\"app\":\"cluster-agent\"},\"ports\":[{\"port\":443,"
        + "\"targetPort\":8000,\"protocol\":\"TCP\"}],\"type\":\"ClusterIP\",\"sessionAffinity\":\"None\","
        + "\"internalTrafficPolicy\":\"Cluster\",\"clusterIP\":\"10.96.0.2\",\"clusterIPs\":[\"10.96.0.2\"],"
        + "\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\"}");
    assertThat(svc.status().toString()).isEqualTo("{\"loadBalancer\":{}}");
    Resource second = create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"agent","namespace":"default"},
         "spec":{"ports":[{"port":8125,"protocol":"UDP"}],"internalTrafficPolicy":"Local"}}""");
    assertThat(second.spec().path("clusterIP").asText()).isEqualTo("10.96.0.3");
    assertThat(second.spec().path("ports").get(0).path("targetPort").asInt()).isEqualTo(8125);
    assertThat(second.spec().path("internalTrafficPolicy").asText()).isEqualTo("Local");
    server.delete(ADMIN, svc.key(), DeleteParams.defaults());
    Resource reused = create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"again","namespace":"default"},"spec":{"ports":[{"port":80}]}}""");
    assertThat(reused.spec().path("clusterIP").asText()).isEqualTo("10.96.0.2");
  }

  @Test
  void secret_foldsStringDataIntoBase64Data_andDefaultsItsType() {
    Resource secret = create("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"datadog-secret","namespace":"default"},
         "stringData":{"api-key":"0123456789abcdef0123456789abcdef"},"data":{"app-key":"eA=="}}""");
    assertThat(secret.json().has("stringData")).isFalse();
    assertThat(secret.json().path("type").asText()).isEqualTo("Opaque");
    assertThat(new String(Base64.getDecoder().decode(secret.json().path("data").path("api-key").asText()),
        StandardCharsets.UTF_8)).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(secret.json().path("data").path("app-key").asText()).isEqualTo("eA==");
  }

  @Test
  void webhookConfiguration_defaults() {
    Resource webhook = create("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"datadog-webhook"},
         "webhooks":[{"name":"datadog.webhook.agent.config","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"service":{"name":"datadog-admission-controller","namespace":"default","path":"/injectconfig"}},
           "rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]}""");
    JsonNode hook = webhook.json().path("webhooks").get(0);
    assertThat(hook.path("failurePolicy").asText()).isEqualTo("Fail");
    assertThat(hook.path("matchPolicy").asText()).isEqualTo("Equivalent");
    assertThat(hook.path("namespaceSelector").toString()).isEqualTo("{}");
    assertThat(hook.path("objectSelector").toString()).isEqualTo("{}");
    assertThat(hook.path("timeoutSeconds").asInt()).isEqualTo(10);
    assertThat(hook.path("reinvocationPolicy").asText()).isEqualTo("Never");
    assertThat(hook.path("rules").get(0).path("scope").asText()).isEqualTo("*");
    assertThat(hook.path("clientConfig").path("service").path("port").asInt()).isEqualTo(443);
    assertThat(webhook.generation()).isEqualTo(1);
  }

  @Test
  void job_andCronJob_defaults() {
    Resource job = create("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once","namespace":"default"},
         "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1"}]}}}}""");
    assertThat(job.spec().path("completions").asInt()).isEqualTo(1);
    assertThat(job.spec().path("parallelism").asInt()).isEqualTo(1);
    assertThat(job.spec().path("backoffLimit").asInt()).isEqualTo(6);
    assertThat(job.spec().path("completionMode").asText()).isEqualTo("NonIndexed");
    assertThat(job.spec().path("selector").path("matchLabels").path("batch.kubernetes.io/controller-uid").asText())
        .isEqualTo(job.uid());
    assertThat(job.spec().path("template").path("metadata").path("labels").path("job-name").asText()).isEqualTo("once");
    // Without template labels the Job keeps none; with them and none of its own it takes them, generated ones too
    // (SetDefaults_Job hands it the template's map, to which generateSelector then adds).
    assertThat(job.metadata().has("labels")).isFalse();
    Resource labelled = create("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"labelled","namespace":"default"},
         "spec":{"template":{"metadata":{"labels":{"app":"migrate"}},
                 "spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1"}]}}}}""");
    assertThat(labelled.labels()).containsEntry("app", "migrate").containsEntry("job-name", "labelled")
        .containsEntry("batch.kubernetes.io/controller-uid", labelled.uid());
    Resource own = create("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"own","namespace":"default","labels":{"team":"a"}},
         "spec":{"template":{"metadata":{"labels":{"app":"migrate"}},
                 "spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1"}]}}}}""");
    assertThat(own.labels()).containsExactly(java.util.Map.entry("team", "a"));
    Resource cron = create("""
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"often","namespace":"default"},
         "spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure",
           "containers":[{"name":"c","image":"busybox"}]}}}}}}""");
    assertThat(cron.spec().path("concurrencyPolicy").asText()).isEqualTo("Allow");
    assertThat(cron.spec().path("suspend").asBoolean()).isFalse();
    assertThat(cron.spec().path("successfulJobsHistoryLimit").asInt()).isEqualTo(3);
    assertThat(cron.spec().path("failedJobsHistoryLimit").asInt()).isEqualTo(1);
    assertThat(cron.spec().path("jobTemplate").path("spec").path("template").path("spec").path("containers").get(0)
        .path("imagePullPolicy").asText()).isEqualTo("Always");
  }

  @Test
  void bindingSubjects_getTheirApiGroup() {
    Resource binding = create("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"kind":"User","name":"u"},{"kind":"ServiceAccount","name":"s","namespace":"default"}]}""");
    assertThat(binding.json().path("subjects").get(0).path("apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(binding.json().path("subjects").get(1).path("apiGroup").asText()).isEmpty();
  }

  @Test
  void sendingTheDefaultsBack_isNotAChange() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    long revision = server.revision();
    Resource same = server.update(ADMIN, Fixtures.parse(created.json().toString()));
    assertThat(same.resourceVersion()).isEqualTo(created.resourceVersion());
    assertThat(server.revision()).isEqualTo(revision);
  }
}
