package dev.converge.api;

/**
 * How a delete treats the object's dependents, as Kubernetes' {@code propagationPolicy}: {@code Background}
 * deletes the object now and its dependents after; {@code Foreground} deletes the dependents first (the object
 * stays, with a {@code foregroundDeletion} finalizer, until they are gone); {@code Orphan} leaves the dependents
 * behind without an owner.
 */
public enum Propagation {
  /** Delete the object now; the garbage collector deletes its dependents afterwards. */
  BACKGROUND("Background"),
  /** Delete the dependents first; the object stays until they are gone. */
  FOREGROUND("Foreground"),
  /** Delete the object and strip its owner reference from the dependents, which stay. */
  ORPHAN("Orphan");

  private final String wireName;

  Propagation(String wireName) {
    this.wireName = wireName;
  }

  /** {@return the value of {@code DeleteOptions.propagationPolicy}} */
  public String wireName() {
    return wireName;
  }

  /**
   * {@return the policy named as in {@code DeleteOptions.propagationPolicy}}
   *
   * @param name {@code Background}, {@code Foreground} or {@code Orphan}
   * @throws IllegalArgumentException for any other name
   */
  public static Propagation fromWireName(String name) {
    for (Propagation p : values()) {
      if (p.wireName.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown propagationPolicy '" + name + "' (expected Background, Foreground or Orphan)");
  }
}
