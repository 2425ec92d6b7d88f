package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.admission.AdmissionRequest;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.defaults.CoreDefaults;
import dev.converge.inmemory.defaults.Defaulting;
import dev.converge.inmemory.defaults.WorkloadDefaults;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.patch.ManagedFields;
import dev.converge.inmemory.rbac.EscalationCheck;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ObjectStore;
import dev.converge.inmemory.validation.Validation;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The write semantics of Kubernetes' generic registry ({@code k8s.io/apiserver/pkg/registry/generic/registry/store.go}
 * and {@code rest/create.go}, {@code rest/update.go}, {@code rest/delete.go}) for create, update, status
 * update and namespace finalize. Deletion lives in {@link Deletes}, patches in {@link Patches}. Called under
 * the server lock.
 */
final class Writes {
  static final GroupKind NAMESPACE = GroupKind.of("", "Namespace");
  static final GroupKind SERVICE = GroupKind.of("", "Service");
  static final GroupKind POD = GroupKind.of("", "Pod");
  private static final ImmutableSet<String> SERVER_METADATA = ImmutableSet.of("uid", "creationTimestamp", "deletionTimestamp",
      "deletionGracePeriodSeconds", "generation", "managedFields", "selfLink", "resourceVersion");
  /** The server-owned metadata an update keeps from the stored object, in the order it puts them back. */
  private static final List<String> KEPT_METADATA = List.of("uid", "creationTimestamp", "deletionTimestamp",
      "deletionGracePeriodSeconds", "managedFields");

  final ApiServer server;
  final ObjectStore store;
  final Uids uids;
  private final ServiceAccountAdmission serviceAccounts;
  private final NodeRestriction nodeRestriction;
  private final RuntimeClassAdmission runtimeClasses;
  final ClusterIps ips;
  final EscalationCheck escalation;
  final @Nullable PatchEngine patches;
  final Deletes deletes;
  final Patches patching;
  final Subresources subresources;
  final FieldDecoding decoding;
  /** The stored objects' type and namespace text nodes, one per value (read by nearly every request). */

  Writes(ApiServer server, ObjectStore store, Uids uids, ClusterIps ips, EscalationCheck escalation,
      @Nullable PatchEngine patches) {
    this.server = server;
    this.store = store;
    this.uids = uids;
    this.serviceAccounts = new ServiceAccountAdmission(store, uids::nameSuffix);
    this.nodeRestriction = new NodeRestriction(store);
    this.runtimeClasses = new RuntimeClassAdmission(store);
    this.ips = ips;
    this.escalation = escalation;
    this.patches = patches;
    this.deletes = new Deletes(this);
    this.patching = new Patches(this);
    this.subresources = new Subresources(this);
    this.decoding = new FieldDecoding(store);
  }

  // ---------------------------------------------------------------- create

  Resource create(RequestContext ctx, ResourceType type, Resource in, WriteOptions options) {
    return create(ctx, type, in, options, null);
  }

  /**
   * {@link #create(RequestContext, ResourceType, Resource, WriteOptions)} of an object whose name the server drew
   * from its {@code generateName}: {@code redraw} draws another when it is found taken.
   */
  Resource create(RequestContext ctx, ResourceType type, Resource in, WriteOptions options,
      @Nullable NameDraw redraw) {
    String resourceVersion = in.resourceVersion();
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      // etcd3 store.Create refuses objects that carry a version.
      throw Errors.badRequest("resourceVersion should not be set on objects to be created");
    }
    ObjectNode root = decoding.decode(ctx, type, Trees.shallowCopy(in.json()), null, options.fieldValidation(),
        options.warnings());
    return createPrepared(ctx, type, root, options.managerFor(ctx.info().identity()), options.warnings(), null, redraw);
  }

  /** Draws the next name for an object whose {@code generateName}d name was taken; null after the last attempt. */
  @FunctionalInterface
  interface NameDraw {
    @Nullable String next();
  }

  /**
   * Creates from a mutable root. {@code appliedManagedFields} non-null means server-side apply already computed
   * the managed fields (the object is created by an apply).
   */
  Resource createPrepared(RequestContext ctx, ResourceType type, ObjectNode root, String manager,
      Consumer<String> warnings, @Nullable JsonNode appliedManagedFields) {
    return createPrepared(ctx, type, root, manager, warnings, appliedManagedFields, null);
  }

  /**
   * {@link #createPrepared(RequestContext, ResourceType, ObjectNode, String, Consumer, JsonNode)}, drawing another
   * name with {@code redraw} while the one drawn is taken. Mutating admission runs once; each attempt runs
   * BeforeCreate, validation and validating admission again, as {@code Store.createWithGenerateNameRetry} calls
   * {@code Store.create} after the handler's mutating admission.
   */
  private Resource createPrepared(RequestContext ctx, ResourceType type, ObjectNode root, String manager,
      Consumer<String> warnings, @Nullable JsonNode appliedManagedFields, @Nullable NameDraw redraw) {
    GroupKind kind = type.groupKind();
    ObjectNode metadata = Trees.object(root, "metadata");
    String name = metadata.path("name").asText();
    String namespace = metadata.path("namespace").asText("");
    if (server.isTerminating(kind)) {
      throw Errors.forbidden(type, name, "create not allowed while custom resource definition is terminating");
    }
    checkNamespaceOpen(type, namespace, name);
    metadata.remove(SERVER_METADATA);
    Defaulting.apply(kind, root);
    decoding.applyCustomDefaults(type, root);
    // The field manager runs before mutating admission (createHandler), so what a mutating plugin adds is
    // owned by no one; the registry's BeforeCreate runs after it, so the plugins see no uid, creation time,
    // generation or reset status yet.
    if (appliedManagedFields != null) {
      metadata.set("managedFields", appliedManagedFields);
    } else {
      root = recordUpdate(type, null, root, manager, null);
    }
    if (kind.equals(POD)) {
      // Before the name is drawn, the plugins name a generated pod by its prefix.
      String shownName = redraw != null ? metadata.path("generateName").asText(name) : name;
      serviceAccounts.admit(type, root, shownName);
      restrictNodes(ctx, Operation.CREATE, type, "", shownName, root, null);
      runtimeClasses.admit(type, root, shownName);
    } else {
      restrictNodes(ctx, Operation.CREATE, type, "", name, root, null);
    }
    Consumer<String> sink = sink(ctx, warnings);
    Mutated mutated = mutate(ctx, Operation.CREATE, type, root, null, "", sink);
    // When a name may be drawn again, what mutating admission produced is frozen once and each attempt prepares a
    // copy-on-write copy of it: the commit then finds those subtrees frozen already, so nothing is frozen twice.
    ObjectNode pristine = redraw == null ? null : Json.freezeObject(mutated.tree());
    if (pristine != null) {
      mutated = new Mutated(Trees.shallowCopy(pristine), null, mutated.plugins());
    }
    ObjectNode result;
    String storedName;
    while (true) {
      // The RBAC storage's escalation check runs after mutating admission and before BeforeCreate and validation
      // (policybased.Storage.Create wraps the standard store), so an escalating Role is a 403 even when invalid.
      result = validateMutated(ctx, Operation.CREATE, type, mutated, null, "", sink, (t, prepared) -> {
        checkEscalation(ctx, t, prepared, null);
        beforeCreate(t, prepared);
      });
      // The name is found taken where etcd finds it: after mutating admission, BeforeCreate, validation and
      // validating admission (registry.Store.create), so an invalid object is a 422 even when its name is taken,
      // and the webhooks are called for a create that then fails.
      JsonNode stored = result.path("metadata");
      storedName = stored.path("name").asText();
      Resource holder = store.get(kind, stored.path("namespace").asText(""), storedName);
      if (holder == null) {
        break;
      }
      String next = redraw == null || pristine == null ? null : redraw.next();
      if (next == null) {
        boolean generated = !stored.path("generateName").asText("").isEmpty();
        throw Errors.nameTaken(type, storedName, generated, holder.isBeingDeleted());
      }
      ObjectNode again = Trees.shallowCopy(pristine);
      Trees.object(again, "metadata").put("name", next);
      mutated = new Mutated(again, null, mutated.plugins());
    }
    if (kind.equals(SERVICE)) {
      String serviceKey = type.key(namespace, storedName).toString();
      String problem = ips.allocate(result, serviceKey);
      if (problem != null) {
        throw Errors.invalid(type, storedName, ImmutableList.of("spec.clusterIPs: Invalid value: []string{\""
            + result.path("spec").path("clusterIP").asText("") + "\"}: " + problem));
      }
      if (ctx.dryRun()) {
        // The answer shows the address the service would get; a dry run keeps none (the allocator's dry-run mode).
        ips.release(serviceKey);
      }
    }
    return commit(ctx, type, Change.Type.ADDED, result, null);
  }

  /**
   * The registry's {@code BeforeCreate} after mutating admission: the strategy's {@code PrepareForCreate}
   * (status, generation 1, a Job's selector) and {@code FillObjectMetaSystemFields} (uid, creation time).
   */
  private void beforeCreate(ResourceType type, ObjectNode root) {
    statusOnCreate(type, root);
    ObjectNode metadata = Trees.object(root, "metadata");
    String uid = uids.next();
    metadata.set("uid", Json.uniqueText(uid));
    metadata.put("creationTimestamp", timestamp(server.ticker().now()));
    if (Generations.tracked(type)) {
      metadata.put("generation", 1L);
    }
    JsonNode managedFields = metadata.remove("managedFields");
    if (managedFields != null) {
      metadata.set("managedFields", managedFields); // after the system fields, where a stored object has them
    }
    GroupKind kind = type.groupKind();
    if (kind.group().equals("batch") && kind.kind().equals("Job")) {
      WorkloadDefaults.jobSelector(root, uid);
    }
  }

  /**
   * What each registry strategy's {@code PrepareForCreate} does to status: a kind with a status subresource
   * starts with an empty status (a custom resource with none), except nodes, which register with theirs;
   * pods start Pending, namespaces Active, and a service's status holds the empty {@code loadBalancer} its Go
   * type always serializes. It runs after defaulting and mutating admission, as {@code BeforeCreate} does, so a
   * pod's QoS class is computed from its defaulted, admitted resources.
   */
  private static void statusOnCreate(ResourceType type, ObjectNode root) {
    if (!type.statusSubresource()) {
      return;
    }
    GroupKind kind = type.groupKind();
    if (kind.isCore() && kind.kind().equals("Node")) {
      return;
    }
    if (kind.equals(POD)) {
      CoreDefaults.podStatusOnCreate(root);
    } else if (kind.equals(NAMESPACE)) {
      root.putObject("status").put("phase", "Active");
    } else if (kind.equals(SERVICE)) {
      root.putObject("status").putObject("loadBalancer");
    } else if (ResourceTypesInfo.isBuiltin(kind)) {
      root.putObject("status");
    } else {
      root.remove("status");
    }
  }

  /**
   * The NamespaceLifecycle admission plugin: objects in a missing namespace are refused with 404, new
   * objects in a terminating one with 403.
   */
  void checkNamespaceOpen(ResourceType type, String namespace, String name) {
    if (!type.namespaced() || namespace.isEmpty()) {
      return;
    }
    Resource ns = store.get(NAMESPACE, "", namespace);
    if (ns == null) {
      throw Errors.namespaceNotFound(namespace);
    }
    if (ns.isBeingDeleted()) {
      throw Errors.forbidden(type, name,
          "unable to create new content in namespace " + namespace + " because it is being terminated");
    }
  }

  // ---------------------------------------------------------------- update

  /** PUT of the main resource ({@code statusOnly} false) or of the status subresource. */
  Resource update(RequestContext ctx, ResourceType type, Resource sent, WriteOptions options, boolean statusOnly) {
    // The body is decoded before a missing object is refused (a 400 before a 404), against it when it exists.
    // The update works on the stored object as the request's version shows it.
    Resource old = view(type, store.get(type.groupKind(), type.namespaced() ? sent.namespace() : "", sent.name()));
    ObjectNode decoded = decoding.decode(ctx, type, sent.json(), old, options.fieldValidation(), options.warnings());
    Resource in = decoded == sent.json() ? sent : Resource.of(decoded);
    if (old == null) {
      throw Errors.notFound(type, in.name());
    }
    checkPreconditions(type, in, old);
    ObjectNode root = statusOnly ? statusWrite(ctx, type, old, in) : mainUpdate(type, in, old);
    return updatePrepared(ctx, type, old, root, options.managerFor(ctx.info().identity()), options.warnings(),
        statusOnly ? "status" : "", null);
  }

  /**
   * Stores a mutable root over {@code old}: admission, validation, escalation, the no-op check, managed
   * fields, and deletion when the last finalizer of an object being deleted goes.
   */
  Resource updatePrepared(RequestContext ctx, ResourceType type, Resource old, ObjectNode root, String manager,
      Consumer<String> warnings, String subresource, @Nullable JsonNode appliedManagedFields) {
    @Nullable String scope = subresource.isEmpty() ? null : subresource;
    // The field manager runs before mutating admission (update.go's transformers), so what a mutating plugin
    // changes is owned by no one. Without plugins the order is the same, and the fields are recorded only
    // for a write that is not a no-op.
    boolean recorded = appliedManagedFields != null || !server.admission().isEmpty();
    if (appliedManagedFields != null) {
      Trees.object(root, "metadata").set("managedFields", appliedManagedFields);
    } else if (recorded) {
      root = recordUpdate(type, old, root, manager, scope);
    }
    // As for a create, the escalation check wraps the update's object info: after mutating admission, before
    // PrepareForUpdate and validation.
    if (!subresource.equals("status")) {
      // A status write was admitted as sent (statusWrite).
      restrictNodes(ctx, Operation.UPDATE, type, subresource, old.name(), root, old);
    }
    Preparation prepare = subresource.isEmpty() ? (t, prepared) -> {
      checkEscalation(ctx, t, prepared, old);
      beforeUpdate(t, prepared, old);
    } : Preparation.NONE;
    ObjectNode result = admit(ctx, Operation.UPDATE, type, root, old, subresource, warnings, prepare);
    if (Generations.sameIgnoringServerFields(result, old)) {
      // An update that changes nothing is not written: no new resourceVersion, no watch event
      // (GuaranteedUpdate skips the write when the new bytes equal the old).
      return old;
    }
    if (!recorded) {
      result = recordUpdate(type, old, result, manager, scope);
    }
    if (Deletes.shouldDeleteOnUpdate(type, result)) {
      return ctx.dryRun() ? dryRunResult(result, old) : deletes.removeNow(Resource.of(inStorageVersion(type, result)));
    }
    return commit(ctx, type, Change.Type.MODIFIED, result, old);
  }

  /**
   * The main resource's new state: the caller's object with the server-owned metadata of the stored one
   * ({@code uid}, {@code creationTimestamp}, deletion fields, managed fields), the stored status for kinds
   * with a status subresource (strategy {@code PrepareForUpdate}), defaults, and the stored generation, which
   * {@link #beforeUpdate} bumps after mutating admission when the spec changed.
   */
  ObjectNode mainUpdate(ResourceType type, Resource in, Resource old) {
    ObjectNode root = Trees.shallowCopy(in.json());
    keepStoredStatus(type, root, old);
    ObjectNode metadata = updatedMetadata(root.get("metadata"), old.metadata());
    root.set("metadata", metadata);
    if (type.groupKind().equals(NAMESPACE)) {
      // spec.finalizers changes only through the finalize subresource; the name label is immutable.
      JsonNode finalizers = old.spec().get("finalizers");
      if (finalizers != null) {
        Trees.object(root, "spec").set("finalizers", finalizers);
      }
    }
    Trees.restoreUnchanged(root, old.json(), in.json());
    if (!(Defaulting.contentOnly(type.groupKind()) && Trees.sameContent(root, old.json()))) {
      // Content that is the stored object's own is defaulted already (see Defaulting.contentOnly).
      Defaulting.apply(type.groupKind(), root);
      Trees.restoreUnchanged(root, old.json(), in.json());
    }
    decoding.applyCustomDefaults(type, root);
    if (Generations.tracked(type)) {
      // Where the generation goes; beforeUpdate decides it, after mutating admission.
      metadata.put("generation", old.generation());
    }
    return root;
  }

  /**
   * The strategy's {@code PrepareForUpdate} after mutating admission: the stored status again for a kind with a
   * status subresource (a mutating plugin cannot write it through the main resource), and the generation bumped
   * when the spec changed, by the writer or by a plugin.
   */
  private static void beforeUpdate(ResourceType type, ObjectNode root, Resource old) {
    keepStoredStatus(type, root, old);
    if (Generations.tracked(type)) {
      long generation = old.generation();
      Trees.object(root, "metadata").put("generation",
          Generations.specChanged(type, old.json(), root) ? generation + 1 : generation);
    }
  }

  /** For a kind with a status subresource, the stored status in {@code root} ({@code PrepareForUpdate}). */
  private static void keepStoredStatus(ResourceType type, ObjectNode root, Resource old) {
    if (!type.statusSubresource()) {
      return;
    }
    JsonNode status = old.json().get("status");
    if (status == null) {
      root.remove("status");
    } else if (root.get("status") != status) {
      root.set("status", status);
    }
  }

  /**
   * The metadata of an update before defaulting: the caller's members but the server-owned ones, in the
   * caller's order, then the stored {@link #KEPT_METADATA} in that order. Built in one pass into a new map —
   * what copying the caller's metadata, removing the server's members and putting the kept ones back produced,
   * without the copies of members removed again.
   */
  private static ObjectNode updatedMetadata(@Nullable JsonNode sent, JsonNode stored) {
    ObjectNode metadata = Json.mutableObject(sent == null || !sent.isObject() ? 0 : sent.size() + 2);
    if (sent != null && sent.isObject()) {
      ((ObjectNode) sent).forEachEntry((name, value) -> {
        if (!SERVER_METADATA.contains(name)) {
          metadata.set(name, value);
        }
      });
    }
    for (String field : KEPT_METADATA) {
      JsonNode value = stored.get(field);
      if (value != null) {
        metadata.set(field, value);
      }
    }
    return metadata;
  }

  /**
   * The metadata a status write takes from the caller, for the kinds whose status strategy keeps the request's
   * object metadata and resets only the spec (k8s.io/kubernetes {@code pkg/registry/apps/<kind>/strategy.go}:
   * {@code newRS.Spec = oldRS.Spec}; the Deployment's also resets {@code Labels}). The deployment controller
   * relies on it: it writes its {@code deployment.kubernetes.io/revision} annotation with {@code UpdateStatus}.
   * Every other kind here (custom resources, and the kinds whose strategy calls {@code ResetObjectMetaForStatus})
   * takes only the status.
   */
  private static final Map<GroupKind, List<String>> STATUS_WRITABLE_METADATA = Map.of(
      GroupKind.of("apps", "Deployment"), List.of("annotations", "finalizers", "ownerReferences"),
      GroupKind.of("apps", "ReplicaSet"), List.of("labels", "annotations", "finalizers", "ownerReferences"),
      GroupKind.of("apps", "DaemonSet"), List.of("labels", "annotations", "finalizers", "ownerReferences"),
      GroupKind.of("apps", "StatefulSet"), List.of("labels", "annotations", "finalizers", "ownerReferences"));

  /**
   * A status update's new state: the stored object with the caller's status and, for the kinds in {@link
   * #STATUS_WRITABLE_METADATA}, the caller's labels, annotations, finalizers and owner references (each status
   * strategy's {@code PrepareForUpdate}).
   */
  /**
   * A status write's new state ({@link #statusUpdate}), the NodeRestriction plugin run first on the object as the
   * request made it: kube-apiserver's admission runs as the update's object is made, before the status strategy's
   * {@code PrepareForUpdate} puts the stored metadata back, so a kubelet's status write that changes a pod's labels
   * is refused rather than trimmed.
   */
  ObjectNode statusWrite(RequestContext ctx, ResourceType type, Resource old, Resource in) {
    restrictNodes(ctx, Operation.UPDATE, type, "status", old.name(), in.json(), old);
    return statusUpdate(type.groupKind(), old, in);
  }

  static ObjectNode statusUpdate(GroupKind kind, Resource old, Resource in) {
    ObjectNode root = Trees.shallowCopy(old.json());
    JsonNode status = in.json().get("status");
    if (status == null) {
      root.remove("status");
    } else {
      root.set("status", status);
    }
    ObjectNode metadata = Trees.object(root, "metadata");
    metadata.remove("resourceVersion");
    List<String> writable = STATUS_WRITABLE_METADATA.get(kind);
    if (writable != null && in.metadata() != old.metadata()) {
      for (String field : writable) {
        JsonNode sent = in.metadata().get(field);
        if (sent == null) {
          metadata.remove(field);
        } else if (!Trees.equal(sent, metadata.get(field))) {
          metadata.set(field, sent);
        }
      }
    }
    return root;
  }

  void checkPreconditions(ResourceType type, Resource in, Resource old) {
    if (in.metadata() == old.metadata()) {
      // The caller sent the stored metadata itself (a client writing back what it read, changing other fields):
      // its uid and resourceVersion are the stored ones (every stored object has a version: commit sets it),
      // so both preconditions hold, and reading them would only be a cache miss on a cold object.
      return;
    }
    String uid = in.uid();
    if (uid != null && !uid.isEmpty() && !uid.equals(old.uid())) {
      throw Errors.conflict(type, in.name(), "Precondition failed: UID in precondition: " + uid
          + ", UID in object meta: " + old.uid());
    }
    String version = in.resourceVersion();
    if (version == null || version.isEmpty()) {
      if (!ResourceTypesInfo.allowsUnconditionalUpdate(type.groupKind())) {
        throw Errors.invalid(type, in.name(),
            ImmutableList.of("metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"));
      }
      return;
    }
    if (!version.equals(old.resourceVersion())) {
      throw Errors.staleVersion(type, in.name());
    }
  }

  DeleteResult delete(RequestContext ctx, ResourceType type, ResourceKey key, DeleteParams params) {
    return deletes.delete(ctx, type, key, params);
  }

  Resource patch(RequestContext ctx, ResourceType type, ResourceKey key, PatchType patchType, JsonNode body,
      PatchOptions options) {
    return patching.patch(ctx, type, key, patchType, body, options);
  }

  /** Server-side apply of an object the caller has parsed already. */
  Resource apply(RequestContext ctx, ResourceType type, Resource object, PatchOptions options) {
    return patching.patch(ctx, type, object.key(), PatchType.APPLY, object.json(), options, object);
  }

  // ---------------------------------------------------------------- shared steps

  /** What the registry does to an object between mutating admission and validation ({@code BeforeCreate}). */
  @FunctionalInterface
  interface Preparation {
    void prepare(ResourceType type, ObjectNode root);

    Preparation NONE = (type, root) -> {};
  }

  /**
   * The NodeRestriction plugin on a kubelet's write ({@link NodeRestriction}), when the write is the request's own:
   * not the server's writes on its behalf (an eviction's budget and pod condition).
   *
   * @param object what is written: the object, the eviction or the token request; null for a delete
   */
  void restrictNodes(RequestContext ctx, Operation operation, ResourceType type, String subresource, String name,
      @Nullable JsonNode object, @Nullable Resource old) {
    RequestInfo info = ctx.info();
    if (info.type().groupKind().equals(type.groupKind()) && info.subresource().equals(subresource)) {
      nodeRestriction.admit(info, operation, name, object, old);
    }
  }

  /**
   * Mutating admission, re-defaulting if it changed the object, {@code prepare}, validation (422), then validating
   * admission, as kube-apiserver orders them. Works on the mutable {@code root} and returns the tree to store:
   * {@code root} itself when no plugin is registered (no intermediate freeze), else a mutable copy of what the
   * plugins produced. Managed fields a mutating plugin leaves invalid are put back as they were before it, with a
   * warning ({@code fieldmanager.NewManagedFieldsValidatingAdmissionController}).
   */
  ObjectNode admit(RequestContext ctx, Operation operation, ResourceType type, ObjectNode root, @Nullable Resource old,
      String subresource, Consumer<String> warnings, Preparation prepare) {
    Consumer<String> sink = sink(ctx, warnings);
    Mutated mutated = mutate(ctx, operation, type, root, old, subresource, sink);
    return validateMutated(ctx, operation, type, mutated, old, subresource, sink, prepare);
  }

  private static Consumer<String> sink(RequestContext ctx, Consumer<String> warnings) {
    return warning -> {
      ctx.warn(warning);
      warnings.accept(warning);
    };
  }

  /**
   * What mutating admission made of a write: the mutable tree to go on with; the plugins' frozen result when it
   * is that tree's content unchanged (no copy needed to validate it); whether any plugin is registered.
   */
  private record Mutated(ObjectNode tree, @Nullable Resource frozen, boolean plugins) {}

  /** Mutating admission, and re-defaulting if it changed the object ({@link #admit}'s first half). */
  private Mutated mutate(RequestContext ctx, Operation operation, ResourceType type, ObjectNode root,
      @Nullable Resource old, String subresource, Consumer<String> sink) {
    if (server.admission().isEmpty()) {
      return new Mutated(root, null, false);
    }
    Resource object = Resource.of(root);
    AdmissionRequest request = new AdmissionRequest(operation, type.groupKind(), type.plural(), subresource,
        object.namespace(), object.name(), ctx.info().identity(), object, old, ctx.dryRun());
    Resource mutated = server.admission().mutate(request, sink);
    ObjectNode result = Trees.shallowCopy(mutated.json());
    if (mutated == object) {
      return new Mutated(result, mutated, true);
    }
    Defaulting.apply(type.groupKind(), result);
    keepValidManagedFields(result, object.metadata().get("managedFields"), sink);
    return new Mutated(result, null, true);
  }

  /** {@code prepare}, validation (422), then validating admission ({@link #admit}'s second half). */
  private ObjectNode validateMutated(RequestContext ctx, Operation operation, ResourceType type, Mutated mutated,
      @Nullable Resource old, String subresource, Consumer<String> sink, Preparation prepare) {
    ObjectNode result = mutated.tree();
    if (!mutated.plugins()) {
      prepare.prepare(type, result);
      validate(type, result, old, subresource, sink);
      return result;
    }
    Resource frozen = mutated.frozen();
    if (prepare != Preparation.NONE) {
      prepare.prepare(type, result);
      frozen = null;
    }
    if (frozen == null) {
      frozen = Resource.of(result);
      result = Trees.shallowCopy(frozen.json());
    }
    validate(type, frozen.json(), old, subresource, sink);
    server.admission().validate(new AdmissionRequest(operation, type.groupKind(), type.plural(), subresource,
        frozen.namespace(), frozen.name(), ctx.info().identity(), frozen, old, ctx.dryRun()), sink);
    return result;
  }

  private static void keepValidManagedFields(ObjectNode mutated, @Nullable JsonNode before, Consumer<String> warnings) {
    ObjectNode metadata = Trees.object(mutated, "metadata");
    JsonNode after = metadata.get("managedFields");
    if (Objects.equals(after, before)) {
      return;
    }
    String problem = ManagedFields.problem(after);
    if (problem == null) {
      return;
    }
    if (before == null) {
      metadata.remove("managedFields");
    } else {
      metadata.set("managedFields", before);
    }
    warnings.accept(".metadata.managedFields was in an invalid state after admission; this could be caused by an"
        + " outdated mutating admission controller; please fix your requests: " + problem);
  }

  /**
   * The 422 checks: the kind's own validation, then for a custom resource its schema's and, unless those found
   * an error that stops them, its CEL rules, whose ratcheted failures go to {@code warnings}.
   */
  private void validate(ResourceType type, JsonNode object, @Nullable Resource old, String subresource,
      Consumer<String> warnings) {
    List<String> causes = subresource.isEmpty()
        ? Validation.validate(type, object, old)
        : Validation.validateSubresource(type, object, old);
    List<String> custom = decoding.validateCustom(type, object, old == null ? null : old.json(), warnings);
    if (!custom.isEmpty()) {
      causes = new ArrayList<>(causes);
      causes.addAll(custom);
    }
    if (!causes.isEmpty()) {
      throw Errors.invalid(type, object.path("metadata").path("name").asText(), causes);
    }
  }

  private void checkEscalation(RequestContext ctx, ResourceType type, ObjectNode tree, @Nullable Resource old) {
    if (!type.group().equals("rbac.authorization.k8s.io")) {
      return;
    }
    Resource object = Resource.of(tree);
    Identity who = ctx.info().identity();
    if (object.kind().endsWith("Binding") && !who.isMaster()
        && !escalation.roleExists(object.json().path("roleRef"), object.namespace())
        && !server.rbac().authorize(who, "bind", "rbac.authorization.k8s.io",
            object.json().path("roleRef").path("kind").asText().equals("Role") ? "roles" : "clusterroles", "",
            object.namespace(), object.json().path("roleRef").path("name").asText())) {
      String refKind = object.json().path("roleRef").path("kind").asText();
      throw new BackendException.NotFound((refKind.equals("Role") ? "roles" : "clusterroles")
          + ".rbac.authorization.k8s.io \"" + object.json().path("roleRef").path("name").asText() + "\" not found");
    }
    escalation.check(who, object, old).ifPresent(reason -> {
      throw Errors.forbidden(type, object.name(), reason);
    });
  }

  ObjectNode recordUpdate(ResourceType type, @Nullable Resource before, ObjectNode after, String manager,
      @Nullable String subresource) {
    if (patches == null) {
      return after;
    }
    return patches.recordUpdate(type.groupKind(), decoding.customSchema(type), before == null ? null : before.json(), after,
        manager, subresource, type.apiVersion(), timestamp(server.ticker().now()));
  }

  /**
   * Stamps the next revision into {@code root}, freezes it and commits the change; a dry run only freezes it.
   * A {@code root} written at a version of {@code type}'s kind other than its storage version is converted to the
   * storage version first ({@link Conversion}), and {@code previous}, which the write saw in its own version,
   * is the stored object again.
   */
  Resource commit(RequestContext ctx, ResourceType type, Change.Type changeType, ObjectNode root,
      @Nullable Resource previous) {
    if (ctx.dryRun()) {
      return dryRunResult(root, previous);
    }
    ObjectNode inStorage = inStorageVersion(type, root);
    if (ctx.lockReleased()) {
      JsonNode metadata = inStorage.path("metadata");
      unchangedMeanwhile(ctx, type, metadata.path("namespace").asText(""), metadata.path("name").asText(), previous);
    }
    if (inStorage != root) {
      root = inStorage;
      previous = previous == null ? null : store.get(previous.groupKind(), previous.namespace(), previous.name());
    }
    long revision = store.reserveRevision();
    ObjectNode metadata = Trees.object(root, "metadata");
    dropEmptyMetadata(metadata);
    metadata.set("resourceVersion", Json.uniqueText(Long.toString(revision)));
    // Freezing copies only the mutable spine of the write's tree; members frozen already are taken as they are.
    Resource stored = previous == null ? Resource.of(root) : previous.withJson(root);
    store.commit(new Change(revision, changeType, stored, previous));
    return stored;
  }

  /** ObjectMeta's lists and maps, all {@code omitempty}: an empty one is not stored. */
  private static final List<String> OMIT_EMPTY_METADATA = List.of("labels", "annotations", "ownerReferences",
      "finalizers", "managedFields");

  /**
   * Drops ObjectMeta's empty lists and maps, as kube-apiserver stores what its Go types serialize: a patch that
   * removes the last finalizer leaves no {@code finalizers: []} behind.
   */
  private static void dropEmptyMetadata(ObjectNode metadata) {
    for (String field : OMIT_EMPTY_METADATA) {
      JsonNode value = metadata.get(field);
      if (value != null && value.isContainerNode() && value.isEmpty()) {
        metadata.remove(field);
      }
    }
  }

  /**
   * When the lock was let go during the request (a webhook called over the network), checks that the object it read
   * ({@code read}, or none for a create) is still the stored one, as etcd's compare-and-swap does.
   *
   * @throws ChangedMeanwhile when it is not: the request starts again on what is stored
   */
  void unchangedMeanwhile(RequestContext ctx, ResourceType type, String namespace, String name, @Nullable Resource read) {
    if (!ctx.lockReleased()) {
      return;
    }
    Resource stored = store.get(type.groupKind(), type.namespaced() ? namespace : "", name);
    boolean same = read == null ? stored == null
        : stored != null && Objects.equals(stored.resourceVersion(), read.resourceVersion());
    if (!same) {
      throw new ChangedMeanwhile(type, name);
    }
  }

  /** The object a request read changed while the lock was let go; {@code ApiServer} runs the request again. */
  static final class ChangedMeanwhile extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ResourceType type;
    private final String name;

    ChangedMeanwhile(ResourceType type, String name) {
      super(null, null, false, false);
      this.type = type;
      this.name = name;
    }

    ResourceType type() {
      return type;
    }

    String name() {
      return name;
    }
  }

  /**
   * What a dry run answers ({@code DryRunnableStorage}): the object as it would be stored, with no new
   * resourceVersion — none for a create (the storage prepares the object for a create it does not make), the
   * stored one's for an update.
   */
  private static Resource dryRunResult(ObjectNode root, @Nullable Resource previous) {
    ObjectNode metadata = Trees.object(root, "metadata");
    if (previous == null || previous.resourceVersion() == null) {
      metadata.remove("resourceVersion");
    } else {
      metadata.put("resourceVersion", previous.resourceVersion());
    }
    return Resource.of(root);
  }

  /** The stored {@code object} as a request at {@code type}'s version sees it; null for null. */
  @Nullable Resource view(ResourceType type, @Nullable Resource object) {
    return object == null ? null : server.conversion.view(object, type);
  }

  /** {@code root} in its kind's storage version: itself when it is in it (whatever {@code type}'s version). */
  ObjectNode inStorageVersion(ResourceType type, ObjectNode root) {
    Optional<String> storage = server.conversion.storageVersionElsewhere(type);
    return storage.isEmpty() ? root : server.conversion.convertTree(root, storage.get());
  }

  Resource require(ResourceType type, ResourceKey key) {
    Resource old = store.get(type.groupKind(), type.namespaced() ? key.namespace() : "", key.name());
    if (old == null) {
      throw Errors.notFound(type, key.name());
    }
    return old;
  }

  private long lastSecond = Long.MIN_VALUE;
  private String lastText = "";

  /** RFC 3339 in seconds, as {@code metav1.Time} serializes; the last second's text is reused (under the lock). */
  String timestamp(Instant instant) {
    long second = instant.getEpochSecond();
    if (second != lastSecond) {
      lastText = DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
      lastSecond = second;
    }
    return lastText;
  }

  static ArrayNode strings(Iterable<String> values) {
    ArrayNode array = Json.array();
    values.forEach(array::add);
    return array;
  }
}
