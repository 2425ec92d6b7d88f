package dev.converge.cli;

/** How a command prints its result: {@code text} for people, {@code json} for machines. */
public enum OutputFormat {
  // Lower case: picocli shows and matches these names as the values of -o.
  text,
  json
}
