package dev.converge.cli.serve;

import dev.converge.api.Resource;
import dev.converge.api.ResourceTypes;
import dev.converge.cli.simulate.SimulatedCluster;
import dev.converge.cli.simulate.SimulationExtension;
import dev.converge.cli.simulate.SimulationInput;
import dev.converge.core.manifest.ManifestException;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.ApiServerMetrics;
import dev.converge.inmemory.http.HttpFront;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A running {@code converge serve}: a simulated cluster (kubelets renewing their Leases and running pods, the
 * scheduler, kube-controller-manager's controllers, the engine's control loop over the {@code -f} manifests and
 * every simulation extension) whose virtual clock follows the wall clock, served over the Kubernetes HTTP API,
 * with the API server's meters at {@code /metrics} (Prometheus text) and the kubeconfig written for it. Tests and embeddings start one with {@link #start}; the command runs one
 * until interrupted.
 *
 * <p>Admission and conversion webhooks configured with a {@code url} are called over the network (HTTPS, trusting
 * the configuration's {@code caBundle}), so a webhook server running beside it, as envtest runs one, answers them;
 * so are those configured with a {@code service} given a network address ({@link WebhookService}).
 *
 * <p>Threads: the simulation is single-threaded, so one thread ({@link WallClockPacer}) moves its clock, in short
 * slices under the API server's lock; the HTTP front's threads make requests under the same lock. A request
 * therefore never sees the simulation mid-event, and watch events it causes are delivered on the clock, as the
 * simulated components' own are.
 */
public final class ConvergeServer implements AutoCloseable {

  /** Nodes when neither {@code --nodes} nor a NodePool says. */
  public static final int DEFAULT_NODES = 3;
  /** How long the nodes may take to register and report Ready before serving starts (virtual time). */
  private static final Duration NODES_READY_LIMIT = Duration.ofMinutes(5);

  private final SimulatedCluster simulated;
  private final HttpFront front;
  private final Path kubeconfig;
  private final WallClockPacer pacer;
  private final PrometheusMeterRegistry metrics;

  private ConvergeServer(SimulatedCluster simulated, HttpFront front, Path kubeconfig, WallClockPacer pacer,
      PrometheusMeterRegistry metrics) {
    this.simulated = simulated;
    this.front = front;
    this.kubeconfig = kubeconfig;
    this.pacer = pacer;
    this.metrics = metrics;
  }

  /** {@link #start(Integer, List, int, Path, long, List)} without simulation extensions. */
  public static ConvergeServer start(@Nullable Integer nodes, List<Path> files, int port, Path kubeconfig, long seed) {
    return start(nodes, files, port, kubeconfig, seed, List.of());
  }

  /**
   * Starts a simulated cluster of {@code nodes} nodes (or the files' NodePools; {@value #DEFAULT_NODES} when
   * neither says), with the manifests of {@code files} reconciled by the engine's control loop and {@code
   * extensions} installed; runs it until every node is Ready; serves it on {@code port} (0: any free port) and
   * writes an admin kubeconfig to {@code kubeconfig}. From then on the virtual clock follows the wall clock.
   *
   * @throws ManifestException if a file is not a valid manifest, the port is taken or the kubeconfig cannot be
   *     written: bad input, and nothing is served
   */
  public static ConvergeServer start(@Nullable Integer nodes, List<Path> files, int port, Path kubeconfig, long seed,
      List<SimulationExtension> extensions) {
    return start(nodes, files, port, kubeconfig, seed, extensions, List.of());
  }

  /**
   * {@link #start(Integer, List, int, Path, long, List)}, with the webhooks of {@code webhookServices} posted to
   * their network addresses ({@code --webhook-service}) from the start, so that the manifests of {@code files} are
   * admitted by them too.
   *
   * @throws ManifestException as the other overload, and if an address is not {@code host:port}
   */
  public static ConvergeServer start(@Nullable Integer nodes, List<Path> files, int port, Path kubeconfig, long seed,
      List<SimulationExtension> extensions, List<WebhookService> webhookServices) {
    return start(nodes, files, port, kubeconfig, seed, extensions, webhookServices, Credentials.SHARED);
  }

  /**
   * {@link #start(Integer, List, int, Path, long, List, List)}, with kube-controller-manager's controllers acting
   * with {@code credentials} ({@code --use-service-account-credentials}).
   */
  public static ConvergeServer start(@Nullable Integer nodes, List<Path> files, int port, Path kubeconfig, long seed,
      List<SimulationExtension> extensions, List<WebhookService> webhookServices, Credentials credentials) {
    return start(nodes, files, port, kubeconfig, seed, extensions, webhookServices,
        cluster -> cluster.controllerCredentials(credentials));
  }

  /**
   * {@link #start(Integer, List, int, Path, long, List, List)}, with the simulated cluster's options set by {@code
   * cluster} (kube-controller-manager's credentials, kube-proxy, images the registry lacks, …).
   */
  public static ConvergeServer start(@Nullable Integer nodes, List<Path> files, int port, Path kubeconfig, long seed,
      List<SimulationExtension> extensions, List<WebhookService> webhookServices,
      UnaryOperator<Simulation.Builder> cluster) {
    UnaryOperator<ResourceTypes> types = SimulationExtension.typesOf(extensions);
    SimulationInput input = files.isEmpty()
        ? SimulationInput.nodesOnly(nodes == null ? DEFAULT_NODES : nodes, types)
        : SimulationInput.readServed(files, nodes, types, DEFAULT_NODES);
    // The clock starts at the wall clock's now (whole milliseconds, as timestamps carry), so that the
    // creation timestamps and ages kubectl shows read true.
    Instant epoch = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    SimulatedCluster simulated = SimulatedCluster.create(input, seed, epoch, extensions, cluster);
    Simulation sim = simulated.simulation();
    // One registry per server, never a global one: two servers in one JVM (tests) keep their counts apart.
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ApiServerMetrics.bind(sim.server(), metrics);
    // As a cluster does, and as envtest's webhook servers are called: webhooks configured with a URL are posted to
    // over HTTPS, trusting the configuration's caBundle.
    sim.server().admission().endpoints().callUrlsOverNetwork(true);
    for (WebhookService service : webhookServices) {
      try {
        sim.server().admission().endpoints().serviceAt(service.namespace(), service.name(), service.address());
      } catch (IllegalArgumentException e) {
        throw ManifestException.input("--webhook-service " + service + ": " + e.getMessage());
      }
    }
    int expected = input.nodes();
    sim.start();
    sim.runUntil(() -> sim.readyNodes() >= expected, NODES_READY_LIMIT);
    waitForTheWallClock(sim);

    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = "converge-" + HexFormat.of().formatHex(secret);
    HttpFront front;
    try {
      front = HttpFront.builder(sim.server()).port(port).adminToken(token).metrics(metrics::scrape).start();
    } catch (UncheckedIOException e) {
      String reason = e.getCause() instanceof BindException ? "already in use" : String.valueOf(e.getCause().getMessage());
      throw ManifestException.input("--port " + port + ": cannot listen on 127.0.0.1:" + port + ": " + reason);
    }
    try {
      Path parent = kubeconfig.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(kubeconfig, front.kubeconfig(token));
    } catch (IOException e) {
      front.close();
      throw ManifestException.input("--kubeconfig " + kubeconfig + ": cannot write: " + ioReason(e));
    }
    WallClockPacer pacer = WallClockPacer.start(sim);
    return new ConvergeServer(simulated, front, kubeconfig, pacer, metrics);
  }

  /**
   * The nodes registered in virtual time, faster than the wall clock, so the virtual clock is now ahead of it (about
   * five seconds for a few nodes). Wait until the wall clock has caught up before anyone can connect: from then on the
   * pacer keeps the two together, and no timestamp the server hands out lies in the future. kubectl and client
   * libraries compare them with their own clocks ({@code kubectl describe}'s event ages, a Lease's renew time,
   * {@code kubectl delete}'s wait), as they would against a real cluster's.
   */
  private static void waitForTheWallClock(Simulation sim) {
    long aheadMillis = Duration.between(Instant.now(), sim.clock().now()).toMillis();
    if (aheadMillis <= 0) {
      return;
    }
    try {
      Thread.sleep(aheadMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the wall clock caught up with the simulation", e);
    }
  }

  private static String ioReason(IOException e) {
    return e instanceof java.nio.file.FileAlreadyExistsException exists ? exists.getFile() + " is a file, not a directory"
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
            ? Character.toLowerCase(fs.getReason().charAt(0)) + fs.getReason().substring(1)
        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  public InMemoryCluster cluster() {
    return simulated.simulation().cluster();
  }

  /** The simulation behind the server: its nodes, controllers and clock. */
  public Simulation simulation() {
    return simulated.simulation();
  }

  /**
   * Runs the simulation at {@code speed} virtual seconds per wall second from now on (1 at the start).
   *
   * @throws IllegalArgumentException unless {@code 0 < speed <= 1000}
   */
  public void speed(double speed) {
    pacer.speed(speed);
  }

  public HttpFront front() {
    return front;
  }

  /** The API server's meters ({@code converge.apiserver.*}), served at {@code /metrics}. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** How many resources the manifests held (all reconciled by the engine's loop). */
  public int applied() {
    return simulated.plan().size();
  }

  /** Why the simulation stopped, if one of its events failed; the cluster no longer moves then. */
  public @Nullable Throwable failure() {
    return pacer.failure();
  }

  /** Stops the clock, then the HTTP front. */
  @Override
  public void close() {
    pacer.close();
    front.close();
    metrics.close();
  }
}
