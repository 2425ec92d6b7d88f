package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON merge patch, RFC 7386, exactly: a {@code null} member deletes, an object merges member by member, and
 * anything else (arrays included) replaces the target value whole. Kubernetes applies it this way to every
 * kind ({@code application/merge-patch+json}), built-in or custom.
 */
public final class MergePatch {
  private MergePatch() {}

  /**
   * Applies {@code patch} to an object. Returns a new tree; {@code target} is not modified.
   *
   * @throws PatchException 400 when {@code patch} is not a JSON object: by RFC 7386 it would replace the
   *     object with a non-object, which no Kubernetes object can be
   */
  public static ObjectNode apply(ObjectNode target, JsonNode patch) {
    if (!patch.isObject()) {
      throw PatchException.badRequest("a merge patch for an object must be a JSON object, got " + PatchValues.typeName(patch));
    }
    return (ObjectNode) applyToValue(target, patch);
  }

  /**
   * RFC 7386's {@code MergePatch(Target, Patch)} for any JSON value; {@code target} may be absent ({@code
   * null}). Returns a new tree.
   */
  public static JsonNode applyToValue(@Nullable JsonNode target, JsonNode patch) {
    return merge(target, patch, false);
  }

  /**
   * {@link #apply} whose result holds the frozen subtrees of {@code target} that the patch leaves alone as they
   * are instead of mutable deep copies of them (equal values, same order): for a caller that only reads the
   * result or freezes it, such as the server, which then stores one copy of an untouched subtree across
   * versions. Containers the patch changes, and everything taken from the patch, are new as in {@link #apply}.
   *
   * @throws PatchException 400 when {@code patch} is not a JSON object
   */
  public static ObjectNode applySharing(ObjectNode target, JsonNode patch) {
    if (!patch.isObject()) {
      throw PatchException.badRequest("a merge patch for an object must be a JSON object, got " + PatchValues.typeName(patch));
    }
    return (ObjectNode) merge(target, patch, true);
  }

  private static JsonNode merge(@Nullable JsonNode target, JsonNode patch, boolean share) {
    if (!patch.isObject()) {
      return PatchValues.copy(patch);
    }
    ObjectNode result = Json.object();
    // RFC 7386: a target that is not an object is replaced by an empty object before merging.
    if (target != null && target.isObject()) {
      for (Map.Entry<String, JsonNode> field : target.properties()) {
        JsonNode change = patch.get(field.getKey());
        if (change == null) {
          result.set(field.getKey(), share ? PatchValues.share(field.getValue()) : PatchValues.copy(field.getValue()));
        } else if (!change.isNull()) {
          result.set(field.getKey(), merge(field.getValue(), change, share));
        }
      }
    }
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (!field.getValue().isNull() && !result.has(field.getKey()) && (target == null || !target.has(field.getKey()))) {
        result.set(field.getKey(), merge(null, field.getValue(), share));
      }
    }
    return result;
  }
}
