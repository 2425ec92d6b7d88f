package dev.converge.k8s;

import dev.converge.api.Resource;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.jspecify.annotations.Nullable;

/**
 * What the informer caches: a {@link Resource} (the frozen Jackson tree, parsed once from the wire) behind
 * the {@link KubernetesObject} face the client's informer machinery keys and versions by. A BOOKMARK carries
 * no resource, only the version.
 */
final class CachedObject implements KubernetesObject {
  private final @Nullable Resource resource;
  private final V1ObjectMeta metadata;
  private final String apiVersion;
  private final String kind;

  private CachedObject(@Nullable Resource resource, V1ObjectMeta metadata, String apiVersion, String kind) {
    this.resource = resource;
    this.metadata = metadata;
    this.apiVersion = apiVersion;
    this.kind = kind;
  }

  static CachedObject of(Resource resource) {
    V1ObjectMeta metadata = new V1ObjectMeta()
        .name(resource.name())
        .namespace(resource.namespace().isEmpty() ? null : resource.namespace())
        .resourceVersion(resource.resourceVersion())
        .uid(resource.uid());
    return new CachedObject(resource, metadata, resource.apiVersion(), resource.kind());
  }

  static CachedObject bookmark(String apiVersion, String kind, String resourceVersion) {
    return new CachedObject(null, new V1ObjectMeta().resourceVersion(resourceVersion), apiVersion, kind);
  }

  /** The resource, or null for a bookmark. */
  @Nullable Resource resource() {
    return resource;
  }

  @Override
  public V1ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }
}
