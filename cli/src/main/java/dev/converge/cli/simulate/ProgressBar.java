package dev.converge.cli.simulate;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on the terminal's stderr: {@code [#######.............]  35%  21m0s of 1h0m0s simulated},
 * redrawn in place when the whole percent changes. Off when stderr is not a terminal, so that logs and pipes
 * stay clean.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final boolean enabled;
  private int shown = -1;

  ProgressBar(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** Shows {@code done} of {@code total} simulated seconds, {@code label} naming the run. */
  void show(String label, double done, double total) {
    if (!enabled || total <= 0) {
      return;
    }
    int percent = (int) Math.min(100, Math.floor(100 * done / total));
    if (percent == shown) {
      return;
    }
    shown = percent;
    int filled = percent * WIDTH / 100;
    err.print(String.format(Locale.ROOT, "\r%s[%s%s] %3d%%  %s of %s simulated", label, "#".repeat(filled),
        ".".repeat(WIDTH - filled), percent, Units.duration(java.time.Duration.ofSeconds((long) done)),
        Units.duration(java.time.Duration.ofSeconds((long) total))));
    err.flush();
  }

  /** Clears the line. */
  void done() {
    if (enabled && shown >= 0) {
      err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
      err.flush();
      shown = -1;
    }
  }
}
