package dev.converge.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;

/**
 * The objects of the {@code backends} CRUD workload: {@code n} ConfigMaps and {@code n} Deployments in
 * namespace {@code default}, interleaved (the "n = 2,000: create ConfigMaps and Deployments" read as
 * its first measurement did: n of each kind). Each object is kept twice, as the frozen {@link Resource} the
 * Converge side sends and as the JSON text the client-java side decodes into its own models, so both sides
 * send the same content.
 *
 * <p>The objects are what an application chart holds: a ConfigMap with labels and three data keys; a
 * Deployment with labels, a selector, replicas, a rolling-update strategy and one container with ports,
 * environment, resources, a readiness probe and a mounted ConfigMap volume. Both kinds are written with
 * {@code apiVersion} and {@code kind}, which fabric8's CRUD mode needs and the Converge side requires.
 */
public final class CrudWorkload {
  /** The namespace every object lives in (it exists in a fresh in-memory cluster; fabric8 needs none). */
  public static final String NAMESPACE = "default";

  /** One object, in both forms. */
  public record Item(Resource resource, String json) {
    public boolean isConfigMap() {
      return resource.kind().equals("ConfigMap");
    }

    public String name() {
      return resource.name();
    }
  }

  private final ImmutableList<Item> items;

  private CrudWorkload(ImmutableList<Item> items) {
    this.items = items;
  }

  /** {@code n} ConfigMaps {@code cm-<i>} and {@code n} Deployments {@code web-<i>}. */
  public static CrudWorkload of(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive, got " + n);
    }
    ImmutableList.Builder<Item> items = ImmutableList.builderWithExpectedSize(2 * n);
    for (int i = 0; i < n; i++) {
      items.add(item(configMap(i)));
      items.add(item(deployment(i)));
    }
    return new CrudWorkload(items.build());
  }

  public ImmutableList<Item> items() {
    return items;
  }

  /** Objects in all: 2n. */
  public int size() {
    return items.size();
  }

  private static Item item(ObjectNode tree) {
    return new Item(Resource.of(tree.deepCopy()), Json.write(tree));
  }

  private static ObjectNode configMap(int i) {
    ObjectNode root = header("v1", "ConfigMap", "cm-" + i, "app-" + i);
    ObjectNode data = root.putObject("data");
    data.put("application.properties", "server.port=8080\nlogging.level=INFO\nfeature." + i + "=true\n");
    data.put("mode", "production");
    data.put("replica-hint", Integer.toString(1 + i % 5));
    return root;
  }

  private static ObjectNode deployment(int i) {
    String app = "web-" + i;
    ObjectNode root = header("apps/v1", "Deployment", app, "app-" + i);
    ObjectNode spec = root.putObject("spec");
    spec.put("replicas", 2 + i % 3);
    spec.putObject("selector").putObject("matchLabels").put("app.kubernetes.io/name", app);
    spec.putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate")
        .put("maxSurge", "25%").put("maxUnavailable", 0);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app.kubernetes.io/name", app).put("tier", "web");
    ObjectNode pod = template.putObject("spec");
    ArrayNode containers = pod.putArray("containers");
    ObjectNode main = containers.addObject().put("name", "app").put("image", "registry.example.com/web:1." + (i % 7) + ".0");
    ArrayNode ports = main.putArray("ports");
    ports.addObject().put("name", "http").put("containerPort", 8080);
    ports.addObject().put("name", "metrics").put("containerPort", 9090);
    ArrayNode env = main.putArray("env");
    env.addObject().put("name", "APP_NAME").put("value", app);
    env.addObject().put("name", "APP_ENV").put("value", "production");
    env.addObject().put("name", "WORKERS").put("value", Integer.toString(2 + i % 4));
    ObjectNode resources = main.putObject("resources");
    resources.putObject("requests").put("cpu", "250m").put("memory", "256Mi");
    resources.putObject("limits").put("cpu", "1").put("memory", "512Mi");
    main.putObject("readinessProbe").put("periodSeconds", 10).putObject("httpGet").put("path", "/ready").put("port", "http");
    main.putArray("volumeMounts").addObject().put("name", "config").put("mountPath", "/etc/app").put("readOnly", true);
    pod.putArray("volumes").addObject().put("name", "config").putObject("configMap").put("name", "cm-" + i);
    return root;
  }

  private static ObjectNode header(String apiVersion, String kind, String name, String partOf) {
    ObjectNode root = Json.object();
    root.put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", name).put("namespace", NAMESPACE);
    metadata.putObject("labels").put("app.kubernetes.io/name", name).put("app.kubernetes.io/part-of", partOf)
        .put("app.kubernetes.io/managed-by", "bench");
    return root;
  }
}
