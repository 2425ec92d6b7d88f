package dev.converge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One in-process run of the {@code converge} command: its exit code and everything it printed.
 *
 * @param exitCode what the process would exit with
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
record CliRun(int exitCode, String out, String err) {

  /** Runs {@code converge args…} against an empty cluster, as {@link Main} does. */
  static CliRun converge(String... args) {
    return converge(ActualState.emptyCluster(), args);
  }

  /** Runs {@code converge args…} against {@code actual}. */
  static CliRun converge(ActualState actual, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.run(actual, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
