package dev.converge.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code converge} command. On its own it prints its usage; the work is in sub-commands. Options marked
 * {@link ScopeType#INHERIT} ({@code --verbose}) are accepted before or after the sub-command's name.
 */
@Command(
    name = "converge",
    mixinStandardHelpOptions = true,
    versionProvider = ConvergeCommand.Version.class,
    description = "Plan and apply Kubernetes manifests in dependency order, with the reason for every change.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:an unexpected internal error (run with --verbose for the stack trace)",
        "2:bad input: invalid manifests, files or options; nothing was done",
        "3:the cluster refused or failed a request, or apply left changes undone (failed, skipped or waiting)"
    })
public final class ConvergeCommand implements Callable<Integer> {
  /** Exit code of a command that ran. */
  public static final int OK = 0;
  /** Exit code of a bug: an exception nobody expected. */
  public static final int INTERNAL_ERROR = 1;
  /** Exit code of bad input: manifests, files or options. Nothing was done. */
  public static final int BAD_INPUT = 2;
  /** Exit code of an apply that left changes undone, or of a cluster that refused or failed a request. */
  public static final int INCOMPLETE = 3;

  private final PrintWriter err;

  /** Injected by picocli: the command as parsed, with its sub-commands, for the usage text. */
  @Spec private @Nullable CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of errors.")
  private boolean verbose;

  ConvergeCommand(PrintWriter err) {
    this.err = err;
  }

  /** Whether {@code --verbose} was given, to this command or a sub-command. */
  boolean verbose() {
    return verbose;
  }

  @Override
  public Integer call() {
    // No sub-command: say what there is, on stderr, as a usage error.
    CommandSpec parsed = spec;
    if (parsed != null) {
      parsed.commandLine().usage(err);
    }
    return BAD_INPUT;
  }

  /** The version from the jar's manifest; classes run from a build directory have none. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ConvergeCommand.class.getPackage().getImplementationVersion();
      return new String[] {"converge " + (version == null ? "(development build)" : version)};
    }
  }
}
