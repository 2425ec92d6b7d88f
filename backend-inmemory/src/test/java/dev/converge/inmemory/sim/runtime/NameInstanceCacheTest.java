package dev.converge.inmemory.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Values are found by the name instance, not by an equal name; stale entries are dropped once they pile up. */
class NameInstanceCacheTest {
  @Test
  void findsByInstanceOnly_andStartsOverPastTwiceTheTruth() {
    NameInstanceCache<String> cache = new NameInstanceCache<>();
    String name = new String("node-1");
    cache.put(name, "health-1", 1);
    assertThat(cache.get(name)).isEqualTo("health-1");
    assertThat(cache.get(new String("node-1"))).as("an equal but other instance").isNull();

    // The truth holds one object; 2 * 1 + 16 = 18 entries are allowed before the cache starts over.
    for (int i = 0; i < 17; i++) {
      cache.put(new String("gone-" + i), "stale", 1);
    }
    assertThat(cache.get(name)).isEqualTo("health-1");
    cache.put(new String("gone-17"), "stale", 1);
    cache.put(new String("gone-18"), "stale", 1);
    assertThat(cache.get(name)).as("dropped when the cache started over").isNull();
  }
}
