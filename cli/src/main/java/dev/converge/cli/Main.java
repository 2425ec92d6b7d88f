package dev.converge.cli;

import dev.converge.cli.simulate.DatadogOperatorExtension;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The {@code converge} executable: runs the command tree on the process's streams and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // UTF-8 whatever the platform default: plans and JSON carry names and values in any script.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    // plan without --kubeconfig plans against an empty cluster.
    // Long-running commands (serve) stop on Ctrl-C: the hook releases them and waits until they have cleaned up.
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "converge-shutdown"));
    // System.console() is null unless the process talks to a terminal: no progress bar in pipes and logs.
    int code = Converge.commandLine(ActualState.emptyCluster(), out, err, stop, System.console() != null,
        DatadogOperatorExtension.examples())
        .execute(args);
    stopped.countDown();
    out.flush();
    err.flush();
    System.exit(code);
  }
}
