package dev.converge.examples.datadog;

import dev.converge.api.Context;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A {@link Context} for unit tests: the primary, what was observed, and a seeded random source.
 *
 * @param primary the primary as the server returned it
 * @param observed the live objects
 * @param random the seeded random source
 */
public record DatadogTestContext(Resource primary, Observed observed, RandomGenerator random) implements Context {

  /** Nothing observed yet, randomness seeded with {@code seed}. */
  public static DatadogTestContext firstPass(Resource primary, long seed) {
    return new DatadogTestContext(primary, Observed.empty(), new SplittableRandom(seed));
  }

  public static DatadogTestContext of(Resource primary, Observed observed, long seed) {
    return new DatadogTestContext(primary, observed, new SplittableRandom(seed));
  }
}
