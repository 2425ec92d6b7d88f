package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.WriteOptions;
import org.junit.jupiter.api.Test;

/**
 * The ServiceAccount admission plugin on pod creation: the {@code default} account, the account's existence, the
 * {@code kube-api-access-*} projected volume and its mounts, {@code automountServiceAccountToken}, the account's
 * image pull secrets, mirror pods; and the deprecated {@code serviceAccount} alias every pod spec carries.
 */
class ServiceAccountAdmissionTest {
  private static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 61);
  private final ApiServer server = cluster.server();

  @Test
  void aPodWithoutAnAccount_runsAsDefault_andMountsAProjectedToken_inEveryContainer() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "web", "").edit(t -> {
      ObjectNode spec = t.with("spec");
      spec.withArray("initContainers").addObject().put("name", "init").put("image", "busybox:1.36");
    }));
    JsonNode spec = pod.spec();
    assertThat(spec.path("serviceAccountName").asText()).isEqualTo("default");
    assertThat(spec.path("serviceAccount").asText()).isEqualTo("default");
    String volume = spec.at("/volumes/0/name").asText();
    assertThat(volume).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(spec.path("volumes")).hasSize(1);
    assertThat(spec.at("/volumes/0").toString()).isEqualTo("{\"name\":\"" + volume + "\",\"projected\":{\"sources\":["
        + "{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
        + "{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},"
        + "{\"downwardAPI\":{\"items\":[{\"path\":\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\","
        + "\"fieldPath\":\"metadata.namespace\"}}]}}],\"defaultMode\":420}}");
    String mount = "[{\"name\":\"" + volume + "\",\"readOnly\":true,\"mountPath\":\"" + MOUNT_PATH + "\"}]";
    assertThat(spec.at("/containers/0/volumeMounts").toString()).isEqualTo(mount);
    assertThat(spec.at("/initContainers/0/volumeMounts").toString()).isEqualTo(mount);
    // The field manager ran before admission: the creator owns none of what the plugin added.
    String owned = pod.metadata().path("managedFields").get(0).path("fieldsV1").toString();
    assertThat(owned).doesNotContain("kube-api-access").doesNotContain("f:volumeMounts").doesNotContain("f:volumes")
        .contains("f:enableServiceLinks");
  }

  @Test
  void anAccountThatDoesNotExist_isForbidden_namingAGeneratedPodByItsPrefix() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.pod("default", "web", "").edit(t ->
        t.with("spec").put("serviceAccountName", "robot"))))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"web\" is forbidden: error looking up service account default/robot: serviceaccount "
            + "\"robot\" not found");
    JsonNode generated = Json.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-7d9c8b4f6-","namespace":"default"},
         "spec":{"serviceAccountName":"robot","containers":[{"name":"main","image":"nginx:1.27"}]}}""");
    assertThatThrownBy(() -> server.post(ADMIN, generated, WriteOptions.defaults()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"web-7d9c8b4f6-\" is forbidden: error looking up service account default/robot: "
            + "serviceaccount \"robot\" not found");
    assertThat(server.cache().inNamespace(dev.converge.api.GroupKind.of("", "Pod"), "default")).isEmpty();
  }

  @Test
  void automount_isThePodsChoice_elseTheAccounts() {
    account("{\"name\":\"quiet\"},\"automountServiceAccountToken\":false,\"imagePullSecrets\":[{\"name\":\"registry\"}]");
    Resource inherits = server.create(ADMIN, Fixtures.pod("default", "a", "").edit(t ->
        t.with("spec").put("serviceAccountName", "quiet")));
    assertThat(inherits.spec().has("volumes")).isFalse();
    assertThat(inherits.spec().at("/containers/0").has("volumeMounts")).isFalse();
    // The account's pull secrets go to a pod that has none.
    assertThat(inherits.spec().path("imagePullSecrets").toString()).isEqualTo("[{\"name\":\"registry\"}]");

    Resource overrides = server.create(ADMIN, Fixtures.pod("default", "b", "").edit(t -> {
      ObjectNode spec = t.with("spec");
      spec.put("serviceAccountName", "quiet").put("automountServiceAccountToken", true);
      spec.withArray("imagePullSecrets").addObject().put("name", "own");
    }));
    assertThat(overrides.spec().at("/volumes/0/name").asText()).startsWith("kube-api-access-");
    assertThat(overrides.spec().path("imagePullSecrets").toString()).isEqualTo("[{\"name\":\"own\"}]");

    Resource declines = server.create(ADMIN, Fixtures.pod("default", "c", "").edit(t ->
        t.with("spec").put("automountServiceAccountToken", false)));
    assertThat(declines.spec().has("volumes")).isFalse();
  }

  @Test
  void aContainerWithSomethingAtThePath_keepsIt_andAnExistingTokenVolumeIsReused() {
    Resource own = server.create(ADMIN, Fixtures.pod("default", "own", "").edit(t -> {
      ObjectNode spec = t.with("spec");
      spec.withArray("volumes").addObject().put("name", "mine").putObject("emptyDir");
      ((ObjectNode) spec.withArray("containers").get(0)).withArray("volumeMounts").addObject()
          .put("name", "mine").put("mountPath", MOUNT_PATH);
    }));
    // No container needs the token: no volume is added.
    assertThat(own.spec().path("volumes")).hasSize(1);
    assertThat(own.spec().at("/containers/0/volumeMounts")).hasSize(1);

    Resource reused = server.create(ADMIN, Fixtures.pod("default", "reused", "").edit(t ->
        t.with("spec").withArray("volumes").addObject().put("name", "kube-api-access-given").putObject("emptyDir")));
    assertThat(reused.spec().path("volumes")).hasSize(1);
    assertThat(reused.spec().at("/containers/0/volumeMounts/0/name").asText()).isEqualTo("kube-api-access-given");
  }

  @Test
  void aMirrorPod_isNotChanged_andMayNotReferenceAnAccountOrASecret() {
    Resource mirror = server.create(ADMIN, Fixtures.pod("default", "static-web-node-1", "node-1").edit(t ->
        t.with("metadata").with("annotations").put("kubernetes.io/config.mirror", "hash")));
    assertThat(mirror.spec().has("serviceAccountName")).isFalse();
    assertThat(mirror.spec().has("volumes")).isFalse();
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.pod("default", "m2", "node-1").edit(t -> {
      t.with("metadata").with("annotations").put("kubernetes.io/config.mirror", "hash");
      t.with("spec").put("serviceAccountName", "default");
    }))).hasMessage("pods \"m2\" is forbidden: a mirror pod may not reference service accounts");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.pod("default", "m3", "node-1").edit(t -> {
      t.with("metadata").with("annotations").put("kubernetes.io/config.mirror", "hash");
      t.with("spec").withArray("volumes").addObject().put("name", "s").putObject("secret").put("secretName", "x");
    }))).hasMessage("pods \"m3\" is forbidden: a mirror pod may not reference secrets");
  }

  @Test
  void theDeprecatedAlias_isReadWhenTheNameIsMissing_andWrittenAsTheName() {
    account("{\"name\":\"robot\"}");
    Resource deployment = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27").edit(t ->
        t.with("spec").with("template").with("spec").put("serviceAccount", "robot")));
    JsonNode template = deployment.spec().path("template").path("spec");
    assertThat(template.path("serviceAccountName").asText()).isEqualTo("robot");
    assertThat(template.path("serviceAccount").asText()).isEqualTo("robot");
    Resource both = server.create(ADMIN, Fixtures.pod("default", "both", "").edit(t ->
        t.with("spec").put("serviceAccountName", "robot").put("serviceAccount", "default")));
    assertThat(both.spec().path("serviceAccount").asText()).as("the name wins").isEqualTo("robot");
  }

  private void account(String metadataAndFields) {
    String[] parts = metadataAndFields.split("}", 2);
    server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":"
        + parts[0].replace("{\"name\"", "{\"namespace\":\"default\",\"name\"") + "}" + parts[1] + "}"));
  }
}
