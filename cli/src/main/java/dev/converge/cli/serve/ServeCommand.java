package dev.converge.cli.serve;

import dev.converge.cli.simulate.ClusterOptions;
import dev.converge.cli.simulate.SimulationExtension;
import dev.converge.core.manifest.ManifestException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code converge serve [--nodes N] [-f FILE…] [--port P] [--kubeconfig PATH] [--webhook-service NS/NAME=HOST:PORT…]}:
 * starts an in-memory cluster with N nodes, applies the files, serves the Kubernetes API on 127.0.0.1, writes a
 * kubeconfig, prints how to use it and runs until interrupted (Ctrl-C).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = dev.converge.cli.ConvergeCommand.Version.class,
    description = "Serve an in-memory cluster over the Kubernetes API on 127.0.0.1, for kubectl and client libraries.")
public final class ServeCommand implements Callable<Integer> {
  private final PrintWriter out;
  private final CountDownLatch stop;
  private final List<SimulationExtension> extensions;

  @Option(names = "--nodes", paramLabel = "N",
      description = "Nodes to simulate (default: the files' NodePools, or " + ConvergeServer.DEFAULT_NODES + ").")
  private @Nullable Integer nodes;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE",
      description = "A manifest file, or a directory of them, that the engine's control loop keeps applied;"
          + " NodePool and WorkloadProfile objects shape the simulation. Repeatable.")
  private List<Path> files = new ArrayList<>();

  @Option(names = "--port", paramLabel = "P", defaultValue = "0",
      description = "The port on 127.0.0.1; 0 (the default) picks a free one.")
  private int port;

  @Option(names = "--kubeconfig", paramLabel = "PATH", defaultValue = "converge.kubeconfig",
      description = "Where to write the kubeconfig (default: ${DEFAULT-VALUE}).")
  private Path kubeconfig = Path.of("converge.kubeconfig");

  @Option(names = "--webhook-service", paramLabel = "NS/NAME=HOST:PORT",
      description = "Post the webhooks whose clientConfig.service is NS/NAME to HOST:PORT over HTTPS, as a cluster's"
          + " Service network forwards them (the Service must exist; the certificate must be valid for"
          + " NAME.NS.svc and signed by the configuration's caBundle). Repeatable.")
  private List<String> webhookServices = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed of the simulation's random draws (uids, generated names, start-up delays).")
  private long seed = 1;

  @Option(names = "--speed", paramLabel = "X", defaultValue = "1",
      description = "Virtual seconds per wall second, above 0 and up to 1000 (default: ${DEFAULT-VALUE}: the cluster's"
          + " clock is the wall clock). At 16, a rollout paced over four simulated minutes takes fifteen seconds;"
          + " timestamps then run ahead of the wall clock.")
  private double speed = 1;

  @Mixin private ClusterOptions clusterOptions = new ClusterOptions();

  /**
   * A command that runs until {@code stop} counts down (the process's shutdown, or a test), with {@code
   * extensions} installed in the served simulation.
   */
  public ServeCommand(PrintWriter out, CountDownLatch stop, List<SimulationExtension> extensions) {
    this.out = out;
    this.stop = stop;
    this.extensions = List.copyOf(extensions);
  }

  /** {@code 16×}, {@code 0.5×}. */
  private static String times(double speed) {
    return number(speed) + "×";
  }

  /** {@code 16}, {@code 0.5}. */
  private static String number(double value) {
    return value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value) : String.valueOf(value);
  }

  @Override
  public Integer call() throws InterruptedException {
    if (nodes != null && (nodes < 0 || nodes > 100_000)) {
      throw ManifestException.input("--nodes " + nodes + ": must be between 0 and 100000");
    }
    if (port < 0 || port > 65_535) {
      throw ManifestException.input("--port " + port + ": must be between 0 and 65535 (0 picks a free port)");
    }
    if (!WallClockPacer.isValidSpeed(speed)) {
      throw ManifestException.input("--speed " + number(speed) + ": must be above 0 and at most " + number(WallClockPacer.MAX_SPEED));
    }
    List<WebhookService> services = webhookServices.stream().map(WebhookService::parse).toList();
    try (ConvergeServer server = ConvergeServer.start(nodes, files, port, kubeconfig, seed, extensions, services,
        clusterOptions.customizer())) {
      server.speed(speed);
      int count = server.simulation().nodes().running();
      out.println("converge: serving " + count + " simulated node" + (count == 1 ? "" : "s")
          + (files.isEmpty() ? "" : " and " + server.applied() + " resources kept applied by the control loop")
          + " at " + server.front().url() + (speed == 1 ? "" : ", its clock at " + times(speed) + " the wall clock's pace"));
      out.println("converge: kubeconfig written to " + kubeconfig);
      out.println("converge: metrics at " + server.front().url() + "/metrics (Prometheus text; the kubeconfig's token)");
      for (WebhookService service : services) {
        out.println("converge: webhooks of Service " + service.namespace() + "/" + service.name() + " are posted to https://"
            + service.address());
      }
      out.println();
      out.println("  kubectl --kubeconfig " + kubeconfig + " get nodes");
      out.println("  export KUBECONFIG=" + kubeconfig.toAbsolutePath());
      out.println();
      out.println("Press Ctrl-C to stop.");
      out.flush();
      stop.await();
    }
    return 0;
  }
}
