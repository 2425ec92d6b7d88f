package dev.converge.bench;

import dev.converge.api.Ticker;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.http.HttpFront;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubernetes.client.openapi.ApiClient;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code Quick http}: the same CRUD workload over HTTP, with client-java's typed API, against {@code converge
 * serve} (an in-memory cluster behind its {@link HttpFront}, in-process, plain HTTP, a bearer token) and against
 * fabric8's {@code kubernetes-server-mock} in CRUD mode, in the same JVM, rounds interleaved (the side that goes
 * first alternates), each round on a fresh server of each kind. A round ({@link HttpCrudRound}) POSTs {@code --n}
 * ConfigMaps and {@code --n} Deployments, GETs each, LISTs each kind, PUTs each and DELETEs each: POST and PUT on
 * both sides, because the mock has no server-side apply. Medians of {@code --runs} rounds after {@code --warmup}.
 * The last line:
 *
 * <pre>
 * http-crud n=2000 converge_ms=… fabric8_ms=… ratio=…
 * </pre>
 *
 * {@code ratio} is fabric8's median over Converge's (higher is better for Converge); target ≥ 3 (DESIGN.md §9).
 * The line before it, {@code http-cpu}, compares the process CPU time each side's rounds cost (median), which a
 * loaded machine disturbs less than wall time.
 * Both sides pay the same client cost (client-java's Gson models over OkHttp), which bounds the ratio.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package && java -cp benchmarks/target/benchmarks.jar dev.converge.bench.Quick
 * http [--n 2000] [--runs 5] [--warmup 2]}; {@code --side converge} (or {@code fabric8}) runs one side alone, to profile it.
 */
final class HttpQuick {
  private static final String TOKEN = "bench-admin";
  /** The mock logs every request through java.util.logging at INFO; silenced so its time goes to serving. */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private HttpQuick() {}

  static int run(Quick.Options options) throws Exception {
    int n = options.integer("n", 2000);
    int runs = options.integer("runs", 5);
    int warmup = options.integer("warmup", 2);
    String side = options.text("side", "both");
    if (!side.equals("both") && !side.equals("converge") && !side.equals("fabric8")) {
      throw new IllegalArgumentException("--side is both, converge or fabric8, not " + side);
    }
    if (!side.equals("both")) {
      // One side alone, for a profiler: no ratio, since the peer did not run.
      for (int i = -warmup; i < runs; i++) {
        HttpCrudRound.Times t = side.equals("converge") ? convergeRound(HttpCrudWorkload.of(n)) : fabric8Round(HttpCrudWorkload.of(n));
        System.out.printf(Locale.ROOT, "%s %s: create %.0f get %.0f list %.0f update %.0f delete %.0f total %.0f ms%n", side,
            i < 0 ? "warmup" : "round", t.create(), t.get(), t.list(), t.update(), t.delete(), t.total());
      }
      return 0;
    }
    HttpCrudWorkload workload = HttpCrudWorkload.of(n);
    HttpCrudRound.Times[] converge = new HttpCrudRound.Times[runs];
    HttpCrudRound.Times[] fabric8 = new HttpCrudRound.Times[runs];
    double[] convergeCpu = new double[runs];
    double[] fabric8Cpu = new double[runs];
    for (int i = -warmup; i < runs; i++) {
      HttpCrudRound.Times c;
      HttpCrudRound.Times f;
      double cCpu;
      double fCpu;
      if ((i & 1) == 0) {
        double start = cpuMillis();
        c = convergeRound(workload);
        double middle = cpuMillis();
        f = fabric8Round(workload);
        cCpu = middle - start;
        fCpu = cpuMillis() - middle;
      } else {
        double start = cpuMillis();
        f = fabric8Round(workload);
        double middle = cpuMillis();
        c = convergeRound(workload);
        fCpu = middle - start;
        cCpu = cpuMillis() - middle;
      }
      System.out.printf(Locale.ROOT, "%s %d: converge %.0f ms (cpu %.0f ms), fabric8 %.0f ms (cpu %.0f ms)%n",
          i < 0 ? "warmup" : "round", i < 0 ? -i : i + 1, c.total(), cCpu, f.total(), fCpu);
      if (i >= 0) {
        converge[i] = c;
        fabric8[i] = f;
        convergeCpu[i] = cCpu;
        fabric8Cpu[i] = fCpu;
      }
    }
    phase("create", n, converge, fabric8, HttpCrudRound.Times::create);
    phase("get", n, converge, fabric8, HttpCrudRound.Times::get);
    phase("list", n, converge, fabric8, HttpCrudRound.Times::list);
    phase("update", n, converge, fabric8, HttpCrudRound.Times::update);
    phase("delete", n, converge, fabric8, HttpCrudRound.Times::delete);
    double cc = median(convergeCpu);
    double fc = median(fabric8Cpu);
    System.out.printf(Locale.ROOT, "http-cpu n=%d converge_cpu_ms=%.0f fabric8_cpu_ms=%.0f ratio=%.2f%n", n, cc, fc, fc / cc);
    double c = median(converge, HttpCrudRound.Times::total);
    double f = median(fabric8, HttpCrudRound.Times::total);
    System.out.printf(Locale.ROOT, "http-crud n=%d converge_ms=%.0f fabric8_ms=%.0f ratio=%.2f%n", n, c, f, f / c);
    return 0;
  }

  /** A fresh in-memory cluster behind a plain-HTTP front, as {@code converge serve} runs it. */
  private static HttpCrudRound.Times convergeRound(HttpCrudWorkload workload) throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 42);
    try (HttpFront front = HttpFront.builder(cluster.server()).adminToken(TOKEN).plainHttp().start()) {
      ApiClient client = new ApiClient();
      client.setBasePath(front.url());
      client.setApiKeyPrefix("Bearer");
      client.setApiKey(TOKEN);
      return HttpCrudRound.run(workload, client);
    }
  }

  /** A fresh fabric8 mock in CRUD mode on loopback. */
  private static HttpCrudRound.Times fabric8Round(HttpCrudWorkload workload) throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try {
      ApiClient client = new ApiClient();
      client.setBasePath("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort());
      return HttpCrudRound.run(workload, client);
    } finally {
      server.destroy();
    }
  }

  private static void phase(String name, int n, HttpCrudRound.Times[] converge, HttpCrudRound.Times[] fabric8,
      ToDoubleFunction<HttpCrudRound.Times> phase) {
    double c = median(converge, phase);
    double f = median(fabric8, phase);
    System.out.printf(Locale.ROOT, "http-%s n=%d converge_ms=%.0f fabric8_ms=%.0f ratio=%.2f%n", name, n, c, f, f / c);
  }

  /**
   * CPU time of the whole process so far: client, server, GC and JIT threads. Both sides run in this JVM one
   * after the other, so the difference across a round is what that round cost, whatever else the machine runs.
   */
  private static double cpuMillis() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
      return hotspot.getProcessCpuTime() / 1e6;
    }
    return Double.NaN;
  }

  private static double median(HttpCrudRound.Times[] rounds, ToDoubleFunction<HttpCrudRound.Times> value) {
    return median(Arrays.stream(rounds).mapToDouble(value).toArray());
  }

  private static double median(double[] unsorted) {
    double[] values = unsorted.clone();
    Arrays.sort(values);
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }
}
