package dev.converge.api;

import java.util.Optional;

/** Reads one object of a known state by key: observed state, or the live cluster. */
@FunctionalInterface
public interface Lookup {
  /**
   * {@return the object at {@code key}, or empty if there is none}
   *
   * @param key the object's key
   */
  Optional<Resource> get(ResourceKey key);
}
