package dev.converge.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code converge} executable: runs the command tree on the process's streams and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // UTF-8 whatever the platform default: plans and JSON carry names and values in any script.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    // The actual-state seam: an empty cluster until the in-memory backend and --cluster arrive.
    // System.console() is null unless the process talks to a terminal: no progress bar in pipes and logs.
    int code = Converge.run(ActualState.emptyCluster(), out, err, System.console() != null, args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
