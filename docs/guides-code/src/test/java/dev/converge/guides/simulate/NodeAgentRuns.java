package dev.converge.guides.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@code converge simulate} in-process as the guide's commands do, and compares with the guide's outputs. */
final class NodeAgentRuns {
  /** The guide's input, relative to this module (the guide runs it from {@code docs/guides-code}). */
  static final String INPUT = "src/main/resources/simulate/node-agent";
  private static final Path OUTPUTS = Path.of("src/test/resources/simulate");

  private NodeAgentRuns() {}

  /** The stdout of {@code converge simulate args…}, the wall time masked; fails on a non-zero exit. */
  static String simulate(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "simulate";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true), all);
    assertThat(code).as(err.toString()).isZero();
    return out.toString().replaceAll("in \\d+ ms of wall time", "in <wall> ms of wall time");
  }

  /**
   * {@code output} equals the guide's copy in {@code src/test/resources/simulate/NAME}; {@code
   * -Dconverge.golden.update=true} rewrites it (then read the guide again: its prose quotes these numbers).
   */
  static void matchesTheGuide(String name, String output) throws IOException {
    Path file = OUTPUTS.resolve(name);
    if (Boolean.getBoolean("converge.golden.update")) {
      Files.writeString(file, output, StandardCharsets.UTF_8);
    }
    assertThat(output).as("the output the guide shows, %s", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
