package dev.converge.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge serve --speed}: a served cluster's clock runs so many times as fast as the wall clock. Real time
 * by nature, so the bounds are loose: at speed 20, a wall second moves the clock by more than 5 and less than 40
 * simulated seconds (at speed 1, by about one).
 */
class ServeSpeedIT {
  @TempDir Path dir;

  @Test
  void atSpeedTwenty_aWallSecondIsAboutTwentySimulatedSeconds() throws Exception {
    try (ConvergeServer server = ConvergeServer.start(1, List.of(), 0, dir.resolve("kubeconfig"), 1)) {
      server.speed(20);
      Instant before = server.simulation().clock().now();
      Thread.sleep(1_000);
      Duration moved = Duration.between(before, server.simulation().clock().now());

      assertThat(moved).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(40));
      assertThatThrownBy(() -> server.speed(0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("speed 0.0 is not in (0, 1000]");
    }
  }
}
