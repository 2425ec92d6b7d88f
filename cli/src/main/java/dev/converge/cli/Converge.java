package dev.converge.cli;

import dev.converge.cli.apply.ApplyCommand;
import dev.converge.cli.serve.ServeCommand;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * Wires the {@code converge} command tree in plain code: which sub-commands exist, where they read actual
 * state from, where they print, how errors are reported. {@link Main} runs it on the process's streams;
 * tests run it in-process on string writers.
 */
public final class Converge {
  private Converge() {}

  /** The command tree, printing to {@code out} and {@code err}, planning against {@code actualState}. */
  public static CommandLine commandLine(ActualState actualState, PrintWriter out, PrintWriter err) {
    return commandLine(actualState, out, err, new CountDownLatch(1));
  }

  /**
   * The command tree, as above; long-running commands ({@code serve}) run until {@code stop} counts down, which
   * {@link Main} does on the process's shutdown.
   */
  public static CommandLine commandLine(ActualState actualState, PrintWriter out, PrintWriter err,
      CountDownLatch stop) {
    ConvergeCommand root = new ConvergeCommand(err);
    CommandLine commandLine = new CommandLine(root)
        .addSubcommand(new PlanCommand(actualState, out, err))
        .addSubcommand(new ApplyCommand(out, err))
        .addSubcommand(new ServeCommand(out, stop))
        .addSubcommand(new CommandLine.HelpCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(out)
        .setErr(err);
    ErrorReporter errors = new ErrorReporter(root, err);
    commandLine.setExecutionExceptionHandler(errors);
    commandLine.setParameterExceptionHandler(errors);
    return commandLine;
  }

  /** Runs {@code args} and returns the exit code. */
  public static int run(ActualState actualState, PrintWriter out, PrintWriter err, String... args) {
    return commandLine(actualState, out, err).execute(args);
  }
}
