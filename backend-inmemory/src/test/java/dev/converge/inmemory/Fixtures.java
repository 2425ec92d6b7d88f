package dev.converge.inmemory;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;

/** Objects used across the tests, as JSON text. */
final class Fixtures {
  static final Identity ADMIN = Identity.admin();

  private Fixtures() {}

  static Resource parse(String json) {
    return Resource.of(Json.parse(json));
  }

  static Resource namespace(String name) {
    return parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
  }

  static Resource configMap(String namespace, String name, String value) {
    return parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"" + namespace + "\"},\"data\":{\"key\":\"" + value + "\"}}");
  }

  static Resource configMap(String namespace, String name, String value, String labelsJson) {
    return parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"" + namespace + "\",\"labels\":" + labelsJson + "},\"data\":{\"key\":\"" + value + "\"}}");
  }

  static Resource deployment(String namespace, String name, String image) {
    return parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","namespace":"%s"},
         "spec":{"selector":{"matchLabels":{"app":"%s"}},
                 "template":{"metadata":{"labels":{"app":"%s"}},
                             "spec":{"containers":[{"name":"main","image":"%s"}]}}}}"""
        .formatted(name, namespace, name, name, image));
  }

  static Resource pod(String namespace, String name, String nodeName) {
    String node = nodeName.isEmpty() ? "" : ",\"nodeName\":\"" + nodeName + "\"";
    return parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"main","image":"nginx:1.27"}]%s}}""".formatted(name, namespace, node));
  }

  /** Grants the group {@code system:nodes} the {@code verb} of {@code resource} (core group) by a ClusterRole binding. */
  static void grantNodes(ApiServer server, String name, String resource, String verb) {
    server.create(ADMIN, parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"%s"},
         "rules":[{"apiGroups":[""],"resources":["%s"],"verbs":["%s"]}]}""".formatted(name, resource, verb)));
    server.create(ADMIN, parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"%s"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:nodes"}]}"""
        .formatted(name, name)));
  }

  static ResourceKey cm(String namespace, String name) {
    return ResourceKey.namespaced("", "ConfigMap", namespace, name);
  }

  static ResourceKey deploymentKey(String namespace, String name) {
    return ResourceKey.namespaced("apps", "Deployment", namespace, name);
  }

  static Resource get(ApiServer server, ResourceKey key) {
    return server.get(ADMIN, key);
  }
}
