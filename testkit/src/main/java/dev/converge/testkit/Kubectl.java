package dev.converge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's {@code kubectl}, run against a kubeconfig as a user would run it: for tests that check an {@code
 * HttpFront} or {@code converge serve} with the real client (client-go's retries, discovery, printers), as
 * {@code KubectlIT} does. Each run gets its own output files in the working directory and a discovery cache there,
 * never the user's {@code ~/.kube}.
 *
 * <pre>{@code
 * assumeTrue(Kubectl.available(), "kubectl is not on the PATH");
 * Kubectl kubectl = Kubectl.of(kubeconfig, tempDir);
 * Kubectl.Result result = kubectl.run("get", "configmaps", "-n", "default", "-o", "name");
 * }</pre>
 */
public final class Kubectl {
  /** How long one run may take before it is killed: kubectl's own request timeout is a quarter of it. */
  public static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** What one run printed and how it ended. */
  public record Result(int exitCode, String out, String err) {
    /** {@return whether kubectl exited with 0} */
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path kubeconfig;
  private final Path workDir;

  private Kubectl(Path kubeconfig, Path workDir) {
    this.kubeconfig = kubeconfig;
    this.workDir = workDir;
  }

  /** A kubectl that reads {@code kubeconfig} and keeps its discovery cache and output files in {@code workDir}. */
  public static Kubectl of(Path kubeconfig, Path workDir) {
    return new Kubectl(kubeconfig, workDir);
  }

  /** Whether {@code kubectl version --client} runs on this machine: tests that need it are skipped otherwise. */
  public static boolean available() {
    try {
      Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The command line {@link #run} runs, for a caller that starts the process itself (a {@code get -w} it reads
   * as it streams).
   */
  public List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--cache-dir",
        workDir.resolve("kubectl-cache").toString(), "--request-timeout", "30s"));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Runs {@code kubectl --kubeconfig … --cache-dir … --request-timeout 30s ARGS} and waits for it.
   *
   * @throws IllegalStateException if it has not finished within {@link #TIMEOUT} (it is killed)
   */
  public Result run(String... args) {
    List<String> command = command(args);
    try {
      Path out = Files.createTempFile(workDir, "kubectl-out", ".txt");
      Path err = Files.createTempFile(workDir, "kubectl-err", ".txt");
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT);
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running kubectl", e);
    }
  }
}
