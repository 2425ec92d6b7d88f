package dev.converge.inmemory.sim.runtime;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Every random draw of a simulation comes from here: one seed, and one {@link SplittableRandom} per component,
 * derived from the seed and the component's name. Deriving by name (rather than by the order in which
 * components ask) means adding a component never shifts another component's draws, so a change to one part
 * of a scenario leaves the randomness of the rest as it was.
 */
public final class Randoms {
  private final long seed;

  public Randoms(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** A fresh generator for {@code component} (the same name always gives the same sequence). */
  public SplittableRandom forComponent(String component) {
    long h = 0xcbf29ce484222325L;
    for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return new SplittableRandom(mix(seed) ^ mix(h + 0x9e3779b97f4a7c15L));
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer, as {@code SplittableRandom} mixes its seeds. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
