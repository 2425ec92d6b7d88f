package dev.converge.inmemory.sim.runtime;

import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Values by the very name string an object carries, in front of a map by name that stays the truth. The
 * versions of an object share their name instance, so the constant stream of updates for one object (Lease
 * renewals, status writes) finds its entry by a reference lookup instead of hashing and comparing names. A
 * lookup must check that the value is still current; entries left behind by deleted objects pile up until the
 * cache holds twice as many as the truth, and then it starts over. Not thread-safe (the simulation runs on
 * one thread).
 *
 * @param <V> the cached value
 */
public final class NameInstanceCache<V> {
  private final Map<String, V> byInstance = new IdentityHashMap<>();

  /** {@return the value kept for this name instance, or null; the caller checks that it is still current} */
  public @Nullable V get(String nameInstance) {
    return byInstance.get(nameInstance);
  }

  /** Keeps {@code value} for this name instance; {@code truthSize} is the size of the map by name it fronts. */
  public void put(String nameInstance, V value, int truthSize) {
    if (byInstance.size() > 2 * truthSize + 16) {
      byInstance.clear();
    }
    byInstance.put(nameInstance, value);
  }
}
