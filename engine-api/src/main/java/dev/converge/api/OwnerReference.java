package dev.converge.api;

/**
 * A {@code metadata.ownerReferences} entry. Kubernetes only honours owner references within one namespace
 * (or from a namespaced dependent to a cluster-scoped owner); cluster-scoped dependents of a namespaced owner
 * are cleaned up by label instead.
 *
 * @param apiVersion the owner's apiVersion
 * @param kind the owner's kind
 * @param name the owner's name
 * @param uid the owner's uid
 * @param controller whether the owner is the managing controller
 * @param blockOwnerDeletion whether foreground deletion of the owner waits for this dependent
 */
public record OwnerReference(
    String apiVersion, String kind, String name, String uid, boolean controller, boolean blockOwnerDeletion) {

  /**
   * {@return the reference a controller sets on the objects it creates: {@code controller} and {@code
   * blockOwnerDeletion} true}
   *
   * @param owner the owner as read from the server
   * @throws IllegalArgumentException if {@code owner} has no uid (it was never stored)
   */
  public static OwnerReference controllerOf(Resource owner) {
    String uid = owner.uid();
    if (uid == null) {
      throw new IllegalArgumentException("owner " + owner.key() + " has no uid yet; it must be read from the server");
    }
    return new OwnerReference(owner.apiVersion(), owner.kind(), owner.name(), uid, true, true);
  }

  /** {@return the owner's group and kind} */
  public GroupKind groupKind() {
    return GroupKind.fromApiVersion(apiVersion, kind);
  }
}
