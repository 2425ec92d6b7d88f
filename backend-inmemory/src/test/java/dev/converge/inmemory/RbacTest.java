package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RBAC authorization of every request against stored roles and bindings (verbs, resource names,
 * subresources, service-account subjects, namespaces), Kubernetes' forbidden messages, cache invalidation
 * when bindings change, and the escalation check on roles and bindings.
 */
class RbacTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 17);
  private final ApiServer server = cluster.server();
  private final Identity agent = Identity.serviceAccount("default", "agent");
  private final Identity alice = Identity.user("alice", "devs");

  private void role(String namespace, String name, String rules) {
    server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\"},\"rules\":" + rules + "}"));
  }

  private void bind(String namespace, String name, String roleKind, String role, String subjects) {
    server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\"},"
        + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"" + roleKind + "\",\"name\":\"" + role + "\"},"
        + "\"subjects\":" + subjects + "}"));
  }

  @Test
  void serviceAccount_isAllowedWhatItsRoleBindingGrants_only() {
    role("default", "reader", "[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\",\"list\"]}]");
    bind("default", "reader", "Role", "reader", "[{\"kind\":\"ServiceAccount\",\"name\":\"agent\"}]");
    server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    server.create(ADMIN, Fixtures.configMap("kube-system", "c", "1"));
    assertThat(server.get(agent, Fixtures.cm("default", "c")).name()).isEqualTo("c");
    assertThatThrownBy(() -> server.get(agent, Fixtures.cm("kube-system", "c")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("configmaps \"c\" is forbidden: User \"system:serviceaccount:default:agent\" cannot get resource "
            + "\"configmaps\" in API group \"\" in the namespace \"kube-system\"");
    assertThatThrownBy(() -> server.list(agent, ListRequest.all(GroupKind.of("", "ConfigMap"))))
        .hasMessage("configmaps is forbidden: User \"system:serviceaccount:default:agent\" cannot list resource "
            + "\"configmaps\" in API group \"\" at the cluster scope");
    assertThatThrownBy(() -> server.watch(agent, WatchRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("default"), e -> {}))
        .isInstanceOf(BackendException.Forbidden.class);
    assertThatThrownBy(() -> server.create(agent, Fixtures.configMap("default", "new", "1")))
        .isInstanceOf(BackendException.Forbidden.class);
  }

  @Test
  void podConnections_needCreate_andAWebSocketUpgradeNeedsGetToo() {
    server.create(ADMIN, Fixtures.pod("default", "web", "node-1"));
    ResourceKey web = ResourceKey.namespaced("", "Pod", "default", "web");
    role("default", "exec-get", "[{\"apiGroups\":[\"\"],\"resources\":[\"pods/exec\"],\"verbs\":[\"get\"]}]");
    bind("default", "exec-get", "Role", "exec-get", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    // get alone: the upgrade's second check (create, since 1.31) refuses it, and SPDY's create is refused outright.
    assertThatThrownBy(() -> server.connect(alice, web, "exec", null, true))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"web\" is forbidden: User \"alice\" cannot create resource \"pods/exec\" in API group \"\" "
            + "in the namespace \"default\"");
    assertThatThrownBy(() -> server.connect(alice, web, "exec", null, false)).isInstanceOf(BackendException.Forbidden.class);
    role("default", "exec-create", "[{\"apiGroups\":[\"\"],\"resources\":[\"pods/exec\"],\"verbs\":[\"create\"]}]");
    bind("default", "exec-create", "Role", "exec-create", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    // Allowed now: past authorization to the pod's checks and the refusal.
    assertThatThrownBy(() -> server.connect(alice, web, "exec", null, true)).isInstanceOf(BackendException.Invalid.class);
    assertThatThrownBy(() -> server.connect(alice, web, "attach", null, false))
        .isInstanceOf(BackendException.Forbidden.class).hasMessageContaining("cannot create resource \"pods/attach\"");
  }

  @Test
  void groupsResourceNamesAndSubresources_areMatched() {
    role("default", "pods-status", "[{\"apiGroups\":[\"\"],\"resources\":[\"pods/status\"],\"verbs\":[\"update\"]},"
        + "{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"resourceNames\":[\"p\"],\"verbs\":[\"get\"]}]");
    bind("default", "devs", "Role", "pods-status", "[{\"kind\":\"Group\",\"name\":\"devs\"}]");
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));
    server.create(ADMIN, Fixtures.pod("default", "q", ""));
    Resource read = server.get(alice, pod.key());
    assertThat(server.updateStatus(alice, read.edit(t -> t.with("status").put("phase", "Running")))
        .status().path("phase").asText()).isEqualTo("Running");
    assertThatThrownBy(() -> server.update(alice, read))
        .hasMessageContaining("cannot update resource \"pods\" in API group \"\" in the namespace \"default\"");
    assertThatThrownBy(() -> server.get(alice, ResourceKey.namespaced("", "Pod", "default", "q")))
        .isInstanceOf(BackendException.Forbidden.class);
  }

  @Test
  void createIsAuthorizedWithoutAName_soResourceNamesCannotAllowIt() {
    // The Kubernetes RBAC docs: "You cannot restrict create or deletecollection requests by their resource name."
    role("default", "named-creator", "[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
        + "\"resourceNames\":[\"c\"],\"verbs\":[\"create\",\"get\"]}]");
    bind("default", "named-creator", "Role", "named-creator", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    assertThatThrownBy(() -> server.create(alice, Fixtures.configMap("default", "c", "1")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("configmaps is forbidden: User \"alice\" cannot create resource \"configmaps\" in API group \"\" "
            + "in the namespace \"default\"");
    server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThat(server.get(alice, Fixtures.cm("default", "c")).name()).isEqualTo("c");
    // A create of a subresource names its object in the URL, so resourceNames do apply to it.
    role("default", "binder", "[{\"apiGroups\":[\"\"],\"resources\":[\"pods/binding\"],"
        + "\"resourceNames\":[\"p\"],\"verbs\":[\"create\"]}]");
    bind("default", "binder", "Role", "binder", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    server.create(ADMIN, Fixtures.pod("default", "p", ""));
    server.create(ADMIN, Fixtures.pod("default", "q", ""));
    assertThat(server.bind(alice, ResourceKey.namespaced("", "Pod", "default", "p"), "n1").spec()
        .path("nodeName").asText()).isEqualTo("n1");
    assertThatThrownBy(() -> server.bind(alice, ResourceKey.namespaced("", "Pod", "default", "q"), "n1"))
        .hasMessage("pods \"q\" is forbidden: User \"alice\" cannot create resource \"pods/binding\" in API group "
            + "\"\" in the namespace \"default\"");
  }

  @Test
  void newBinding_takesEffectAtOnce_andItsRemovalToo() {
    Resource cm = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThatThrownBy(() -> server.get(alice, cm.key())).isInstanceOf(BackendException.Forbidden.class);
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"alice-admin"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"kind":"User","name":"alice"}]}"""));
    assertThat(server.get(alice, cm.key()).name()).isEqualTo("c");
    server.delete(ADMIN, ResourceKey.cluster("rbac.authorization.k8s.io", "ClusterRoleBinding", "alice-admin"),
        dev.converge.inmemory.server.DeleteParams.defaults());
    assertThatThrownBy(() -> server.get(alice, cm.key())).isInstanceOf(BackendException.Forbidden.class);
  }

  @Test
  void creatingARoleWithRulesNotHeld_isForbiddenWithTheMissingRules() {
    role("default", "role-writer", "[{\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"roles\"],\"verbs\":[\"create\"]},"
        + "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\"]}]");
    bind("default", "role-writer", "Role", "role-writer", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    Resource allowed = Fixtures.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":"
        + "{\"name\":\"ok\",\"namespace\":\"default\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\"]}]}");
    assertThat(server.create(alice, allowed).name()).isEqualTo("ok");
    Resource escalating = Fixtures.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":"
        + "{\"name\":\"more\",\"namespace\":\"default\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\",\"secrets\"],"
        + "\"verbs\":[\"get\",\"list\"]}]}");
    assertThatThrownBy(() -> server.create(alice, escalating))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("roles.rbac.authorization.k8s.io \"more\" is forbidden: user \"alice\" (groups=[\"devs\" "
            + "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"configmaps\"], Verbs:[\"list\"]}\n"
            + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}");
  }

  @Test
  void theEscalationCheck_comesBeforeValidationAndValidatingAdmission() {
    role("default", "role-writer", "[{\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"roles\"],\"verbs\":[\"create\"]}]");
    bind("default", "role-writer", "Role", "role-writer", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    List<String> validated = new ArrayList<>();
    server.admission().register(AdmissionPlugin.validating("observe.example.com", request -> {
      validated.add(request.name());
      return Verdict.allow();
    }));
    // policybased.Storage.Create checks escalation before the standard store's BeforeCreate, validation and
    // validating admission: a Role that both escalates and is invalid (a rule without verbs) is a 403.
    Resource escalatingAndInvalid = Fixtures.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\","
        + "\"metadata\":{\"name\":\"more\",\"namespace\":\"default\"},\"rules\":[{\"apiGroups\":[\"\"],"
        + "\"resources\":[\"secrets\"],\"verbs\":[\"get\"]},{\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
    assertThatThrownBy(() -> server.create(alice, escalatingAndInvalid))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageStartingWith("roles.rbac.authorization.k8s.io \"more\" is forbidden: user \"alice\"");
    assertThat(validated).isEmpty();
    // The same invalid Role from an administrator, who holds every permission, is a 422.
    assertThatThrownBy(() -> server.create(ADMIN, escalatingAndInvalid)).isInstanceOf(BackendException.Invalid.class);
  }

  @Test
  void escalateVerb_allowsGrantingMore_andBindVerb_allowsBinding() {
    role("default", "escalator", "[{\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"roles\",\"rolebindings\"],"
        + "\"verbs\":[\"create\",\"escalate\"]},{\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"clusterroles\"],"
        + "\"verbs\":[\"bind\"],\"resourceNames\":[\"cluster-admin\"]}]");
    bind("default", "escalator", "Role", "escalator", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    Resource role = Fixtures.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":"
        + "{\"name\":\"all\",\"namespace\":\"default\"},\"rules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]}");
    assertThat(server.create(alice, role).name()).isEqualTo("all");
    Resource binding = Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"admin","namespace":"default"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"kind":"User","name":"bob"}]}""");
    assertThat(server.create(alice, binding).name()).isEqualTo("admin");
    Resource other = Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"all","namespace":"default"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"all"},
         "subjects":[{"kind":"User","name":"bob"}]}""");
    assertThatThrownBy(() -> server.create(alice, other))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageContaining("is attempting to grant RBAC permissions not currently held");
  }

  @Test
  void mastersBypassRbac_andControllersHaveTheirBootstrapRoles() {
    assertThat(server.rbac().authorize(ADMIN, "delete", "apps", "deployments", "", "x", "y")).isTrue();
    Identity gc = Identity.serviceAccount("kube-system", "generic-garbage-collector");
    assertThat(server.rbac().authorize(gc, "delete", "apps", "deployments", "", "x", "y")).isTrue();
    assertThat(server.rbac().authorize(gc, "create", "apps", "deployments", "", "x", "y")).isFalse();
  }

  @Test
  void roleChange_voidsTheDecisionsEveryInstanceOfAnIdentityCarries() {
    Identity aliceAgain = Identity.user("alice", "devs");
    role("default", "reader", "[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\"]}]");
    bind("default", "reader", "Role", "reader", "[{\"kind\":\"User\",\"name\":\"alice\"}]");
    Resource cm = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThat(server.get(alice, cm.key()).name()).isEqualTo("c");
    assertThat(server.get(aliceAgain, cm.key()).name()).isEqualTo("c");
    Resource role = server.get(ADMIN, ResourceKey.namespaced("rbac.authorization.k8s.io", "Role", "default", "reader"));
    server.update(ADMIN, role.edit(t -> t.withArray("rules").removeAll()));
    assertThatThrownBy(() -> server.get(alice, cm.key())).isInstanceOf(BackendException.Forbidden.class);
    assertThatThrownBy(() -> server.get(aliceAgain, cm.key())).isInstanceOf(BackendException.Forbidden.class);
    server.update(ADMIN, server.get(ADMIN, role.key()).edit(t -> t.set("rules", role.json().get("rules"))));
    assertThat(server.get(alice, cm.key()).name()).isEqualTo("c");
    assertThat(server.rbac().authorize(aliceAgain, "get", "", "configmaps", "", "default", "c")).isTrue();
  }

  @Test
  void identitiesBoundToTheSameRoles_followAChangeOfThoseRoles_andKeepTheirOwnBindings() {
    Identity bob = Identity.user("bob", "devs");
    role("default", "reader", "[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\"]}]");
    role("default", "lister", "[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"list\"]}]");
    bind("default", "devs", "Role", "reader", "[{\"kind\":\"Group\",\"name\":\"devs\"}]");
    bind("default", "bob", "Role", "lister", "[{\"kind\":\"User\",\"name\":\"bob\"}]");
    var rbac = server.rbac();
    assertThat(rbac.authorize(alice, "get", "", "configmaps", "", "default", "c")).isTrue();
    assertThat(rbac.authorize(bob, "get", "", "configmaps", "", "default", "c")).isTrue();
    assertThat(rbac.authorize(alice, "list", "", "configmaps", "", "default", "")).isFalse();
    assertThat(rbac.authorize(bob, "list", "", "configmaps", "", "default", "")).isTrue();

    Resource reader = server.get(ADMIN, ResourceKey.namespaced("rbac.authorization.k8s.io", "Role", "default", "reader"));
    server.update(ADMIN, reader.edit(t -> ((com.fasterxml.jackson.databind.node.ObjectNode) t.withArray("rules").get(0)).withArray("verbs").add("watch")));
    assertThat(rbac.authorize(alice, "watch", "", "configmaps", "", "default", "")).isTrue();
    assertThat(rbac.authorize(bob, "watch", "", "configmaps", "", "default", "")).isTrue();
    // Both hold the bootstrap roles of system:authenticated and the devs' reader; bob has his lister too.
    var alices = rbac.rulesFor(alice, "default");
    assertThat(rbac.rulesFor(bob, "default")).containsAll(alices).hasSize(alices.size() + 1);
  }
}
