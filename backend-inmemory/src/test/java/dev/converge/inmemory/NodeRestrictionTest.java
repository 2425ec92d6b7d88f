package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.NodeRestriction;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.TokenIssuer;
import org.junit.jupiter.api.Test;

/**
 * The NodeRestriction admission plugin after the Node authorizer: what the authorizer lets a kubelet reach, the
 * plugin limits to its own node's objects, with the plugin's words. Other identities are not its business.
 */
class NodeRestrictionTest {
  private static final Identity N1 = new Identity("system:node:n1", ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 17).server();

  @Test
  void aKubeletRegistersItsOwnNode_withLabelsAKubeletSets_andMayNotChangeItsTaintsOrProtectedLabelsAfter() {
    assertThatThrownBy(() -> server.create(N1, node("n1", "\"node-role.kubernetes.io/worker\":\"\",\"team\":\"a\"")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("nodes \"n1\" is forbidden: node \"n1\" is not allowed to set the following labels:"
            + " node-role.kubernetes.io/worker");
    assertThatThrownBy(() -> server.create(N1, node("n2", "")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");
    Resource node = server.create(N1, Fixtures.parse("""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"kubernetes.io/hostname":"n1",
          "topology.kubernetes.io/zone":"a","node.kubernetes.io/instance-type":"m5.large","team":"a"}},
         "spec":{"taints":[{"key":"gpu","value":"true","effect":"NoSchedule"}]}}"""));
    assertThat(node.labels()).containsEntry("team", "a");

    assertThatThrownBy(() -> server.patch(N1, node.key(), PatchType.MERGE, Json.parse("{\"spec\":{\"taints\":null}}"),
        PatchOptions.defaults()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("nodes \"n1\" is forbidden: node \"n1\" is not allowed to modify taints");
    assertThatThrownBy(() -> server.patch(N1, node.key(), PatchType.MERGE, Json.parse("""
        {"metadata":{"labels":{"node-restriction.kubernetes.io/trusted":"yes","kubernetes.io/hostname":null}}}"""),
        PatchOptions.defaults()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("nodes \"n1\" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/trusted");
    // Labels of its own, and the kubelet's status heartbeats, go through; an administrator's taint too.
    server.patch(N1, node.key(), PatchType.MERGE, Json.parse("{\"metadata\":{\"labels\":{\"team\":\"b\"}}}"),
        PatchOptions.defaults());
    server.patch(N1, node.key(), PatchType.MERGE, Json.parse("""
        {"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}]}}"""),
        PatchOptions.defaults().onStatus());
    assertThat(server.patch(ADMIN, node.key(), PatchType.MERGE, Json.parse("{\"spec\":{\"taints\":null}}"),
        PatchOptions.defaults()).spec().has("taints")).isFalse();
  }

  @Test
  void aKubeletWritesOnlyTheLeaseAndCsiNodeNamedAfterIt() {
    assertThatThrownBy(() -> server.create(N1, lease("kube-node-lease", "n2")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("leases.coordination.k8s.io \"n2\" is forbidden: can only access node lease with the same name as"
            + " the requesting node");
    assertThatThrownBy(() -> server.create(N1, lease("default", "n1")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith("can only access leases in the \"kube-node-lease\" system namespace");
    assertThat(server.create(N1, lease("kube-node-lease", "n1")).name()).isEqualTo("n1");
    assertThatThrownBy(() -> server.create(N1, Fixtures.parse("""
        {"apiVersion":"storage.k8s.io/v1","kind":"CSINode","metadata":{"name":"n2"},"spec":{"drivers":[]}}""")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("csinodes.storage.k8s.io \"n2\" is forbidden: can only access CSINode with the same name as the"
            + " requesting node");
    // No one else is restricted: an administrator writes any node's Lease.
    assertThat(server.create(ADMIN, lease("kube-node-lease", "n2")).name()).isEqualTo("n2");
  }

  @Test
  void aKubeletCreatesMirrorPodsOnly_andDeletesEvictsAndReportsOnlyThePodsBoundToIt() {
    Resource node = server.create(N1, node("n1", ""));
    server.create(ADMIN, Fixtures.pod("default", "here", "n1"));
    server.create(ADMIN, Fixtures.pod("default", "there", "n2"));

    assertThatThrownBy(() -> server.create(N1, Fixtures.pod("default", "static", "n1")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"static\" is forbidden: pod does not have \"kubernetes.io/config.mirror\" annotation, node"
            + " \"n1\" can only create mirror pods");
    assertThatThrownBy(() -> server.create(N1, mirrorPod(node.uid(), "\"volumes\":[{\"name\":\"c\",\"configMap\":{\"name\":\"x\"}}]")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith("node \"n1\" can not create pods that reference configmaps");
    assertThatThrownBy(() -> server.create(N1, mirrorPod("not-the-node", "")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith("node n1 UID mismatch: expected " + node.uid() + " got not-the-node");
    assertThat(server.create(N1, mirrorPod(node.uid(), "")).annotations())
        .containsKey("kubernetes.io/config.mirror");

    ResourceKey there = ResourceKey.namespaced("", "Pod", "default", "there");
    assertThatThrownBy(() -> server.patch(N1, there, PatchType.MERGE, Json.parse("{\"status\":{\"phase\":\"Running\"}}"),
        PatchOptions.defaults().onStatus()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"there\" is forbidden: node \"n1\" can only update pod status for pods with spec.nodeName"
            + " set to itself");
    assertThatThrownBy(() -> server.evict(N1, there, DeleteParams.defaults()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"there\" is forbidden: node n1 can only evict pods with spec.nodeName set to itself");
    assertThatThrownBy(() -> server.delete(N1, there, DeleteParams.defaults()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"there\" is forbidden: node \"n1\" can only delete pods with spec.nodeName set to itself");
    // The plugin looks the pod up before the registry does, and answers as its lister.
    assertThatThrownBy(() -> server.delete(N1, ResourceKey.namespaced("", "Pod", "default", "gone"), DeleteParams.defaults()))
        .isInstanceOf(BackendException.NotFound.class).hasMessage("pod \"gone\" not found");

    ResourceKey here = ResourceKey.namespaced("", "Pod", "default", "here");
    // RBAC does not let kubelets patch pods; where a binding does, the plugin still refuses.
    assertThatThrownBy(() -> server.patch(N1, here, PatchType.MERGE, Json.parse("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"),
        PatchOptions.defaults()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageStartingWith("pods \"here\" is forbidden: User \"system:node:n1\" cannot patch resource \"pods\"");
    Fixtures.grantNodes(server, "nodes-patch-pods", "pods", "patch");
    assertThatThrownBy(() -> server.patch(N1, here, PatchType.MERGE, Json.parse("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"),
        PatchOptions.defaults()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"here\" is forbidden: unexpected operation \"UPDATE\", node \"n1\" can only create and delete"
            + " mirror pods");
    // The plugin sees a status write as sent: labels in it are refused, not dropped by the status strategy.
    assertThatThrownBy(() -> server.patch(N1, here, PatchType.MERGE,
        Json.parse("{\"metadata\":{\"labels\":{\"trusted\":\"yes\"}},\"status\":{\"phase\":\"Running\"}}"),
        PatchOptions.defaults().onStatus()))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"here\" is forbidden: node \"n1\" cannot update labels through pod status");
    assertThat(server.patch(N1, here, PatchType.MERGE, Json.parse("{\"status\":{\"phase\":\"Running\"}}"),
        PatchOptions.defaults().onStatus()).status().path("phase").asText()).isEqualTo("Running");
    assertThat(server.delete(N1, here, DeleteParams.defaults().withGracePeriod(0)).deleted()).isTrue();
  }

  @Test
  void aKubeletsTokenIsBoundToAPodOnItsNode_byUid() {
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"robot","namespace":"default"}}"""));
    Resource pod = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},
         "spec":{"nodeName":"n1","serviceAccountName":"robot","containers":[{"name":"main","image":"busybox:1.36"}]}}"""));
    ResourceKey robot = ResourceKey.namespaced("", "ServiceAccount", "default", "robot");
    TokenIssuer issuer = (account, expires) -> "token-for-" + account.name();

    assertThatThrownBy(() -> server.requestToken(N1, robot, Json.parse("{}"), issuer))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("serviceaccounts \"robot\" is forbidden: node requested token not bound to a pod");
    assertThatThrownBy(() -> server.requestToken(N1, robot, tokenRequest("web", "stale-uid"), issuer))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith("the UID in the bound object reference (stale-uid) does not match the UID in record. The"
            + " object might have been deleted and then recreated");
    assertThat(server.requestToken(N1, robot, tokenRequest("web", pod.uid()), issuer).path("status").path("token")
        .asText()).isEqualTo("token-for-robot");
    // Anyone else may ask for an unbound token, RBAC permitting.
    assertThat(server.requestToken(ADMIN, robot, Json.parse("{}"), issuer).path("status").path("token").asText())
        .isEqualTo("token-for-robot");
  }

  @Test
  void theLabelsAKubeletMaySet() {
    assertThat(NodeRestriction.kubeletMaySet("team")).isTrue();
    assertThat(NodeRestriction.kubeletMaySet("example.com/pool")).isTrue();
    assertThat(NodeRestriction.kubeletMaySet("kubernetes.io/hostname")).isTrue();
    assertThat(NodeRestriction.kubeletMaySet("topology.kubernetes.io/zone")).isTrue();
    assertThat(NodeRestriction.kubeletMaySet("node.kubernetes.io/exclude-from-external-load-balancers")).isTrue();
    assertThat(NodeRestriction.kubeletMaySet("my.kubelet.kubernetes.io/x")).isTrue();
    assertThat(NodeRestriction.kubeletMaySet("node-role.kubernetes.io/worker")).isFalse();
    assertThat(NodeRestriction.kubeletMaySet("kubernetes.io/role")).isFalse();
    assertThat(NodeRestriction.kubeletMaySet("example.k8s.io/x")).isFalse();
    assertThat(NodeRestriction.kubeletMaySet("node-restriction.kubernetes.io/trusted")).isFalse();
    assertThat(NodeRestriction.kubeletMaySet("a.node-restriction.kubernetes.io/trusted")).isFalse();
  }

  private static Resource node(String name, String labels) {
    return Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{" + labels + "}}}");
  }

  private static Resource lease(String namespace, String name) {
    return Fixtures.parse("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\""
        + name + "\",\"namespace\":\"" + namespace + "\"},\"spec\":{\"holderIdentity\":\"" + name + "\"}}");
  }

  /** The mirror of a static pod, as the kubelet makes it: owned by its Node, bound to it. */
  private static Resource mirrorPod(String nodeUid, String moreSpec) {
    return Fixtures.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"etcd-n1","namespace":"default",
          "annotations":{"kubernetes.io/config.mirror":"abc","kubernetes.io/config.source":"file"},
          "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"n1","uid":"%s","controller":true}]},
         "spec":{"nodeName":"n1",%s"containers":[{"name":"etcd","image":"registry.k8s.io/etcd:3.5.16-0"}]}}"""
        .formatted(nodeUid, moreSpec.isEmpty() ? "" : moreSpec + ","));
  }

  private static JsonNode tokenRequest(String pod, String uid) {
    return Json.parse("{\"spec\":{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"" + pod
        + "\",\"uid\":\"" + uid + "\"}}}");
  }
}
