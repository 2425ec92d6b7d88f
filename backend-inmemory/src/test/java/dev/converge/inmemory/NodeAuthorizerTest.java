package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import org.junit.jupiter.api.Test;

/**
 * The Node authorizer before RBAC, as {@code --authorization-mode=Node,RBAC}: a kubelet reads the Secrets,
 * ConfigMaps and tokens of the pods bound to its node and nothing else of those kinds, its own Node, Lease and
 * CSINode only, pods by its node's field selector; the static node rules for the rest; RBAC still for what a
 * binding grants; and a list or watch with a {@code metadata.name} field selector is authorized as a read of that
 * name, for RBAC's {@code resourceNames} too.
 */
class NodeAuthorizerTest {
  private static final Identity N1 = new Identity("system:node:n1", ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
  private static final GroupKind SECRET = GroupKind.of("", "Secret");
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 17).server();

  @Test
  void aKubeletReadsTheSecretsAndConfigMapsOfItsPods_byName_andNoOthers() {
    server.create(ADMIN, secret("used"));
    server.create(ADMIN, secret("other"));
    server.create(ADMIN, Fixtures.configMap("default", "settings", "1"));
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},
         "spec":{"nodeName":"n1","containers":[{"name":"main","image":"busybox:1.36",
           "env":[{"name":"TOKEN","valueFrom":{"secretKeyRef":{"name":"used","key":"token"}}}]}],
           "volumes":[{"name":"config","configMap":{"name":"settings"}}]}}"""));

    assertThat(server.get(N1, ResourceKey.namespaced("", "Secret", "default", "used")).name()).isEqualTo("used");
    assertThat(server.list(N1, ListRequest.all(CONFIG_MAP).inNamespace("default")
        .withFields(FieldSelector.equal("metadata.name", "settings"))).items()).hasSize(1);
    server.watch(N1, WatchRequest.all(SECRET).inNamespace("default").withFields(FieldSelector.equal("metadata.name", "used")),
        event -> { }).close();

    assertThatThrownBy(() -> server.get(N1, ResourceKey.namespaced("", "Secret", "default", "other")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("secrets \"other\" is forbidden: User \"system:node:n1\" cannot get resource \"secrets\" in API group"
            + " \"\" in the namespace \"default\": no relationship found between node 'n1' and this object");
    assertThatThrownBy(() -> server.list(N1, ListRequest.all(SECRET).inNamespace("default")))
        .isInstanceOf(BackendException.Forbidden.class).hasMessageEndingWith(": No Object name found");
    // The pod on another node gives n2 nothing.
    Identity n2 = new Identity("system:node:n2", ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
    assertThatThrownBy(() -> server.get(n2, ResourceKey.namespaced("", "Secret", "default", "used")))
        .isInstanceOf(BackendException.Forbidden.class);
  }

  @Test
  void aKubeletReadsTheCredentialsOfItsPodsVolumePlugins_inlineAndThroughTheirPersistentVolumes_notTheControllers() {
    server.create(ADMIN, Fixtures.namespace("storage"));
    for (String[] secret : new String[][] {{"default", "inline-creds"}, {"default", "rbd-creds"}, {"storage", "node-creds"},
        {"storage", "controller-creds"}}) {
      server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\""
          + secret[1] + "\",\"namespace\":\"" + secret[0] + "\"}}"));
    }
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv1"},
         "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],
           "claimRef":{"namespace":"default","name":"data"},
           "csi":{"driver":"ebs.csi.aws.com","volumeHandle":"vol-1",
             "nodePublishSecretRef":{"name":"node-creds","namespace":"storage"},
             "controllerPublishSecretRef":{"name":"controller-creds","namespace":"storage"}}}}"""));
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"db","namespace":"default"},
         "spec":{"nodeName":"n1","containers":[{"name":"main","image":"postgres:17"}],
           "volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}},
             {"name":"vault","csi":{"driver":"secrets-store.csi.k8s.io","nodePublishSecretRef":{"name":"inline-creds"}}},
             {"name":"block","rbd":{"monitors":["10.0.0.1:6789"],"image":"disk","secretRef":{"name":"rbd-creds"}}}]}}"""));

    assertThat(server.get(N1, ResourceKey.namespaced("", "Secret", "default", "inline-creds")).name())
        .isEqualTo("inline-creds");
    assertThat(server.get(N1, ResourceKey.namespaced("", "Secret", "default", "rbd-creds")).name())
        .isEqualTo("rbd-creds");
    assertThat(server.get(N1, ResourceKey.namespaced("", "Secret", "storage", "node-creds")).name())
        .isEqualTo("node-creds");
    // The external attacher's credentials are the controller's, not the kubelet's.
    assertThatThrownBy(() -> server.get(N1, ResourceKey.namespaced("", "Secret", "storage", "controller-creds")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith(": no relationship found between node 'n1' and this object");
  }

  @Test
  void aKubeletTouchesItsOwnNodeLeaseAndCSINode_andListsOnlyItsNodesPods() {
    server.create(ADMIN, Fixtures.pod("default", "here", "n1"));
    server.create(ADMIN, Fixtures.pod("default", "there", "n2"));
    Resource node = server.create(N1, Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"}}"));
    assertThat(server.get(N1, node.key()).name()).isEqualTo("n1");
    server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n2\"}}"));
    assertThatThrownBy(() -> server.get(N1, ResourceKey.cluster("", "Node", "n2")))
        .isInstanceOf(BackendException.Forbidden.class).hasMessageEndingWith(": node 'n1' cannot read 'n2', only its own Node object");
    assertThatThrownBy(() -> server.list(N1, ListRequest.all(GroupKind.of("", "Node"))))
        .isInstanceOf(BackendException.Forbidden.class).hasMessageEndingWith("cannot read all nodes, only its own Node object");

    Resource lease = server.create(N1, Fixtures.parse("""
        {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"n1","namespace":"kube-node-lease"},
         "spec":{"holderIdentity":"n1","leaseDurationSeconds":40}}"""));
    assertThat(server.get(N1, lease.key()).name()).isEqualTo("n1");
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"n2","namespace":"kube-node-lease"}}"""));
    assertThatThrownBy(() -> server.get(N1, ResourceKey.namespaced("coordination.k8s.io", "Lease", "kube-node-lease", "n2")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith(": can only access node lease with the same name as the requesting node");

    assertThat(server.list(N1, ListRequest.all(GroupKind.of("", "Pod")).withFields(FieldSelector.equal("spec.nodeName", "n1")))
        .items()).extracting(Resource::name).containsExactly("here");
    assertThatThrownBy(() -> server.list(N1, ListRequest.all(GroupKind.of("", "Pod"))))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith(": can only list/watch pods with spec.nodeName field selector");
    assertThat(server.get(N1, ResourceKey.namespaced("", "Pod", "default", "here")).name()).isEqualTo("here");
    assertThatThrownBy(() -> server.get(N1, ResourceKey.namespaced("", "Pod", "default", "there")))
        .isInstanceOf(BackendException.Forbidden.class);
  }

  @Test
  void aKubeletAsksForTokensOfTheServiceAccountsItsPodsRunAs_only() {
    for (String account : new String[] {"robot", "other"}) {
      server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\""
          + account + "\",\"namespace\":\"default\"}}"));
    }
    Resource pod = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},
         "spec":{"nodeName":"n1","serviceAccountName":"robot","containers":[{"name":"main","image":"busybox:1.36"}]}}"""));
    dev.converge.inmemory.server.TokenIssuer issuer = (account, expires) -> "token-for-" + account.name();
    // Bound to the pod, as a kubelet asks (NodeRestriction refuses an unbound one; NodeRestrictionTest).
    var bound = Json.parse("{\"spec\":{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\","
        + "\"uid\":\"" + pod.uid() + "\"}}}");
    assertThat(server.requestToken(N1, ResourceKey.namespaced("", "ServiceAccount", "default", "robot"), bound,
        issuer).path("status").path("token").asText()).isEqualTo("token-for-robot");
    assertThatThrownBy(() -> server.requestToken(N1, ResourceKey.namespaced("", "ServiceAccount", "default", "other"),
        Json.parse("{}"), issuer))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith(": no relationship found between node 'n1' and this object");
  }

  @Test
  void theStaticNodeRulesAnswerTheRest_andRbacStillGrantsWhatABindingSays() {
    assertThat(server.list(N1, ListRequest.all(GroupKind.of("", "Service"))).items()).isNotNull();
    assertThatThrownBy(() -> server.list(N1, ListRequest.all(GroupKind.of("apps", "Deployment"))))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("deployments.apps is forbidden: User \"system:node:n1\" cannot list resource \"deployments\" in API"
            + " group \"apps\" at the cluster scope");
    server.create(ADMIN, secret("shared"));
    Fixtures.grantNodes(server, "nodes-read-secrets", "secrets", "get");
    assertThat(server.get(N1, ResourceKey.namespaced("", "Secret", "default", "shared")).name()).isEqualTo("shared");
  }

  @Test
  void aListByMetadataName_isAuthorizedAsAReadOfThatName_forRbacResourceNamesToo() {
    Identity bob = Identity.user("bob");
    server.create(ADMIN, Fixtures.configMap("default", "mine", "1"));
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"mine","namespace":"default"},
         "rules":[{"apiGroups":[""],"resources":["configmaps"],"resourceNames":["mine"],"verbs":["get","list","watch"]}]}"""));
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"mine","namespace":"default"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"mine"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"bob"}]}"""));
    assertThat(server.list(bob, ListRequest.all(CONFIG_MAP).inNamespace("default")
        .withFields(FieldSelector.equal("metadata.name", "mine"))).items()).extracting(Resource::name).containsExactly("mine");
    assertThatThrownBy(() -> server.list(bob, ListRequest.all(CONFIG_MAP).inNamespace("default")))
        .isInstanceOf(BackendException.Forbidden.class);
    assertThatThrownBy(() -> server.list(bob, ListRequest.all(CONFIG_MAP).inNamespace("default")
        .withFields(FieldSelector.equal("metadata.name", "kube-root-ca.crt"))))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageStartingWith("configmaps \"kube-root-ca.crt\" is forbidden: User \"bob\" cannot list");
  }

  private static Resource secret(String name) {
    return Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"default\"},\"data\":{\"token\":\"dG9rZW4=\"}}"));
  }
}
