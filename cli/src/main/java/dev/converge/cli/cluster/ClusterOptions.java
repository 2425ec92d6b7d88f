package dev.converge.cli.cluster;

import dev.converge.k8s.KubeconfigContext;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --kubeconfig PATH [--context NAME]}: the cluster a command acts on, as kubectl names it. Without
 * {@code --kubeconfig} a command works on its default (plan: an empty cluster; apply: a new in-memory one); the
 * {@code KUBECONFIG} variable is deliberately not read, so that no command reaches a real cluster unless asked to.
 */
public final class ClusterOptions {
  @Option(names = "--kubeconfig", paramLabel = "PATH",
      description = "Act on the cluster of this kubeconfig (a real cluster, or converge serve) through the "
          + "Kubernetes API.")
  private @Nullable Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME",
      description = "The kubeconfig context to use (default: its current-context). Needs --kubeconfig.")
  private @Nullable String context;

  /**
   * The kubeconfig context chosen, or empty without {@code --kubeconfig}.
   *
   * @throws ParameterException (exit code 2) for {@code --context} without {@code --kubeconfig}, a missing or
   *     unreadable file, or an unknown context
   */
  public Optional<KubeconfigContext> context(CommandSpec spec) {
    if (kubeconfig == null) {
      if (context != null) {
        throw new ParameterException(spec.commandLine(), "--context needs --kubeconfig");
      }
      return Optional.empty();
    }
    try {
      return Optional.of(KubeconfigContext.read(kubeconfig, context));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--kubeconfig " + oneLine(String.valueOf(e.getMessage())));
    }
  }

  /**
   * A YAML parser's message spans lines (context, location, snippet, caret, problem): the unindented ones — what
   * was being parsed and what was wrong — on one line, as every error of the command is.
   */
  static String oneLine(String message) {
    StringBuilder line = new StringBuilder();
    message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).forEach(l -> {
      if (line.length() > 0 && !l.startsWith(")")) {
        line.append(": ");
      }
      line.append(l);
    });
    return line.toString();
  }
}
