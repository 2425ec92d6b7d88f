package dev.converge.cli.simulate;

import java.time.Duration;
import java.util.Locale;

/** How reports print latencies, durations and rates: stable, locale-free, short. */
final class Units {
  private Units() {}

  /** {@code 0.42ms}, {@code 12ms}, {@code 1.25s}, {@code 45.2s}. */
  static String latency(long nanos) {
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
    }
    if (nanos < 1_000_000_000) {
      return (nanos / 1_000_000) + "ms";
    }
    if (nanos < 10_000_000_000L) {
      return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }
    return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
  }

  /** Milliseconds with three decimals at most, for JSON. */
  static double millis(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  /** {@code 1h0m0s}, {@code 90s} as Go prints durations, for headers. */
  static String duration(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    return (hours > 0 ? hours + "h" : "") + minutes + "m" + rest + "s";
  }

  /** One decimal. */
  static String rate(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** Seconds with one decimal. */
  static String seconds(double value) {
    return String.format(Locale.ROOT, "%.1fs", value);
  }

  /** A rate rounded to three decimals, for JSON. */
  static double round3(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
