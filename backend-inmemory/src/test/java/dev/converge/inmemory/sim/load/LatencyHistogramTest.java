package dev.converge.inmemory.sim.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Percentiles from log-linear buckets: exact below 32 ns and at the largest value, within 1/32 above; the
 * rank is {@code ceil(q × count)}; empty is 0.
 */
class LatencyHistogramTest {

  @Test
  void p99OfAHundredValues_isTheBucketOfThe99th_clampedToTheLargest() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 1; i <= 100; i++) {
      histogram.record(i * 1_000_000L);
    }
    // The 99th value is 99 ms; its bucket's upper bound is within 1/32 of it.
    assertThat(histogram.quantile(0.99)).isBetween(99_000_000L, 99_000_000L + 99_000_000L / 32);
    assertThat(histogram.quantile(1.0)).isEqualTo(100_000_000L);
    assertThat(histogram.quantile(0.5)).isBetween(50_000_000L, 50_000_000L + 50_000_000L / 32);
    assertThat(histogram.count()).isEqualTo(100);
  }

  @Test
  void smallValuesAreExact_andEmptyIsZero() {
    LatencyHistogram histogram = new LatencyHistogram();
    assertThat(histogram.quantile(0.99)).isZero();
    histogram.record(7);
    histogram.record(31);
    assertThat(histogram.quantile(0.5)).isEqualTo(7);
    assertThat(histogram.quantile(0.99)).isEqualTo(31);
  }

  @Test
  void bucketBounds_coverEveryValueOnce() {
    for (long value : new long[] {0, 31, 32, 33, 63, 64, 65, 1_000_000, 15_112_019_706L}) {
      int index = LatencyHistogram.index(value);
      assertThat(LatencyHistogram.upperBound(index)).isGreaterThanOrEqualTo(value);
      assertThat(index == 0 || LatencyHistogram.upperBound(index - 1) < value).isTrue();
    }
  }
}
