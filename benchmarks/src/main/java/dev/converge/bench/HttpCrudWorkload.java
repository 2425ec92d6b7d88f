package dev.converge.bench;

import com.google.common.collect.ImmutableList;

/**
 * The objects of the {@code http} CRUD workload: {@code n} ConfigMaps ({@code settings-<i>}) and {@code n}
 * Deployments ({@code api-<i>}) in namespace {@code default}, interleaved, as JSON text that each round decodes
 * into client-java's models. A ConfigMap carries labels and three data keys; a Deployment labels, a selector,
 * replicas, a rolling-update strategy and one container with ports, environment, resources, a readiness probe
 * and a ConfigMap volume: what an application chart holds. Every object names its {@code apiVersion} and {@code
 * kind}, which fabric8's CRUD mode needs.
 */
final class HttpCrudWorkload {
  /** Exists in a fresh in-memory cluster (NamespaceLifecycle); fabric8's mock needs no namespace. */
  static final String NAMESPACE = "default";

  /** One object: whether it is a ConfigMap, and its JSON. */
  record Item(boolean configMap, String name, String json) {}

  private final ImmutableList<Item> items;

  private HttpCrudWorkload(ImmutableList<Item> items) {
    this.items = items;
  }

  static HttpCrudWorkload of(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive, got " + n);
    }
    ImmutableList.Builder<Item> items = ImmutableList.builderWithExpectedSize(2 * n);
    for (int i = 0; i < n; i++) {
      items.add(new Item(true, "settings-" + i, configMap(i)));
      items.add(new Item(false, "api-" + i, deployment(i)));
    }
    return new HttpCrudWorkload(items.build());
  }

  ImmutableList<Item> items() {
    return items;
  }

  /** Objects in all: 2n. */
  int size() {
    return items.size();
  }

  /** ConfigMaps (and Deployments) each: n. */
  int perKind() {
    return items.size() / 2;
  }

  private static String metadata(String name, int i) {
    return "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + NAMESPACE + "\",\"labels\":{"
        + "\"app.kubernetes.io/name\":\"" + name + "\",\"app.kubernetes.io/part-of\":\"shop-" + i + "\","
        + "\"app.kubernetes.io/managed-by\":\"bench\"}}";
  }

  private static String configMap(int i) {
    String name = "settings-" + i;
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," + metadata(name, i) + ",\"data\":{"
        + "\"application.properties\":\"server.port=8080\\nlogging.level=INFO\\nfeature." + i + "=true\\n\","
        + "\"mode\":\"production\",\"replica-hint\":\"" + (1 + i % 5) + "\"}}";
  }

  private static String deployment(int i) {
    String name = "api-" + i;
    return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"," + metadata(name, i) + ",\"spec\":{"
        + "\"replicas\":" + (2 + i % 3) + ","
        + "\"selector\":{\"matchLabels\":{\"app.kubernetes.io/name\":\"" + name + "\"}},"
        + "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":\"25%\",\"maxUnavailable\":0}},"
        + "\"template\":{\"metadata\":{\"labels\":{\"app.kubernetes.io/name\":\"" + name + "\",\"tier\":\"api\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"api\",\"image\":\"registry.example.com/api:2." + (i % 9) + ".1\","
        + "\"ports\":[{\"name\":\"http\",\"containerPort\":8080},{\"name\":\"metrics\",\"containerPort\":9090}],"
        + "\"env\":[{\"name\":\"APP_NAME\",\"value\":\"" + name + "\"},{\"name\":\"APP_ENV\",\"value\":\"production\"},"
        + "{\"name\":\"WORKERS\",\"value\":\"" + (2 + i % 4) + "\"}],"
        + "\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}},"
        + "\"readinessProbe\":{\"periodSeconds\":10,\"httpGet\":{\"path\":\"/ready\",\"port\":\"http\"}},"
        + "\"volumeMounts\":[{\"name\":\"config\",\"mountPath\":\"/etc/api\",\"readOnly\":true}]}],"
        + "\"volumes\":[{\"name\":\"config\",\"configMap\":{\"name\":\"settings-" + i + "\"}}]}}}}";
  }
}
