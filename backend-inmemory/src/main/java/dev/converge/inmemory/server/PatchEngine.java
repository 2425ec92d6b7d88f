package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import org.jspecify.annotations.Nullable;

/**
 * The patch and apply algorithms the server calls (pure functions over JSON trees, implemented in
 * {@code dev.converge.inmemory.patch}): merge patch, JSON patch, strategic merge patch, server-side apply, and
 * the bookkeeping of {@code managedFields} on non-apply writes. Inputs may be frozen trees; outputs are new
 * trees. Implementations throw {@code BackendException}s: {@code Invalid} (400, 415 or 422) for a patch that
 * cannot be applied and {@code Conflict} (with its field conflicts) when an apply conflicts.
 */
public interface PatchEngine {

  /** RFC 7386; the result may hold {@code target}'s frozen subtrees that the patch leaves alone. */
  ObjectNode mergePatch(ObjectNode target, JsonNode patch);

  /** RFC 6902. */
  ObjectNode jsonPatch(ObjectNode target, JsonNode patch);

  /** Kubernetes' strategic merge patch; custom resources are refused (415). */
  ObjectNode strategicMergePatch(GroupKind kind, ObjectNode target, JsonNode patch);

  /**
   * Server-side apply of {@code applied} by {@code manager} onto {@code live} (null: create).
   *
   * @param customSchema the {@code openAPIV3Schema} of the custom resource's CRD version, whose list and map
   *     markers decide how it merges; null for built-in kinds. The same tree is passed while the CRD is
   *     unchanged, so that an implementation may keep what it compiles from it.
   */
  ObjectNode apply(GroupKind kind, @Nullable JsonNode customSchema, @Nullable ObjectNode live, ObjectNode applied,
      String manager, boolean force, @Nullable String subresource, String apiVersion, String time);

  /**
   * {@code after} with {@code metadata.managedFields} updated for a non-apply write by {@code manager}.
   * {@code after} is the server's mutable working tree: the result may be {@code after} itself, changed in
   * place (which spares the server a second copy of its untouched, still frozen subtrees). {@code customSchema}
   * is as for {@link #apply}.
   */
  ObjectNode recordUpdate(GroupKind kind, @Nullable JsonNode customSchema, @Nullable ObjectNode before, ObjectNode after,
      String manager, @Nullable String subresource, String apiVersion, String time);
}
