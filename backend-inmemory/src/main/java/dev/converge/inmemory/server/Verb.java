package dev.converge.inmemory.server;

/**
 * The request verbs of Kubernetes' authorization attributes ({@code k8s.io/apiserver/pkg/endpoints/request}):
 * what RBAC rules name and what accounting counts.
 */
public enum Verb {
  GET("get", false),
  LIST("list", false),
  WATCH("watch", false),
  CREATE("create", true),
  UPDATE("update", true),
  PATCH("patch", true),
  DELETE("delete", true),
  DELETECOLLECTION("deletecollection", true);

  private final String wireName;
  private final boolean mutating;

  Verb(String wireName, boolean mutating) {
    this.wireName = wireName;
    this.mutating = mutating;
  }

  /** The lower-case verb as RBAC rules spell it. */
  public String wireName() {
    return wireName;
  }

  /** Whether the verb changes state (the SLO class "mutating" and the mutating inflight limit). */
  public boolean isMutating() {
    return mutating;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
