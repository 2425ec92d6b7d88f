package dev.converge.testkit.contract;

/**
 * What a backend may be unable to do. A {@link BackendFixture} lists its gaps in {@link
 * BackendFixture#limitations()}, each with the reason; the contract tests that need one are then reported as
 * skipped with that reason, never passed. Everything not listed is checked.
 */
public enum Capability {
  /** {@code Backend.create}, with {@code AlreadyExists} for a taken name. */
  CREATE,
  /** Server-side apply: managed fields, two managers, conflicts, {@code force}, removal of dropped fields. */
  SERVER_SIDE_APPLY,
  /** The {@code status} subresource: the main resource and the status are written separately. */
  STATUS_SUBRESOURCE,
  /** Set-based label selectors ({@code in}, {@code notin}, exists, does-not-exist). */
  SET_BASED_SELECTORS,
  /** Field selectors on {@code metadata.name}/{@code metadata.namespace}, 400 for unsupported fields. */
  FIELD_SELECTORS,
  /** {@code limit}/{@code continue} paging over a consistent snapshot. */
  PAGING,
  /** Watches that start from a {@code resourceVersion} (resumption). */
  WATCH_FROM_VERSION,
  /** BOOKMARK events on demand: needs {@link BackendFixture#bookmarkNow()}. */
  BOOKMARKS,
  /** Dropping history on demand, for {@code 410 Gone}: needs {@link BackendFixture#compactHistory()}. */
  HISTORY_COMPACTION,
  /** Finalizers and {@code deletionTimestamp}. */
  FINALIZERS,
  /** uid and resourceVersion preconditions on delete. */
  DELETE_PRECONDITIONS,
  /** Owner-reference garbage collection: background, foreground, orphan. */
  GARBAGE_COLLECTION,
  /**
   * Namespace lifecycle: no object is created in a namespace that does not exist (the NamespaceLifecycle
   * admission plugin); deleting a namespace removes its contents, keeps it Terminating until then and refuses
   * new content.
   */
  NAMESPACE_LIFECYCLE,
  /** Serving the kinds of CustomResourceDefinitions, and retiring them. */
  CUSTOM_RESOURCES,
  /** Validation of objects (422 with causes), including the rule that no finalizer joins an object being deleted. */
  VALIDATION,
  /** Requests as another identity, authorized by RBAC: needs {@link BackendFixture#backendAs(String)}. */
  IDENTITIES,
  /** Failing the next request with a chosen code: needs {@link BackendFixture#failNextRequest}. */
  FAULT_INJECTION,
  /**
   * Admission webhooks: the Mutating/ValidatingWebhookConfigurations stored in the cluster are called for the
   * requests they match, and their {@code failurePolicy} decides when nothing answers.
   */
  ADMISSION_WEBHOOKS,
  /** ValidatingAdmissionPolicies: a policy bound with {@code Deny} refuses what its validations refuse (422). */
  ADMISSION_POLICIES,
  /**
   * CRD conversion webhooks: a CRD with {@code spec.conversion.strategy: Webhook} converts its objects between
   * versions by calling its webhook, and a conversion nothing answers fails the request with 500.
   */
  CONVERSION_WEBHOOKS
}
