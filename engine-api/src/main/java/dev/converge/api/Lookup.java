package dev.converge.api;

import java.util.Optional;

/** Reads one object of a known state by key: observed state, or the live cluster. */
@FunctionalInterface
public interface Lookup {
  Optional<Resource> get(ResourceKey key);
}
