package dev.converge.cli;

import dev.converge.cli.apply.ApplyCommand;
import dev.converge.cli.serve.ServeCommand;
import dev.converge.cli.simulate.SimulateCommand;
import dev.converge.cli.simulate.SimulationExtension;
import java.io.PrintWriter;
import java.util.List;
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
    return commandLine(actualState, out, err, stop, false, List.of());
  }

  /**
   * The command tree, as above; {@code terminal} says whether {@code err} is a terminal (progress bars), and
   * {@code simulations} are installed in every {@code converge simulate} run and every {@code converge serve}
   * cluster (operators that join the simulation).
   */
  public static CommandLine commandLine(ActualState actualState, PrintWriter out, PrintWriter err,
      CountDownLatch stop, boolean terminal, List<SimulationExtension> simulations) {
    ConvergeCommand root = new ConvergeCommand(err);
    CommandLine commandLine = new CommandLine(root)
        .addSubcommand(new PlanCommand(actualState, out, err))
        .addSubcommand(new ApplyCommand(out, err))
        .addSubcommand(new SimulateCommand(out, err, terminal, simulations))
        .addSubcommand(new ServeCommand(out, stop, simulations))
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

  /** Runs {@code args} as the {@code converge} executable does, with progress bars when {@code terminal}. */
  public static int run(ActualState actualState, PrintWriter out, PrintWriter err, boolean terminal, String... args) {
    return commandLine(actualState, out, err, new CountDownLatch(1), terminal, List.of()).execute(args);
  }
}
