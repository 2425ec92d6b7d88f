package dev.converge.guides.website;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;

/**
 * The {@code Website} CustomResourceDefinition, and keys of Websites. Operators usually ship their CRD in a
 * Helm chart; this one is also applied by {@link WebsiteOperator#installCrd} so that a test (or a first
 * start) needs nothing else.
 */
public final class WebsiteCrd {
  /** The group and kind of the primary resource. */
  public static final GroupKind KIND = GroupKind.of("guides.converge.dev", "Website");

  private WebsiteCrd() {}

  /**
   * {@return the key of the Website {@code namespace/name}}
   *
   * @param namespace its namespace
   * @param name its name
   */
  public static ResourceKey key(String namespace, String name) {
    return ResourceKey.of(KIND, namespace, name);
  }

  /**
   * {@return the CustomResourceDefinition} A real API server validates Websites against its schema; the
   * reconciler checks the same rules itself, because a spec can still be wrong in ways a schema cannot say.
   */
  public static Resource definition() {
    // guide: begin crd
    return Resource.of(Json.parse("""
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "websites.guides.converge.dev"},
         "spec": {"group": "guides.converge.dev", "scope": "Namespaced",
          "names": {"kind": "Website", "plural": "websites", "singular": "website", "listKind": "WebsiteList"},
          "versions": [{"name": "v1", "served": true, "storage": true,
            "subresources": {"status": {}},
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
              "spec": {"type": "object", "required": ["image"], "properties": {
                "image": {"type": "string"},
                "replicas": {"type": "integer", "minimum": 0},
                "index": {"type": "string"}}},
              "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}]}}"""));
    // guide: end crd
  }
}
