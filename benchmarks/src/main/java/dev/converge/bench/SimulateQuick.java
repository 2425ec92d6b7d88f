package dev.converge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * {@code Quick simulate}: the {@code converge simulate} command itself, in-process, on DESIGN.md §9's case —
 * {@code --nodes} (10,000) nodes, a collector DaemonSet rolled out to every node and a two-replica proxy, then
 * node-agent traffic for the rest of {@code --duration} (1 h of simulated time in all): every agent lists its
 * node's pods through the proxy every 60 s and reads its node from the API server every 5 minutes. {@code
 * --runs} (3) runs with one seed; every run must print the same trace hash. Prints one line per run, then
 *
 * <pre>
 * simulate nodes=10000 sim_s=3600 wall_ms=&lt;median&gt; heap_mb=&lt;peak&gt; trace=&lt;hash&gt;
 * </pre>
 *
 * {@code heap_mb} is the most heap in use right after a garbage collection, over all runs: the peak of what the
 * simulation keeps live (the young generation's garbage left out). Run: {@code mvn -q -B -DskipTests package && java -Xmx2g -cp
 * benchmarks/target/benchmarks.jar dev.converge.bench.Quick simulate}. Target (DESIGN.md §9): ≤ 10 s wall
 * with {@code -Xmx2g}.
 */
final class SimulateQuick {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SimulateQuick() {}

  static int run(Quick.Options options) throws IOException {
    int nodes = options.integer("nodes", 10_000);
    String duration = options.text("duration", "1h");
    int runs = options.integer("runs", 3);
    Path input = Files.createTempDirectory("converge-simulate");
    Files.writeString(input.resolve("collector.yaml"), INPUT, StandardCharsets.UTF_8);
    long[] wall = new long[runs];
    AtomicLong afterGc = watchHeapAfterGc();
    long heapPeak = 0;
    String trace = null;
    double simulated = 0;
    for (int i = 0; i < runs; i++) {
      System.gc();
      afterGc.set(0);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      long gcBefore = gcMillis();
      long cpuBefore = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(out), new PrintWriter(err), "simulate",
          "-f", input.toString(), "--nodes", Integer.toString(nodes), "--duration", duration, "--seed", "1", "-o", "json");
      wall[i] = (System.nanoTime() - start) / 1_000_000;
      long cpu = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
      long gc = gcMillis() - gcBefore;
      long heap = afterGc.get();
      heapPeak = Math.max(heapPeak, heap);
      if (code != 0) {
        System.out.println("FAILED: exit " + code + ": " + err);
        return 1;
      }
      JsonNode report = Json.parse(out.toString());
      String hash = report.path("traceHash").asText();
      if (trace != null && !trace.equals(hash)) {
        System.out.println("FAILED: run " + i + " traced " + hash + ", run 0 traced " + trace);
        return 1;
      }
      trace = hash;
      simulated = report.path("simulatedSeconds").asDouble();
      JsonNode daemonSet = report.path("rollout").get(0);
      JsonNode api = report.path("apiServer");
      System.out.printf(Locale.ROOT,
          "run %d: wall_ms=%d cpu_ms=%d gc_ms=%d heap_mb=%d requests=%d rejected=%d proxied=%d daemonset=%d/%d"
              + " available_at_s=%s%n", i, wall[i], cpu, gc, heap >> 20, api.path("requestsTotal").asLong(), api.path("rejectedTotal").asLong(),
          report.path("proxied").path("requestsTotal").asLong(), daemonSet.path("available").asInt(),
          daemonSet.path("desired").asInt(), daemonSet.path("availableAtSeconds").asText());
    }
    long[] sorted = wall.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "simulate nodes=%d sim_s=%d wall_ms=%d heap_mb=%d trace=%s%n", nodes,
        Math.round(simulated), sorted[runs / 2], heapPeak >> 20, trace);
    return 0;
  }

  /**
   * The time the collectors report, pauses and concurrent cycles together (G1's concurrent marking runs on the
   * other core and is counted here; the simulation thread's own time is {@code cpu_ms}).
   */
  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, collector.getCollectionTime());
    }
    return total;
  }

  /** The largest heap in use right after any garbage collection since the counter was last set to 0. */
  private static AtomicLong watchHeapAfterGc() {
    AtomicLong max = new AtomicLong();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
        max.accumulateAndGet(used, Math::max);
      }, null, null);
    }
    return max;
  }

  /** The collector, its proxy, their RBAC and their workload profiles. */
  private static final String INPUT = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: telemetry}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: collector, namespace: telemetry}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: collector-proxy, namespace: telemetry}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: collector}
      rules:
        - {apiGroups: [""], resources: [pods, nodes, namespaces], verbs: [get, list, watch]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: collector}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: collector}
      subjects:
        - {kind: ServiceAccount, name: collector, namespace: telemetry}
        - {kind: ServiceAccount, name: collector-proxy, namespace: telemetry}
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: collector, namespace: telemetry}
      spec:
        selector: {matchLabels: {app: collector}}
        template:
          metadata: {labels: {app: collector}}
          spec:
            serviceAccountName: collector
            containers: [{name: collector, image: "example.com/collector:1.0"}]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: collector-proxy, namespace: telemetry}
      spec:
        replicas: 2
        selector: {matchLabels: {app: collector-proxy}}
        template:
          metadata: {labels: {app: collector-proxy}}
          spec:
            serviceAccountName: collector-proxy
            containers: [{name: proxy, image: "example.com/collector-proxy:1.0"}]
      ---
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
}
