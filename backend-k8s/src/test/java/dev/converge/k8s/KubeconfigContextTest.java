package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KubeconfigContext}: the current context by default, a named one on request, and errors that name the
 * file and the contexts it has. Reads files only; nothing connects.
 */
class KubeconfigContextTest {
  private static final String TWO_CONTEXTS = """
      apiVersion: v1
      kind: Config
      clusters:
      - name: dev-cluster
        cluster: {server: "https://127.0.0.1:6443"}
      - name: staging-cluster
        cluster: {server: "https://staging.example.com"}
      users:
      - name: u
        user: {token: t}
      contexts:
      - name: dev
        context: {cluster: dev-cluster, user: u}
      - name: staging
        context: {cluster: staging-cluster, user: u}
      current-context: dev
      """;

  @TempDir Path dir;

  private Path write(String text) throws Exception {
    Path file = dir.resolve("config");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void withoutContext_theFilesCurrentContextIsUsed() throws Exception {
    Path file = write(TWO_CONTEXTS);

    assertThat(KubeconfigContext.read(file, null)).isEqualTo(new KubeconfigContext(file, "dev", "https://127.0.0.1:6443"));
  }

  @Test
  void aNamedContext_selectsItsCluster() throws Exception {
    Path file = write(TWO_CONTEXTS);

    assertThat(KubeconfigContext.read(file, "staging").server()).isEqualTo("https://staging.example.com");
  }

  @Test
  void anUnknownContext_namesTheContextsTheFileHas() throws Exception {
    Path file = write(TWO_CONTEXTS);

    assertThatThrownBy(() -> KubeconfigContext.read(file, "prod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": no context \"prod\" (it has dev, staging)");
  }

  @Test
  void noCurrentContext_andNoneGiven_asksForOne() throws Exception {
    Path file = write(TWO_CONTEXTS.replace("current-context: dev\n", ""));

    assertThatThrownBy(() -> KubeconfigContext.read(file, null))
        .hasMessage(file + ": no current-context; choose one with --context (it has dev, staging)");
  }

  @Test
  void aMissingFile_isNamed() {
    Path file = dir.resolve("absent");

    assertThatThrownBy(() -> KubeconfigContext.read(file, null)).hasMessage(file + ": no such kubeconfig file");
  }

  @Test
  void textThatIsNotAKubeconfig_isRefused() throws Exception {
    Path file = write("- just\n- a list\n");

    assertThatThrownBy(() -> KubeconfigContext.read(file, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": not a readable kubeconfig");
  }
}
