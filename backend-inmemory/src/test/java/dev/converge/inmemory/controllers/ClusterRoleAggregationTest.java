package dev.converge.inmemory.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.Ticker;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.rbac.RbacAuthorizer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.Reviews;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap policy's {@code view}, {@code edit} and {@code admin}, filled by the aggregation controller,
 * answer as Kubernetes' do; a CRD's role labelled to aggregate is folded in, and taken out again.
 */
class ClusterRoleAggregationTest {
  private static final GroupKind CLUSTER_ROLE = GroupKind.of("rbac.authorization.k8s.io", "ClusterRole");
  private final ApiServer server = InMemoryCluster.create(Ticker.system(), 1).server();
  private final Identity alice = Identity.user("alice", "devs");

  ClusterRoleAggregationTest() {
    server.create(Identity.admin(), Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\"}}")));
  }

  private void bind(String clusterRole) {
    server.create(Identity.admin(), Resource.of(Json.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"alice-%s","namespace":"team"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"}]}"""
        .formatted(clusterRole, clusterRole))));
  }

  private boolean may(String verb, String group, String resource, String subresource) {
    RbacAuthorizer rbac = server.rbac();
    return rbac.authorize(alice, verb, group, resource, subresource, "team", "x");
  }

  @Test
  void view_readsButDoesNotWrite_norReadSecrets() {
    bind("view");
    assertThat(may("list", "", "pods", "")).isTrue();
    assertThat(may("get", "", "pods", "log")).isTrue();
    assertThat(may("watch", "apps", "deployments", "")).isTrue();
    assertThat(may("get", "policy", "poddisruptionbudgets", "status")).isTrue();
    assertThat(may("get", "", "secrets", "")).isFalse();
    assertThat(may("create", "", "configmaps", "")).isFalse();
    assertThat(may("list", "rbac.authorization.k8s.io", "roles", "")).isFalse();
  }

  @Test
  void edit_writesWorkloadsAndSecrets_andHasViewsReads_butNotRoles() {
    bind("edit");
    assertThat(may("create", "apps", "deployments", "")).isTrue();
    assertThat(may("patch", "apps", "deployments", "scale")).isTrue();
    assertThat(may("get", "", "secrets", "")).isTrue();
    assertThat(may("create", "", "pods", "eviction")).isTrue();
    assertThat(may("list", "", "pods", "")).isTrue();
    assertThat(may("create", "rbac.authorization.k8s.io", "rolebindings", "")).isFalse();
    assertThat(may("update", "", "resourcequotas", "")).isFalse();
  }

  @Test
  void admin_addsRolesAndBindings_toEverythingEditMay() {
    bind("admin");
    assertThat(may("create", "rbac.authorization.k8s.io", "rolebindings", "")).isTrue();
    assertThat(may("create", "authorization.k8s.io", "localsubjectaccessreviews", "")).isTrue();
    assertThat(may("delete", "batch", "jobs", "")).isTrue();
    assertThat(may("get", "", "pods", "log")).isTrue();
    assertThat(may("create", "", "namespaces", "")).isFalse();
  }

  @Test
  void aCustomResourcesRole_labelledToAggregate_isFoldedIn_andTakenOutWhenDeleted() {
    bind("view");
    assertThat(may("list", "datadoghq.com", "datadogagents", "")).isFalse();
    Resource crdRole = server.create(Identity.admin(), Resource.of(Json.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
         "metadata":{"name":"datadogagents-view","labels":{"rbac.authorization.k8s.io/aggregate-to-view":"true"}},
         "rules":[{"apiGroups":["datadoghq.com"],"resources":["datadogagents"],"verbs":["get","list","watch"]}]}""")));
    assertThat(may("list", "datadoghq.com", "datadogagents", "")).isTrue();
    // view aggregates into edit, and edit into admin.
    Resource admin = server.cache().get(CLUSTER_ROLE, "", "admin");
    assertThat(admin.json().path("rules").toString()).contains("datadogagents");
    assertThat(admin.metadata().path("managedFields").toString()).contains("clusterrole-aggregation-controller");

    server.delete(Identity.admin(), crdRole.key(), DeleteParams.defaults());
    assertThat(may("list", "datadoghq.com", "datadogagents", "")).isFalse();
    assertThat(server.cache().get(CLUSTER_ROLE, "", "admin").json().path("rules").toString())
        .doesNotContain("datadogagents");
  }

  private boolean mayGet(String path) {
    JsonNode answer = server.review(alice, Reviews.SELF_SUBJECT_ACCESS_REVIEW, "", Json.parse("""
        {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
         "spec":{"nonResourceAttributes":{"path":"%s","verb":"get"}}}""".formatted(path)));
    return answer.path("status").path("allowed").asBoolean();
  }

  @Test
  void everyAuthenticatedUser_mayReadDiscoveryAndVersion_notMetrics() {
    assertThat(mayGet("/apis/apps/v1")).isTrue();
    assertThat(mayGet("/version")).isTrue();
    assertThat(mayGet("/healthz")).isTrue();
    assertThat(mayGet("/metrics")).isFalse();
  }
}
