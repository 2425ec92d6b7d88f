package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.InvalidResourceException;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.validation.FieldErrors;
import org.jspecify.annotations.Nullable;

/**
 * PATCH requests ({@code k8s.io/apiserver/pkg/endpoints/handlers/patch.go}): the patch is applied to the
 * stored object by the {@link PatchEngine}, and the result is stored as an update of the main resource or of
 * the status subresource. A server-side apply of a missing object creates it, which needs the {@code create}
 * verb as well ({@code withAuthorization} on the patcher's create validation).
 */
final class Patches {
  private final Writes writes;

  Patches(Writes writes) {
    this.writes = writes;
  }

  Resource patch(RequestContext ctx, ResourceType type, ResourceKey key, PatchType patchType, JsonNode body,
      PatchOptions options) {
    return patch(ctx, type, key, patchType, body, options, null);
  }

  /**
   * A patch whose body the caller also has as a {@link Resource} ({@code parsed}, whose tree is {@code body}):
   * a server-side apply through the Backend SPI, which then is not parsed again.
   */
  Resource patch(RequestContext ctx, ResourceType type, ResourceKey key, PatchType patchType, JsonNode body,
      PatchOptions options, @Nullable Resource parsed) {
    PatchEngine engine = writes.patches;
    if (engine == null) {
      throw Errors.internal("this server was built without a patch engine");
    }
    String subresource = options.subresource() == null ? "" : options.subresource();
    if (!subresource.isEmpty() && !(subresource.equals("status") && type.statusSubresource())) {
      throw Errors.notServed();
    }
    boolean status = !subresource.isEmpty();
    Resource old = writes.store.get(type.groupKind(), type.namespaced() ? key.namespace() : "", key.name());
    String time = writes.timestamp(writes.server.ticker().now());
    if (patchType == PatchType.APPLY) {
      return apply(ctx, type, key, body, options, engine, old, status, time, parsed);
    }
    if (old == null) {
      throw Errors.notFound(type, key.name());
    }
    String manager = options.asWrite().managerFor(ctx.info().identity());
    // The patch applies to the object as the request's version shows it; the result is stored in the storage
    // version when it is committed.
    old = writes.view(type, old);
    ObjectNode view = old.json();
    ObjectNode patched = switch (patchType) {
      case MERGE -> engine.mergePatch(view, body);
      case JSON -> engine.jsonPatch(view, body);
      case STRATEGIC -> engine.strategicMergePatch(type.groupKind(), view, body);
      default -> throw new AssertionError(patchType);
    };
    String patchedVersion = patched.path("apiVersion").asText();
    if (!patchedVersion.equals(type.apiVersion())) {
      throw Errors.badRequest("the API version in the data (" + patchedVersion + ") does not match the expected API "
          + "version (" + type.apiVersion() + ")");
    }
    patched = writes.decoding.decode(ctx, type, patched, old, options.fieldValidation(), options.warnings());
    Resource in = parse(type, key, patched);
    checkVersion(type, in, old);
    ObjectNode root = status ? writes.statusWrite(ctx, type, old, in) : writes.mainUpdate(type, in, old);
    return writes.updatePrepared(ctx, type, old, root, manager, options.warnings(), subresource, null);
  }

  private Resource apply(RequestContext ctx, ResourceType type, ResourceKey key, JsonNode body, PatchOptions options,
      PatchEngine engine, @Nullable Resource old, boolean status, String time, @Nullable Resource parsed) {
    if (options.fieldManager() == null || options.fieldManager().isEmpty()) {
      throw Errors.badRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
    }
    if (!body.isObject()) {
      throw Errors.badRequest("the body of an apply request must be an object");
    }
    Resource applied = parsed != null && parsed.json() == body ? check(type, key, parsed) : parse(type, key, (ObjectNode) body);
    if (!applied.apiVersion().equals(type.apiVersion())) {
      // structured-merge-diff's field manager (structuredmerge.go) checks the configuration's version.
      throw Errors.badRequest("Incorrect version specified in apply patch. Specified patch version: "
          + applied.apiVersion() + ", expected: " + type.apiVersion());
    }
    writes.decoding.checkApplied(type, applied);
    // The configuration merges into the object as the request's version shows it; the result is stored in the
    // storage version when it is committed.
    old = writes.view(type, old);
    ObjectNode live = old == null ? null : old.json();
    JsonNode appliedManaged = applied.metadata().path("managedFields");
    if (appliedManaged.isArray() && !appliedManaged.isEmpty()) {
      throw Errors.badRequest("metadata.managedFields must be nil");
    }
    String manager = options.fieldManager();
    JsonNode schema = writes.decoding.customSchema(type);
    if (old == null) {
      if (status) {
        throw Errors.notFound(type, key.name());
      }
      writes.server.authorize(ctx.info().withVerb(Verb.CREATE));
      ctx.markCreated();
      ObjectNode merged = engine.apply(type.groupKind(), schema, null, applied.json(), manager, options.force(), null,
          type.apiVersion(), time);
      JsonNode managedFields = merged.path("metadata").path("managedFields");
      ObjectNode root = Trees.shallowCopy(merged);
      Trees.object(root, "metadata").remove("resourceVersion");
      return writes.createPrepared(ctx, type, root, manager, options.warnings(), managedFields);
    }
    checkVersion(type, applied, old);
    ObjectNode merged = engine.apply(type.groupKind(), schema, live, applied.json(), manager, options.force(),
        status ? "status" : null, type.apiVersion(), time);
    JsonNode managedFields = merged.path("metadata").path("managedFields");
    Resource in = parse(type, key, merged);
    ObjectNode root = status ? writes.statusWrite(ctx, type, old, in) : writes.mainUpdate(type, in, old);
    return writes.updatePrepared(ctx, type, old, root, manager, options.warnings(), status ? "status" : "",
        managedFields);
  }

  /** A patch that changes the object's identity or breaks its shape is invalid. */
  private static Resource parse(ResourceType type, ResourceKey key, ObjectNode tree) {
    Resource parsed;
    try {
      parsed = Resource.of(tree);
    } catch (InvalidResourceException e) {
      throw Errors.invalid(type, key.name(), ImmutableList.of(e.getMessage()));
    }
    return check(type, key, parsed);
  }

  /** {@code parsed} if it names the object of the request ({@code key}), with the key's namespace filled in. */
  private static Resource check(ResourceType type, ResourceKey key, Resource parsed) {
    if (!parsed.name().equals(key.name()) || (type.namespaced() && !parsed.namespace().isEmpty()
        && !parsed.namespace().equals(key.namespace())) || !parsed.groupKind().equals(type.groupKind())) {
      throw Errors.badRequest("the name of the object (" + parsed.name() + ") does not match the name on the URL ("
          + key.name() + ")");
    }
    if (type.namespaced() && parsed.namespace().isEmpty()) {
      ObjectNode copy = Trees.shallowCopy(parsed.json());
      Trees.object(copy, "metadata").put("namespace", key.namespace());
      return Resource.of(copy);
    }
    return parsed;
  }

  /** A {@code resourceVersion} in the patch is a precondition. */
  /**
   * A patch's or an apply's own preconditions: a {@code resourceVersion} it carries must be the stored one (409),
   * and a {@code uid} it carries must be the object's (422 {@code field is immutable}: the patch handler builds
   * no UID precondition, so the change reaches {@code ValidateObjectMetaUpdate}). Controllers rely on the
   * latter: an adoption patch names the pod's uid, so a pod deleted and recreated under the same name is not
   * adopted by mistake ({@code controller_ref_manager.go}).
   */
  private static void checkVersion(ResourceType type, Resource in, Resource old) {
    String uid = in.uid();
    if (uid != null && !uid.isEmpty() && !uid.equals(old.uid())) {
      throw Errors.invalid(type, in.name(), new FieldErrors().immutable("metadata.uid", uid).causes());
    }
    String version = in.resourceVersion();
    if (version != null && !version.isEmpty() && !version.equals(old.resourceVersion())) {
      throw Errors.staleVersion(type, in.name());
    }
  }

}
