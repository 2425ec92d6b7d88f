package dev.converge.k8s;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.List;

/** A list answer in the shape the informer's reflector reads: the items and the collection's version. */
final class CachedList implements KubernetesListObject {
  private final V1ListMeta metadata;
  private final List<CachedObject> items;
  private final String apiVersion;
  private final String kind;

  CachedList(String resourceVersion, List<CachedObject> items, String apiVersion, String kind) {
    this.metadata = new V1ListMeta().resourceVersion(resourceVersion);
    this.items = List.copyOf(items);
    this.apiVersion = apiVersion;
    this.kind = kind;
  }

  @Override
  public V1ListMeta getMetadata() {
    return metadata;
  }

  @Override
  public List<CachedObject> getItems() {
    return items;
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
