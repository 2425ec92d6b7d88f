package dev.converge.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * Quick side-by-side runs, one per name, each timing Converge against its floor or peer in the same JVM:
 *
 * <pre>
 * mvn -q -B -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar dev.converge.bench.Quick planner [--resources 100000] [--runs 9] [--warmup 5]
 * java -cp benchmarks/target/benchmarks.jar dev.converge.bench.Quick backends [--n 2000] [--runs 5] [--warmup 1] [--repeat 5]
 * java -cp benchmarks/target/benchmarks.jar dev.converge.bench.Quick http [--n 2000] [--runs 5] [--warmup 2]
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.converge.bench.Quick simulate [--nodes 10000] [--duration 1h] [--runs 3]
 * </pre>
 *
 * Add a run by registering it in {@link #RUNS} (names such as {@code backends}, {@code http}, {@code simulate}).
 */
public final class Quick {
  /** One quick comparison: prints its results, the summary line last; returns the process exit code. */
  @FunctionalInterface
  public interface Run {
    int run(Options options) throws Exception;
  }

  private static final Map<String, Run> RUNS = new TreeMap<>(Map.of(
      "planner", PlannerQuick::run,
      "backends", BackendsQuick::run,
      "http", HttpQuick::run,
      "simulate", SimulateQuick::run));

  private Quick() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !RUNS.containsKey(args[0])) {
      System.err.println("usage: Quick <" + String.join("|", RUNS.keySet()) + "> [--name value]...");
      System.exit(2);
      return;
    }
    String[] rest = new String[args.length - 1];
    System.arraycopy(args, 1, rest, 0, rest.length);
    System.exit(RUNS.get(args[0]).run(Options.parse(rest)));
  }

  /** {@code --name value} options. */
  public record Options(Map<String, String> values) {
    static Options parse(String[] args) {
      Map<String, String> values = new TreeMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value, got " + args[i]);
        }
        values.put(args[i].substring(2), args[++i]);
      }
      return new Options(values);
    }

    public String text(String name, String fallback) {
      return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
      String value = values.get(name);
      return value == null ? fallback : Integer.parseInt(value.replace("_", "").replace(",", ""));
    }
  }
}
