package dev.converge.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad input of {@code converge serve} that is only found once it tries to listen or write: a port another
 * process holds, a kubeconfig path it cannot write. One line, exit code 2, nothing on stdout, nothing left
 * listening or written. (An *IT: it opens sockets. The rest of the catalog is {@code BadInputCatalogTest}.) And
 * one good start: a {@code --webhook-service} is announced.
 */
class ServeBadInputIT {
  @TempDir Path dir;

  @Test
  void aPortInUse_isOneLine_exitCode2() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Run run = serve("--port", Integer.toString(port), "--kubeconfig", dir.resolve("kubeconfig").toString());
      assertThat(run.err).isEqualTo("error: --port " + port + ": cannot listen on 127.0.0.1:" + port + ": already in use"
          + System.lineSeparator());
      assertThat(run.code).isEqualTo(2);
      assertThat(run.out).isEmpty();
      assertThat(dir.resolve("kubeconfig")).doesNotExist();
    }
  }

  @Test
  void aKubeconfigUnderAFile_isOneLine_exitCode2_andNothingIsLeftListening() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Run run = serve("--kubeconfig", file.resolve("kubeconfig").toString());
    assertThat(run.err).isEqualTo("error: --kubeconfig " + file.resolve("kubeconfig") + ": cannot write: "
        + file.toAbsolutePath() + " is a file, not a directory" + System.lineSeparator());
    assertThat(run.code).isEqualTo(2);
    assertThat(run.out).isEmpty();
  }

  @Test
  void aKubeconfigThatIsADirectory_isOneLine_exitCode2() throws IOException {
    Path directory = Files.createDirectories(dir.resolve("dir"));
    Run run = serve("--kubeconfig", directory.toString());
    assertThat(run.err).isEqualTo("error: --kubeconfig " + directory + ": cannot write: is a directory" + System.lineSeparator());
    assertThat(run.code).isEqualTo(2);
  }

  @Test
  void aWebhookService_isRoutedFromTheStart_andAnnounced() {
    Run run = serve("--kubeconfig", dir.resolve("kubeconfig").toString(), "--nodes", "1",
        "--webhook-service", "system/webhook-service=127.0.0.1:9443");
    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out).contains("converge: webhooks of Service system/webhook-service are posted to https://127.0.0.1:9443");
  }

  private static Run serve(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    // Already counted down: were serve to start, it would stop at once rather than hang the test.
    CountDownLatch stop = new CountDownLatch(0);
    int code = Converge.commandLine(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true), stop)
        .execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  private record Run(int code, String out, String err) {}
}
