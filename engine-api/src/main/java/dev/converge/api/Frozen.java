package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** A frozen container, as {@link Interned} compares it. */
interface Frozen {
  /**
   * Whether this container has these members ({@link Interned#same}).
   *
   * @param names an object's member names, or null for an array
   * @param members an object's values or an array's elements
   */
  boolean hasMembers(String @Nullable [] names, JsonNode @Nullable [] members);
}
