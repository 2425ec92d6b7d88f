package dev.converge.cli;

import dev.converge.api.OwnershipConflictException;
import dev.converge.api.backend.BackendException;
import dev.converge.core.manifest.ManifestException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into one line on stderr and an exit code. Bad input (manifests, files, options) is exit
 * code 2 with {@code error: <file>: document <n>: <field>: <problem>}; a cluster that refuses or fails a request
 * (a {@code BackendException} outside the executor, which reports its own) is exit code 3 with {@code error:
 * cluster: <what it said>}; a plan that would take objects from their owner ({@code OwnershipConflictException}) is
 * exit code 3 too, naming each object and its owner, with nothing applied; anything else is a bug, exit code 1.
 * {@code --verbose} adds the stack trace. Commands compute their whole output before printing, so a failure
 * leaves stdout empty.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
  private final ConvergeCommand root;
  private final PrintWriter err;

  ErrorReporter(ConvergeCommand root, PrintWriter err) {
    this.root = root;
    this.err = err;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    int code;
    if (e instanceof ManifestException) {
      err.println("error: " + e.getMessage());
      code = ConvergeCommand.BAD_INPUT;
    } else if (e instanceof OwnershipConflictException) {
      // Nothing was applied: the files want objects another owner (another --owner set, an operator's primary) holds.
      err.println("error: " + e.getMessage());
      code = ConvergeCommand.INCOMPLETE;
    } else if (e instanceof BackendException) {
      // The cluster answered with an error or not at all (discovery, a read): say what it said.
      err.println("error: cluster: " + e.getMessage());
      code = ConvergeCommand.INCOMPLETE;
    } else {
      err.println("error: internal error: " + e + (root.verbose() ? "" : " (run with --verbose for the stack trace)"));
      code = ConvergeCommand.INTERNAL_ERROR;
    }
    if (root.verbose()) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /** Usage errors: picocli's message, in the same one-line form, pointing at the command's help. */
  @Override
  public int handleParseException(ParameterException e, String[] args) {
    String message = e.getMessage();
    if (!message.isEmpty()) {
      message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
      message += " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
    }
    err.println("error: " + message + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
    err.flush();
    return ConvergeCommand.BAD_INPUT;
  }
}
