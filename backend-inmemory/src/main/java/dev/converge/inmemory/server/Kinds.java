package dev.converge.inmemory.server;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;

/** Kind checks on the hot paths, without building the {@link GroupKind} that {@link Resource#groupKind()} makes. */
public final class Kinds {
  private Kinds() {}

  /** Whether {@code object} is of {@code kind}: {@code object.groupKind().equals(kind)}, without allocating. */
  public static boolean is(Resource object, GroupKind kind) {
    return object.kind().equals(kind.kind()) && object.group().equals(kind.group());
  }
}
