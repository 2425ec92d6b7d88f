package dev.converge.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where the pacer puts the virtual clock: with the wall clock at speed 1, so many times as fast otherwise, without a jump when the speed changes. */
class WallClockPacerTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void atSpeedOne_theVirtualClockMovesWithTheWallClock() {
    WallClockPacer.Anchor anchor = new WallClockPacer.Anchor(100 * SECOND, 7 * SECOND, 1);

    assertThat(anchor.target(100 * SECOND)).isEqualTo(7 * SECOND);
    assertThat(anchor.target(103 * SECOND)).isEqualTo(10 * SECOND);
  }

  @Test
  void aNewSpeed_startsWhereTheClockStands_andScalesTheWallTimeAfterIt() {
    WallClockPacer.Anchor one = new WallClockPacer.Anchor(0, 0, 1);

    WallClockPacer.Anchor sixteen = one.at(2 * SECOND, 16);
    WallClockPacer.Anchor half = sixteen.at(3 * SECOND, 0.5);

    assertThat(sixteen.target(2 * SECOND)).isEqualTo(2 * SECOND);
    assertThat(sixteen.target(3 * SECOND)).isEqualTo(18 * SECOND);
    assertThat(half.target(3 * SECOND)).isEqualTo(18 * SECOND);
    assertThat(half.target(5 * SECOND)).isEqualTo(19 * SECOND);
  }
}
