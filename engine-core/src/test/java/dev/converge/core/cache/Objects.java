package dev.converge.core.cache;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.core.testing.TestResources;

/** ConfigMaps at a given resourceVersion, for the cache's tests. */
final class Objects {
  static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  static final GroupKind SERVICE = GroupKind.of("", "Service");

  private Objects() {}

  /** ConfigMap {@code ns/name} at {@code version}. */
  static Resource cm(String namespace, String name, String version) {
    return at(TestResources.configMap(namespace, name), version);
  }

  static Resource at(Resource object, String version) {
    return object.edit(tree -> tree.withObjectProperty("metadata").put("resourceVersion", version));
  }
}
