package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import org.junit.jupiter.api.Test;

/**
 * The node and storage kinds a kubelet reads and writes: RuntimeClass (and the RuntimeClass admission plugin on
 * pods), CSIDriver (its defaults) and CSINode, with kube-apiserver 1.32's validation.
 */
class NodeAndStorageKindsTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 62);
  private final ApiServer server = cluster.server();

  private Resource create(String json) {
    return server.create(ADMIN, Resource.of(Json.parse(json)));
  }

  @Test
  void aCsiDriver_getsTheServersDefaults_andKeepsAttachRequiredAndItsModes() {
    Resource driver = create("""
        {"apiVersion":"storage.k8s.io/v1","kind":"CSIDriver","metadata":{"name":"ebs.csi.aws.com"},"spec":{}}""");
    assertThat(driver.spec().toString()).isEqualTo("{\"attachRequired\":true,\"podInfoOnMount\":false,"
        + "\"storageCapacity\":false,\"fsGroupPolicy\":\"ReadWriteOnceWithFSType\",\"requiresRepublish\":false,"
        + "\"seLinuxMount\":false,\"volumeLifecycleModes\":[\"Persistent\"]}");
    assertThatThrownBy(() -> server.update(ADMIN, driver.edit(t -> t.with("spec").put("attachRequired", false))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.attachedRequired: Invalid value: false: field is immutable");
    Resource changed = server.update(ADMIN, driver.edit(t -> t.with("spec").put("podInfoOnMount", true)));
    assertThat(changed.spec().path("podInfoOnMount").asBoolean()).isTrue();
    assertThatThrownBy(() -> create("""
        {"apiVersion":"storage.k8s.io/v1","kind":"CSIDriver","metadata":{"name":"x.example.com"},
         "spec":{"fsGroupPolicy":"Sometimes","tokenRequests":[{"audience":"a","expirationSeconds":60}]}}"""))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.fsGroupPolicy: Unsupported value: \"Sometimes\"")
        .hasMessageContaining("spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration "
            + "less than 10 minutes or greater than 2^32 seconds");
  }

  @Test
  void aCsiNode_listsEachDriverOnce_andADriverListedCannotChange() {
    Resource csiNode = create("""
        {"apiVersion":"storage.k8s.io/v1","kind":"CSINode","metadata":{"name":"node-0"},
         "spec":{"drivers":[{"name":"ebs.csi.aws.com","nodeID":"i-0abc","topologyKeys":["topology.ebs.csi.aws.com/zone"]}]}}""");
    assertThatThrownBy(() -> server.update(ADMIN, csiNode.edit(t -> ((com.fasterxml.jackson.databind.node.ObjectNode)
        t.with("spec").withArray("drivers").get(0)).put("nodeID", "i-0def"))))
        .isInstanceOf(BackendException.Invalid.class).hasMessageContaining("spec.drivers[0]: Invalid value: "
            + "\"ebs.csi.aws.com\": field is immutable");
    assertThatThrownBy(() -> create("""
        {"apiVersion":"storage.k8s.io/v1","kind":"CSINode","metadata":{"name":"node-1"},
         "spec":{"drivers":[{"name":"a.example.com","nodeID":"1"},{"name":"a.example.com","nodeID":"2"},
                            {"name":"-bad","nodeID":""}]}}"""))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.drivers[1].name: Duplicate value: \"a.example.com\"")
        .hasMessageContaining("spec.drivers[2].name: Invalid value: \"-bad\": a CSI driver name must consist of")
        .hasMessageContaining("spec.drivers[2].nodeID: Required value");
  }

  @Test
  void aRuntimeClass_needsAHandlerThatIsALabel_andKeepsIt() {
    assertThatThrownBy(() -> create("""
        {"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"gvisor"},"handler":"Run_SC"}"""))
        .isInstanceOf(BackendException.Invalid.class).hasMessageContaining("handler: Invalid value: \"Run_SC\": a "
            + "lowercase RFC 1123 label must consist of");
    Resource gvisor = create("""
        {"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"gvisor"},"handler":"runsc"}""");
    assertThatThrownBy(() -> server.update(ADMIN, gvisor.edit(t -> t.put("handler", "kata"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("handler: Invalid value: \"kata\": field is immutable");
  }

  @Test
  void aPodsRuntimeClass_mustExist_andGivesThePodItsOverheadAndScheduling() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.pod("default", "web", "").edit(t ->
        t.with("spec").put("runtimeClassName", "gvisor"))))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"web\" is forbidden: pod rejected: RuntimeClass \"gvisor\" not found");
    create("""
        {"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"gvisor"},"handler":"runsc",
         "overhead":{"podFixed":{"cpu":"250m","memory":"120Mi"}},
         "scheduling":{"nodeSelector":{"sandbox":"gvisor"},
                       "tolerations":[{"key":"sandbox","operator":"Equal","value":"gvisor","effect":"NoSchedule"}]}}""");

    JsonNode spec = server.create(ADMIN, Fixtures.pod("default", "web", "").edit(t ->
        t.with("spec").put("runtimeClassName", "gvisor"))).spec();
    assertThat(spec.path("overhead").toString()).isEqualTo("{\"cpu\":\"250m\",\"memory\":\"120Mi\"}");
    assertThat(spec.path("nodeSelector").toString()).isEqualTo("{\"sandbox\":\"gvisor\"}");
    assertThat(spec.path("tolerations").toString()).contains("{\"key\":\"sandbox\",\"operator\":\"Equal\","
        + "\"value\":\"gvisor\",\"effect\":\"NoSchedule\"}");

    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.pod("default", "other", "").edit(t -> {
      t.with("spec").put("runtimeClassName", "gvisor");
      t.with("spec").with("nodeSelector").put("sandbox", "kata");
    }))).isInstanceOf(BackendException.Forbidden.class).hasMessage("pods \"other\" is forbidden: conflict: "
        + "runtimeClass.scheduling.nodeSelector[sandbox] = gvisor; pod.spec.nodeSelector[sandbox] = kata");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.pod("default", "heavy", "").edit(t -> {
      t.with("spec").put("runtimeClassName", "gvisor");
      t.with("spec").with("overhead").put("cpu", "1");
    }))).isInstanceOf(BackendException.Forbidden.class).hasMessage("pods \"heavy\" is forbidden: pod rejected: "
        + "Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    // The same amounts written otherwise are the same overhead.
    Resource same = server.create(ADMIN, Fixtures.pod("default", "same", "").edit(t -> {
      t.with("spec").put("runtimeClassName", "gvisor");
      t.with("spec").with("overhead").put("cpu", "0.25").put("memory", "120Mi");
    }));
    assertThat(same.spec().path("overhead").path("cpu").asText()).isEqualTo("250m");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.pod("default", "loose", "").edit(t ->
        t.with("spec").with("overhead").put("cpu", "1"))))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("pods \"loose\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass");
  }
}
