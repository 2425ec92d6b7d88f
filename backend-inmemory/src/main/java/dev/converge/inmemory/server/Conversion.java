package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.admission.ConversionWebhooks;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.store.ObjectCache;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Converts custom resources between the served versions of their CRD with the CRD's {@code spec.conversion}, read
 * live: {@code None} changes only {@code apiVersion} ({@link Versions}), {@code Webhook} asks the CRD's conversion
 * webhook ({@link ConversionWebhooks}). An object in the version asked for is not converted. Built-in kinds are
 * served at one version here, so they never need converting.
 *
 * <p>Where the server converts, as apiextensions-apiserver's storage codec does: a write at a version other than
 * the storage version is decoded, admitted and validated in its own version, and converted to the storage version
 * when it is stored ({@link Writes#commit}); the stored object is converted to the request's version to be
 * patched or compared with ({@link #view}) and for the answer; reads, lists and watches convert each object.
 * After every conversion the object is pruned to the target version's schema, as the storage codec's schema
 * coercion prunes it. Callers hold the server's lock.
 */
final class Conversion {
  private final ObjectCache store;
  private final ServedTypes served;
  private final ConversionWebhooks webhooks;
  private final FieldDecoding decoding;

  Conversion(ObjectCache store, ServedTypes served, ConversionWebhooks webhooks, FieldDecoding decoding) {
    this.store = store;
    this.served = served;
    this.webhooks = webhooks;
    this.decoding = decoding;
  }

  /**
   * {@code object} in {@code apiVersion}, frozen: itself when it is in that version.
   *
   * @throws dev.converge.api.backend.BackendException.Unavailable (500) when a conversion webhook fails
   */
  Resource convert(Resource object, String apiVersion) {
    if (object.apiVersion().equals(apiVersion)) {
      return object;
    }
    return Resource.of(Json.freezeObject(convertTree(object.json(), apiVersion)));
  }

  /**
   * {@code tree} in {@code apiVersion}, as a new root that may be changed (its members are shared or new), without
   * the fields that version's schema does not declare; {@code tree} itself when it is in that version.
   */
  ObjectNode convertTree(ObjectNode tree, String apiVersion) {
    if (tree.path("apiVersion").asText().equals(apiVersion)) {
      return tree;
    }
    GroupKind kind = kindOf(tree);
    Resource crd = webhookCrd(kind);
    ObjectNode converted = crd == null ? Versions.convert(tree, apiVersion)
        : Trees.shallowCopy(webhooks.convert(crd, tree, apiVersion));
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    Optional<ServedVersion> target = served.at(kind, version);
    return target.isEmpty() ? converted : decoding.prunedAfterConversion(target.get().type(), converted);
  }

  /** The stored {@code object} as a request at {@code type}'s version sees it. */
  Resource view(Resource object, ResourceType type) {
    return convert(object, type.apiVersion());
  }

  /** The storage version of {@code type}'s kind, when it is not {@code type}'s own; else empty. */
  Optional<String> storageVersionElsewhere(ResourceType type) {
    Optional<ResourceType> storage = served.all().find(type.groupKind());
    return storage.isEmpty() || storage.get().version().equals(type.version())
        ? Optional.empty() : Optional.of(storage.get().apiVersion());
  }

  /** The CRD of {@code kind} when it converts by webhook; null for {@code None} and for built-in kinds. */
  private @Nullable Resource webhookCrd(GroupKind kind) {
    Optional<ResourceType> type = served.all().find(kind);
    if (type.isEmpty() || kind.group().isEmpty()) {
      return null;
    }
    Resource crd = store.get(FieldDecoding.CRD, "", type.get().plural() + "." + kind.group());
    return crd != null && crd.spec().path("conversion").path("strategy").asText().equals("Webhook") ? crd : null;
  }

  private static GroupKind kindOf(JsonNode tree) {
    String apiVersion = tree.path("apiVersion").asText();
    int slash = apiVersion.indexOf('/');
    return GroupKind.of(slash < 0 ? "" : apiVersion.substring(0, slash), tree.path("kind").asText());
  }
}
