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
   * fabric8's {@code kubernetes-server-mock} in CRUD mode, driven through {@code KubernetesBackend}, as
   * measured by {@code Fabric8CrudMockContractIT} in testkit's tests: the suite runs there with exactly these
   * gaps skipped. Each reason names what failed when the suite ran with no limitation declared (a capability
   * skips all its tests, including the few the mock passes by chance).
   */
  public static final ImmutableMap<Capability, String> FABRIC8_CRUD_MOCK = ImmutableMap.<Capability, String>builder()
      .put(Capability.SERVER_SIDE_APPLY, "fabric8 CRUD mock: no server-side apply (404/415); the backend's get-then-write "
          + "fallback cannot see field ownership")
      .put(Capability.SET_BASED_SELECTORS, "fabric8 CRUD mock: no 'in'/'notin' label requirements (it logs "
          + "and ignores them, so the list is not filtered); 'key' and '!key' work")
      .put(Capability.FIELD_SELECTORS, "fabric8 CRUD mock: field selectors on name and namespace equality only, no 400")
      .put(Capability.PAGING, "fabric8 CRUD mock: no limit/continue paging")
      .put(Capability.WATCH_FROM_VERSION, "fabric8 CRUD mock: watches replay ADDED for everything, ignoring resourceVersion")
      .put(Capability.BOOKMARKS, "fabric8 CRUD mock: no bookmarks")
      .put(Capability.HISTORY_COMPACTION, "fabric8 CRUD mock: no watch history, no 410 Gone")
      .put(Capability.DELETE_PRECONDITIONS, "fabric8 CRUD mock: deletes ignore uid and resourceVersion preconditions")
      .put(Capability.GARBAGE_COLLECTION, "fabric8 CRUD mock: no controllers, so no garbage collection")
      .put(Capability.NAMESPACE_LIFECYCLE, "fabric8 CRUD mock: objects are created in namespaces that do not "
          + "exist; no namespace controller, so a namespace is deleted at once and its contents stay")
      .put(Capability.CUSTOM_RESOURCES, "fabric8 CRUD mock: no CRD controller; CRDs never become Established")
      .put(Capability.STATUS_SUBRESOURCE, "fabric8 CRUD mock: a status write to a kind without a status "
          + "subresource (ConfigMap) succeeds instead of 404, and a status write at a stale resourceVersion succeeds "
          + "instead of 409")
      .put(Capability.FINALIZERS, "fabric8 CRUD mock: accepts a new finalizer on an object being "
          + "deleted; answers the update that removes an object's last finalizer without the object, which "
          + "KubernetesBackend rejects (IllegalArgumentException, not a typed error)")
      .put(Capability.VALIDATION, "fabric8 CRUD mock: no validation; any object is stored")
      .put(Capability.IDENTITIES, "fabric8 CRUD mock: no authentication or RBAC")
      .put(Capability.FAULT_INJECTION, "fabric8 CRUD mock: cannot be told to fail a request")
      .put(Capability.ADMISSION_WEBHOOKS, "fabric8 CRUD mock: no admission; webhook configurations are stored and never called")
      .put(Capability.ADMISSION_POLICIES, "fabric8 CRUD mock: no admission; admission policies are stored and never evaluated")
      .put(Capability.CONVERSION_WEBHOOKS, "fabric8 CRUD mock: no CRD controller and no conversion")
      .buildOrThrow();
}
