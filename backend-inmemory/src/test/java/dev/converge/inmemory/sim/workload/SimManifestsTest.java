package dev.converge.inmemory.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.LabelSelector;
import dev.converge.api.ResourceTypes;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.manifest.ManifestReader;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.scheduling.Taint;
import dev.converge.inmemory.sim.workload.RequestSpec.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NodePool and WorkloadProfile documents are read beside ordinary manifests; the issue's example reads as
 * written; every unknown field or invalid value is an error naming the file, the document and the path.
 */
class SimManifestsTest {
  private static final String EXAMPLE = """
      apiVersion: sim.converge.dev/v1alpha1
      kind: WorkloadProfile
      metadata: {name: collector-proxy, namespace: telemetry}
      spec:
        selector: {matchLabels: {app: collector-proxy}}
        proxy: {watch: [pods, nodes, namespaces]}
      ---
      apiVersion: sim.converge.dev/v1alpha1
      kind: WorkloadProfile
      metadata: {name: collector, namespace: telemetry}
      spec:
        selector: {matchLabels: {app: collector}}
        requests:
          - {verb: list, resource: pods, scope: node, every: 60s, via: collector-proxy}
          - {verb: get, resource: nodes, scope: node, every: 5m}
      """;

  @TempDir Path dir;

  @Test
  void theIssueExample_readsAsWritten() throws IOException {
    SimSpec spec = read(EXAMPLE + """
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: telemetry}
        """);
    assertThat(spec.resources()).extracting(r -> r.key().toString()).containsExactly("Namespace/telemetry");
    assertThat(spec.profiles()).hasSize(2);
    WorkloadProfileSpec proxy = spec.profiles().get(0);
    assertThat(proxy.key()).isEqualTo("telemetry/collector-proxy");
    assertThat(proxy.proxyWatch()).extracting(t -> t.plural()).containsExactly("pods", "nodes", "namespaces");
    assertThat(proxy.requests()).isEmpty();
    WorkloadProfileSpec collector = spec.profiles().get(1);
    assertThat(collector.selector()).isEqualTo(LabelSelector.equal("app", "collector"));
    assertThat(collector.identity()).isNull();
    assertThat(collector.container()).isNull();
    assertThat(collector.requests()).extracting(RequestSpec::toString).containsExactly(
        "list pods scope=node every=PT1M via=collector-proxy", "get nodes scope=node every=PT5M");
    assertThat(collector.requests().get(0).verb()).isEqualTo(Verb.LIST);
    assertThat(collector.requests().get(0).scope()).isEqualTo(Scope.NODE);
  }

  @Test
  void aProfile_namesTheContainerWhoseProcessMakesTheRequests() throws IOException {
    SimSpec spec = read(EXAMPLE.replace("selector: {matchLabels: {app: collector}}\n",
        "selector: {matchLabels: {app: collector}}\n  container: trace-agent\n"));
    assertThat(spec.profiles().get(1).container()).isEqualTo("trace-agent");
    assertThat(spec.profiles().get(0).container()).isNull();
  }

  @Test
  void nodePool_isClusterScoped_withLabelsTaintsAndCapacity() throws IOException {
    SimSpec spec = read("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: NodePool
        metadata: {name: gpu, namespace: ignored}
        spec:
          count: 12
          labels: {accelerator: nvidia}
          taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
          capacity: {cpu: "64", memory: 512Gi, pods: "110"}
        ---
        apiVersion: sim.converge.dev/v1alpha1
        kind: NodePool
        metadata: {name: plain}
        spec: {count: 3}
        """);
    assertThat(spec.pools()).containsExactly(
        NodePool.of("gpu", 12).withLabels(Map.of("accelerator", "nvidia"))
            .withTaints(Taint.of("dedicated", "gpu", "NoSchedule"))
            .withCapacity(Map.of("cpu", "64", "memory", "512Gi", "pods", "110")),
        NodePool.of("plain", 3));
    assertThat(spec.nodeCount()).isEqualTo(15);
  }

  @Test
  void badDocuments_areErrorsNamingFileDocumentAndPath() throws IOException {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put(request("{verb: list, resource: pods, scope: node, evry: 15s}"),
        "spec.requests[0].evry: unknown field (allowed: every, resource, scope, verb, via)");
    cases.put(request("{verb: delete, resource: pods, scope: node, every: 15s}"),
        "spec.requests[0].verb: must be one of create, get, list, patch, update, watch, not 'delete'");
    cases.put(request("{verb: list, resource: pods, scope: node}"), "spec.requests[0].every: is required");
    cases.put(request("{verb: list, resource: pods, scope: node, every: 15}"),
        "spec.requests[0].every: must be a string, not the number 15");
    cases.put(request("{verb: list, resource: pods, scope: node, every: soon}"),
        "spec.requests[0].every: not a duration: 'soon' (write 15s, 5m, 1h30m, 500ms)");
    cases.put(request("{verb: watch, resource: pods, scope: node, every: 1m}"),
        "spec.requests[0].every: a watch is opened once and stays open: leave 'every' out");
    cases.put(request("{verb: list, resource: pdos, scope: node, every: 1m}"),
        "spec.requests[0].resource: unknown resource 'pdos' (use the plural, as kubectl does: pods, nodes, …)");
    cases.put(request("{verb: list, resource: services, scope: node, every: 1m}"),
        "spec.requests[0].scope: scope node applies to pods and nodes only, not services");
    cases.put(request("{verb: list, resource: nodes, scope: namespace, every: 1m}"),
        "spec.requests[0].scope: nodes are cluster-scoped: use scope cluster or node");
    cases.put(request("{verb: list, resource: pods, scope: node, every: 1m, via: nobody}"),
        "spec.requests[0].via: no WorkloadProfile 'nobody' in namespace telemetry");
    cases.put(request("{verb: list, resource: pods, scope: node, every: 1m, via: agent}"),
        "spec.requests[0].via: WorkloadProfile telemetry/agent is not a proxy (it has no spec.proxy)");
    cases.put(request("{verb: list, resource: services, scope: cluster, every: 1m, via: proxy}"),
        "spec.requests[0].via: proxy telemetry/proxy does not watch services");
    cases.put(request("{verb: create, resource: events, scope: namespace, every: 1m, via: proxy}"),
        "spec.requests[0].via: a proxy answers reads only; create goes to the API server");
    cases.put(request("{verb: get, resource: pods, scope: cluster, every: 1m}"),
        "spec.requests[0].verb: get reads one object: nodes with scope node (the pod's node), pods with scope "
            + "namespace (the pod itself) or namespaces with scope cluster (the pod's namespace)");
    cases.put("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: NodePool
        metadata: {name: p}
        spec: {count: -1}
        """, "spec.count: must be between 0 and 100000, not -1");
    cases.put("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: NodePool
        metadata: {name: p}
        spec: {count: 2, taints: [{key: a, effect: Sometimes}]}
        """, "spec.taints[0].effect: must be one of NoExecute, NoSchedule, PreferNoSchedule, not 'Sometimes'");
    cases.put("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: NodePool
        metadata: {name: p}
        spec: {count: 2, capacity: {cpu: lots}}
        """, "spec.capacity.cpu: not a quantity: 'lots'");
    cases.put("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: NodePool
        metadata: {name: p}
        spec: {count: 2, labels: {tier: true}}
        """, "spec.labels.tier: must be a string, not the boolean true (quote it)");
    cases.put("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: NodePool
        metadata: {name: gpu.pool}
        spec: {count: 2}
        """, "metadata.name: must be a DNS label (nodes are named gpu.pool-0, gpu.pool-1, …): a pool name must be a DNS "
        + "label: gpu.pool");
    cases.put("""
        apiVersion: sim.converge.dev/v1
        kind: NodePool
        metadata: {name: p}
        spec: {count: 2}
        """, "apiVersion: version not supported: use sim.converge.dev/v1alpha1");
    cases.put("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: WorkloadProfile
        metadata: {name: p, namespace: telemetry}
        spec: {selector: {matchLabels: {app: x}}}
        """, "spec: needs requests, a proxy, or both");
    cases.put("""
        apiVersion: sim.converge.dev/v1alpha1
        kind: WorkloadProfile
        metadata: {name: p, namespace: telemetry}
        spec: {selector: {matchLabels: {app: x}}, container: "", proxy: {watch: [pods]}}
        """, "spec.container: must not be empty (leave it out for each pod's default container)");
    int n = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = dir.resolve("case" + (n++) + ".yaml");
      Files.writeString(file, c.getKey());
      int document = c.getKey().startsWith("apiVersion: sim.converge.dev/v1alpha1\nkind: WorkloadProfile\nmetadata: {name: proxy") ? 3 : 1;
      assertThatThrownBy(() -> SimManifests.read(reader().read(file)))
          .as(c.getValue())
          .isInstanceOf(ManifestException.class)
          .hasMessage(file + ": document " + document + ": " + c.getValue());
    }
  }

  /** A proxy, a non-proxy, then a profile with one request (document 3). */
  private static String request(String request) {
    return """
        apiVersion: sim.converge.dev/v1alpha1
        kind: WorkloadProfile
        metadata: {name: proxy, namespace: telemetry}
        spec: {selector: {matchLabels: {app: proxy}}, proxy: {watch: [pods]}}
        ---
        apiVersion: sim.converge.dev/v1alpha1
        kind: WorkloadProfile
        metadata: {name: agent, namespace: telemetry}
        spec: {selector: {matchLabels: {app: agent}}, requests: [{verb: list, resource: pods, scope: node, every: 1m}]}
        ---
        apiVersion: sim.converge.dev/v1alpha1
        kind: WorkloadProfile
        metadata: {name: subject, namespace: telemetry}
        spec:
          selector: {matchLabels: {app: subject}}
          requests: [%s]
        """.formatted(request);
  }

  @Test
  void durations_followGoSyntax() {
    assertThat(SimManifests.parseDuration("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(SimManifests.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(SimManifests.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(SimManifests.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(SimManifests.parseDuration("5")).isNull();
    assertThat(SimManifests.parseDuration("5m junk")).isNull();
  }

  private SimSpec read(String yaml) throws IOException {
    Path file = dir.resolve("sim.yaml");
    Files.writeString(file, yaml);
    return SimManifests.read(reader().read(file));
  }

  private static ManifestReader reader() {
    return ManifestReader.withTypes(SimManifests.types(ResourceTypes.builtins()));
  }
}
