package dev.converge.k8s;

import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * REST paths of a kind: {@code /api/v1/namespaces/{ns}/pods/{name}} for the core group, {@code
 * /apis/{group}/{version}/…} for the others; cluster-scoped kinds have no {@code namespaces/{ns}} segment,
 * and a namespaced collection without a namespace lists every namespace.
 */
final class Paths {
  private final UnaryOperator<String> escape;

  /** @param escape escapes one path segment (names are user input) */
  Paths(UnaryOperator<String> escape) {
    this.escape = escape;
  }

  /** The group-version prefix: {@code /api/v1} or {@code /apis/apps/v1}. */
  static String groupVersion(ResourceType type) {
    return type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version();
  }

  /** The collection, in {@code namespace} or (null, or a cluster-scoped kind) across the cluster. */
  String collection(ResourceType type, @Nullable String namespace) {
    StringBuilder path = new StringBuilder(groupVersion(type));
    if (type.namespaced() && namespace != null && !namespace.isEmpty()) {
      path.append("/namespaces/").append(escape.apply(namespace));
    }
    return path.append('/').append(type.plural()).toString();
  }

  /** One object. */
  String item(ResourceType type, ResourceKey key) {
    return collection(type, key.namespace()) + "/" + escape.apply(key.name());
  }

  /** One object's status subresource. */
  String status(ResourceType type, ResourceKey key) {
    return item(type, key) + "/status";
  }
}
