package dev.converge.inmemory.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoDurationsTest {
  @Test
  void durationsAreWrittenAsGoWritesThem() {
    assertThat(GoDurations.format(0)).isEqualTo("0s");
    assertThat(GoDurations.format(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(GoDurations.format(3_723_000_000_000L)).isEqualTo("1h2m3s");
    assertThat(GoDurations.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(GoDurations.format(150_000_000L)).isEqualTo("150ms");
    assertThat(GoDurations.format(2_500L)).isEqualTo("2.5µs");
    assertThat(GoDurations.format(-90_000_000_000L)).isEqualTo("-1m30s");
  }
}
