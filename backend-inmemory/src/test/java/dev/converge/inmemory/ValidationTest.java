package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import org.junit.jupiter.api.Test;

/** Validation rejects what kube-apiserver rejects, with 422 and its causes. */
class ValidationTest {
  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 23).server();

  @Test
  void deploymentSelector_mustMatchTemplateLabels() {
    Resource bad = Fixtures.deployment("default", "web", "nginx")
        .edit(t -> t.with("spec").with("selector").with("matchLabels").put("app", "other"));
    assertThatThrownBy(() -> server.create(ADMIN, bad))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
            + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`")
        .satisfies(e -> assertThat(((BackendException.Invalid) e).code()).isEqualTo(422));
  }

  @Test
  void missingSelectorAndContainers_areListedTogether() {
    Resource bad = Fixtures.parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[]}}}}""");
    assertThatThrownBy(() -> server.create(ADMIN, bad))
        .isInstanceOf(BackendException.Invalid.class)
        .satisfies(e -> assertThat(((BackendException.Invalid) e).causes())
            .containsExactly("spec.selector: Required value", "spec.template.spec.containers: Required value"));
  }

  @Test
  void invalidName_isRejected() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "Bad_Name", "1")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageStartingWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain");
  }

  @Test
  void selector_isImmutable() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx"));
    Resource changed = created.edit(t -> {
      t.with("spec").with("selector").with("matchLabels").put("tier", "x");
      t.with("spec").with("template").with("metadata").with("labels").put("tier", "x");
    });
    assertThatThrownBy(() -> server.update(ADMIN, changed))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.selector: Invalid value: ")
        .hasMessageContaining("field is immutable");
  }

  @Test
  void roleBinding_roleRefIsImmutable() {
    Resource binding = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b","namespace":"default"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[]}"""));
    assertThatThrownBy(() -> server.update(ADMIN, binding.edit(t -> t.with("roleRef").put("name", "other"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("roleRef: Invalid value: ")
        .hasMessageContaining("cannot change roleRef");
  }

  @Test
  void serviceWithoutPorts_isRejected() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"spec\":{}}")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("Service \"s\" is invalid: spec.ports: Required value");
  }

  @Test
  void jobWithRestartAlways_isRejected() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"default"},
         "spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
  }
}
