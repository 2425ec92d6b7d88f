package dev.converge.examples.datadog;

import dev.converge.api.Resource;
import dev.converge.examples.datadog.decode.AgentManifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared fixtures: the shared example manifests, read from where they are published, and small DDAs. */
public final class DatadogFixtures {
  /** The namespace the install flow applies the examples to, as {@code kubectl apply -n datadog}. */
  public static final String NAMESPACE = "datadog";

  private DatadogFixtures() {}

  /**
   * {@code shared/examples/<file>} exactly as shared: a verbatim copy kept in the test resources ({@code
   * SharedExamplesTest} checks it against {@code shared/} whenever that folder is beside the build).
   */
  public static String sharedExample(String file) {
    try (var in = DatadogFixtures.class.getResourceAsStream("/examples/" + file)) {
      if (in == null) {
        throw new IllegalStateException("test resource examples/" + file + " not found");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where {@code shared/examples} is, if beside this build (a worktree under /work or a CI clone). */
  public static java.util.Optional<Path> sharedExamplesFolder() {
    for (Path base : new Path[] {Path.of("../../../shared/examples"), Path.of("/work/shared/examples")}) {
      if (Files.isDirectory(base)) {
        return java.util.Optional.of(base);
      }
    }
    return java.util.Optional.empty();
  }

  /** The shared {@code datadog-agent.yaml}, in {@link #NAMESPACE}, with a server-assigned uid. */
  public static Resource exampleAgent() {
    return AgentManifests.inNamespace(AgentManifests.read(sharedExample("datadog-agent.yaml")), NAMESPACE, "uid-datadog");
  }

  /** A DatadogAgent named {@code name} in {@link #NAMESPACE} with {@code specYaml} (indented by two spaces). */
  public static Resource agent(String name, String specYaml) {
    return AgentManifests.inNamespace(AgentManifests.read("apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata:\n  name: "
        + name + "\nspec:\n" + specYaml), NAMESPACE, "uid-" + name);
  }

  /** The minimal valid spec: an API key Secret reference. */
  public static final String MINIMAL = """
        global:
          credentials:
            apiSecret:
              secretName: datadog-secret
              keyName: api-key
      """;

  /** {@link #MINIMAL} followed by {@code more} (indented by two spaces, under spec). */
  public static Resource minimalAgent(String more) {
    return agent("datadog", MINIMAL + more);
  }
}
