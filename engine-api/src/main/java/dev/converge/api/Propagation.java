package dev.converge.api;

/**
 * How a delete treats the object's dependents, as Kubernetes' {@code propagationPolicy}: {@code Background}
 * deletes the object now and its dependents after; {@code Foreground} deletes the dependents first (the object
 * stays, with a {@code foregroundDeletion} finalizer, until they are gone); {@code Orphan} leaves the dependents
 * behind without an owner.
 */
public enum Propagation {
  BACKGROUND("Background"),
  FOREGROUND("Foreground"),
  ORPHAN("Orphan");

  private final String wireName;

  Propagation(String wireName) {
    this.wireName = wireName;
  }

  /** The value of {@code DeleteOptions.propagationPolicy}. */
  public String wireName() {
    return wireName;
  }

  public static Propagation fromWireName(String name) {
    for (Propagation p : values()) {
      if (p.wireName.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown propagationPolicy '" + name + "' (expected Background, Foreground or Orphan)");
  }
}
