package dev.converge.testkit.contract;

import com.google.common.collect.ImmutableMap;

/**
 * Known gaps of servers a backend may be tested against, for {@link BackendFixture#limitations()}.
 */
public final class Limitations {
  private Limitations() {}

  /** Nothing missing: every part of the contract is checked. */
  public static final ImmutableMap<Capability, String> NONE = ImmutableMap.of();

  /**
   * fabric8's {@code kubernetes-server-mock} in CRUD mode, driven through {@code KubernetesBackend}, as its
   * measured by {@code Fabric8CrudMockContractIT} in testkit's tests: the suite runs there with exactly these
   * gaps skipped.
   */
  public static final ImmutableMap<Capability, String> FABRIC8_CRUD_MOCK = ImmutableMap.<Capability, String>builder()
      .put(Capability.SERVER_SIDE_APPLY, "fabric8 CRUD mock: no server-side apply (404/415); the backend's get-then-write "
          + "fallback cannot see field ownership")
      .put(Capability.SET_BASED_SELECTORS, "fabric8 CRUD mock: no set-based label selectors")
      .put(Capability.FIELD_SELECTORS, "fabric8 CRUD mock: field selectors on name and namespace equality only, no 400")
      .put(Capability.PAGING, "fabric8 CRUD mock: no limit/continue paging")
      .put(Capability.WATCH_FROM_VERSION, "fabric8 CRUD mock: watches replay ADDED for everything, ignoring resourceVersion")
      .put(Capability.BOOKMARKS, "fabric8 CRUD mock: no bookmarks")
      .put(Capability.HISTORY_COMPACTION, "fabric8 CRUD mock: no watch history, no 410 Gone")
      .put(Capability.DELETE_PRECONDITIONS, "fabric8 CRUD mock: deletes ignore uid and resourceVersion preconditions")
      .put(Capability.GARBAGE_COLLECTION, "fabric8 CRUD mock: no controllers, so no garbage collection")
      .put(Capability.NAMESPACE_LIFECYCLE, "fabric8 CRUD mock: no namespace controller; namespaces are deleted at once")
      .put(Capability.CUSTOM_RESOURCES, "fabric8 CRUD mock: no CRD controller; CRDs never become Established")
      .put(Capability.STATUS_SUBRESOURCE, "fabric8 CRUD mock: status subresource only for CRDs, which are never Established")
      .put(Capability.FINALIZERS, "fabric8 CRUD mock: answers the update that removes an object's last finalizer without "
          + "the object, which KubernetesBackend rejects (IllegalArgumentException, not a typed error)")
      .put(Capability.VALIDATION, "fabric8 CRUD mock: no validation; any object is stored")
      .put(Capability.IDENTITIES, "fabric8 CRUD mock: no authentication or RBAC")
      .put(Capability.FAULT_INJECTION, "fabric8 CRUD mock: cannot be told to fail a request")
      .buildOrThrow();
}
