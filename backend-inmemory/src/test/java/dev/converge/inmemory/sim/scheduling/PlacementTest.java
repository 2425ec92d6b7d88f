package dev.converge.inmemory.sim.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import org.junit.jupiter.api.Test;

/** Node affinity, node selectors, taints and tolerations, and resource fit, as the scheduler's filters apply them. */
class PlacementTest {

  private static NodeInfo node(String name, String labels, String taints, boolean unschedulable) {
    return NodeInfo.of(Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":%s},
         "spec":{"taints":%s,"unschedulable":%s},
         "status":{"allocatable":{"cpu":"2","memory":"4Gi","pods":"3"}}}""".formatted(name, labels, taints,
        unschedulable))));
  }

  private static PodPlacement pod(String specExtra) {
    return PodPlacement.of(Json.parse("{\"containers\":[{\"name\":\"c\",\"image\":\"x\","
        + "\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}}]" + specExtra + "}"));
  }

  @Test
  void requiredAffinity_termsAreOred_requirementsAnded_andAnEmptyTermMatchesNothing() {
    NodeInfo web = node("n1", "{\"tier\":\"web\",\"zone\":\"a\"}", "[]", false);
    NodeInfo db = node("n2", "{\"tier\":\"db\",\"zone\":\"b\"}", "[]", false);
    PodPlacement either = pod("""
        , "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
          {"matchExpressions":[{"key":"tier","operator":"In","values":["web"]},{"key":"zone","operator":"NotIn","values":["b"]}]},
          {"matchFields":[{"key":"metadata.name","operator":"In","values":["n2"]}]}]}}}""");
    PodPlacement emptyTerm = pod("""
        , "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{}]}}}""");

    assertThat(either.filter(web)).isNull();
    assertThat(either.filter(db)).isNull();
    assertThat(emptyTerm.filter(web)).isEqualTo(PodPlacement.AFFINITY);
    assertThat(either.affinity().pinnedNode()).isNull();
  }

  @Test
  void daemonSetAffinity_pinsOneNode() {
    PodPlacement pinned = pod("""
        , "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
          {"matchFields":[{"key":"metadata.name","operator":"In","values":["node-7"]}]}]}}}""");
    assertThat(pinned.affinity().pinnedNode()).isEqualTo("node-7");
    assertThat(pinned.filter(node("node-8", "{}", "[]", false))).isEqualTo(PodPlacement.AFFINITY);
  }

  @Test
  void nodeSelector_andTaints_andCordons() {
    PodPlacement plain = pod(",\"nodeSelector\":{\"tier\":\"web\"}");
    PodPlacement tolerant = pod(",\"nodeSelector\":{\"tier\":\"web\"},\"tolerations\":[{\"key\":\"gpu\",\"operator\":\"Exists\"},"
        + "{\"key\":\"node.kubernetes.io/unschedulable\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]");
    NodeInfo tainted = node("t", "{\"tier\":\"web\"}", "[{\"key\":\"gpu\",\"value\":\"a100\",\"effect\":\"NoSchedule\"}]", false);
    NodeInfo preferNot = node("p", "{\"tier\":\"web\"}", "[{\"key\":\"spot\",\"effect\":\"PreferNoSchedule\"}]", false);
    NodeInfo cordoned = node("c", "{\"tier\":\"web\"}", "[]", true);

    assertThat(plain.filter(node("x", "{\"tier\":\"db\"}", "[]", false))).isEqualTo(PodPlacement.AFFINITY);
    assertThat(plain.filter(tainted)).isEqualTo("node(s) had untolerated taint {gpu: a100}");
    assertThat(tolerant.filter(tainted)).isNull();
    assertThat(plain.filter(preferNot)).isNull();
    assertThat(plain.filter(cordoned)).isEqualTo(PodPlacement.UNSCHEDULABLE);
    assertThat(tolerant.filter(cordoned)).isNull();
  }

  @Test
  void tolerations_matchByKeyEffectOperatorAndValue() {
    Taint taint = Taint.parse("dedicated=db:NoExecute");
    assertThat(new Toleration("dedicated", "Equal", "db", "NoExecute", null).tolerates(taint)).isTrue();
    assertThat(new Toleration("dedicated", "Equal", "web", "NoExecute", null).tolerates(taint)).isFalse();
    assertThat(new Toleration("dedicated", "Exists", "", "", null).tolerates(taint)).isTrue();
    assertThat(new Toleration("", "Exists", "", "", null).tolerates(taint)).isTrue();
    assertThat(new Toleration("dedicated", "Exists", "", "NoSchedule", null).tolerates(taint)).isFalse();
  }

  @Test
  void resourceFit_countsCpuMemoryAndPodSlots() {
    NodeInfo node = node("n", "{}", "[]", false);
    PodPlacement pod = pod("");
    assertThat(pod.fitReason(node, new Resources(1500, 0, 0))).isNull();
    assertThat(pod.fitReason(node, new Resources(1600, 0, 0))).isEqualTo("Insufficient cpu");
    assertThat(pod.fitReason(node, new Resources(0, (3L << 30) + 1, 0))).isEqualTo("Insufficient memory");
    assertThat(pod.fitReason(node, new Resources(0, 0, 3))).isEqualTo("Too many pods");
    assertThat(Resources.of(Json.parse("{\"cpu\":\"0.25\",\"memory\":\"128Mi\",\"pods\":\"110\"}")))
        .isEqualTo(new Resources(250, 128L << 20, 110));
  }

  @Test
  void feasibleNodesToFind_adaptivePercentage() {
    assertThat(KubeScheduler.feasibleToFind(50)).isEqualTo(50);
    assertThat(KubeScheduler.feasibleToFind(1000)).isEqualTo(420);
    assertThat(KubeScheduler.feasibleToFind(5000)).isEqualTo(500);
    assertThat(KubeScheduler.feasibleToFind(10000)).isEqualTo(500);
  }
}
