package dev.converge.cli.serve;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code converge serve [--nodes N] [-f FILE…] [--port P] [--kubeconfig PATH]}: starts an in-memory cluster with
 * N nodes, applies the files, serves the Kubernetes API on 127.0.0.1, writes a kubeconfig, prints how to use it
 * and runs until interrupted (Ctrl-C).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = dev.converge.cli.ConvergeCommand.Version.class,
    description = "Serve an in-memory cluster over the Kubernetes API on 127.0.0.1, for kubectl and client libraries.")
public final class ServeCommand implements Callable<Integer> {
  private final PrintWriter out;
  private final CountDownLatch stop;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Nodes to create (default: ${DEFAULT-VALUE}).")
  private int nodes = 3;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE",
      description = "A manifest file, or a directory of them, to apply at start. Repeatable.")
  private List<Path> files = new ArrayList<>();

  @Option(names = "--port", paramLabel = "P", defaultValue = "0",
      description = "The port on 127.0.0.1; 0 (the default) picks a free one.")
  private int port;

  @Option(names = "--kubeconfig", paramLabel = "PATH", defaultValue = "converge.kubeconfig",
      description = "Where to write the kubeconfig (default: ${DEFAULT-VALUE}).")
  private Path kubeconfig = Path.of("converge.kubeconfig");

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed for uids and generated names.")
  private long seed = 1;

  /** A command that runs until {@code stop} counts down (the process's shutdown, or a test). */
  public ServeCommand(PrintWriter out, CountDownLatch stop) {
    this.out = out;
    this.stop = stop;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (nodes < 0) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--nodes must not be negative");
    }
    try (ConvergeServer server = ConvergeServer.start(nodes, files, port, kubeconfig, seed)) {
      out.println("converge: serving " + nodes + " node" + (nodes == 1 ? "" : "s")
          + (files.isEmpty() ? "" : " and " + server.applied() + " applied resources") + " at " + server.front().url());
      out.println("converge: kubeconfig written to " + kubeconfig);
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
