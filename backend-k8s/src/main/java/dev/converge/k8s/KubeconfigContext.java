package dev.converge.k8s;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A kubeconfig file, read as kubectl reads it ({@code --kubeconfig PATH [--context NAME]}): the named context, or
 * the file's {@code current-context}; relative certificate and key paths resolve against the file's directory.
 * Callers outside this module get a {@link KubernetesBackend} or a {@link LeaderElection} from it and never see
 * client-java's types.
 *
 * @param file the kubeconfig
 * @param context the context it selects
 * @param server the API server URL of that context
 */
public record KubeconfigContext(Path file, String context, String server) {

  /**
   * Reads {@code file} and selects {@code context} (null: the file's current context).
   *
   * @throws IllegalArgumentException if the file is missing, not a kubeconfig, has no such context, or names no
   *     current context when none is given; the message names the file and the contexts it has
   */
  public static KubeconfigContext read(Path file, @Nullable String context) {
    KubeConfig config = load(file);
    String selected = select(config, file, context);
    String server = config.getServer();
    if (server == null || server.isEmpty()) {
      throw new IllegalArgumentException(file + ": context \"" + selected + "\" names no cluster server");
    }
    return new KubeconfigContext(file, selected, server);
  }

  /**
   * A backend acting with this context's cluster and credentials.
   *
   * @throws UncheckedIOException if its certificates or keys cannot be read
   */
  public KubernetesBackend backend(KubernetesBackendOptions options, MeterRegistry registry) {
    return new KubernetesBackend(client(), options, registry);
  }

  /**
   * A leader election on a Lease, written with this context's credentials (see {@link LeaderElection}); not started.
   */
  public LeaderElection leaderElection(LeaderElectionSettings settings, Runnable onStartLeading, Runnable onStopLeading,
      MeterRegistry registry) {
    return new LeaderElection(client(), settings, onStartLeading, onStopLeading, registry);
  }

  /** A fresh client of this context; the process-wide default client is never touched. */
  ApiClient client() {
    KubeConfig config = load(file);
    select(config, file, context);
    try {
      return ClientBuilder.kubeconfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot set up the client of context \"" + context + "\"", e);
    }
  }

  private static KubeConfig load(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      // Relative certificate-authority, client-certificate and client-key paths are relative to the file.
      config.setFile(file.toAbsolutePath().toFile());
      return config;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such kubeconfig file", e);
    } catch (IOException | RuntimeException e) {
      // SnakeYAML and client-java throw runtime exceptions for text that is not a kubeconfig.
      throw new IllegalArgumentException(file + ": not a readable kubeconfig (" + e.getMessage() + ")", e);
    }
  }

  private static String select(KubeConfig config, Path file, @Nullable String context) {
    if (context != null) {
      if (!config.setContext(context)) {
        throw new IllegalArgumentException(file + ": no context \"" + context + "\" (it has " + contexts(config) + ")");
      }
      return context;
    }
    String current = config.getCurrentContext();
    if (current == null || current.isEmpty() || config.getServer() == null) {
      throw new IllegalArgumentException(file + ": no current-context; choose one with --context (it has "
          + contexts(config) + ")");
    }
    return current;
  }

  private static String contexts(KubeConfig config) {
    List<String> names = new ArrayList<>();
    List<Object> contexts = config.getContexts();
    if (contexts != null) {
      for (Object entry : contexts) {
        if (entry instanceof Map<?, ?> map && map.get("name") != null) {
          names.add(String.valueOf(map.get("name")));
        }
      }
    }
    return names.isEmpty() ? "no contexts" : String.join(", ", names);
  }
}
