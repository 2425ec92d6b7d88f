package dev.converge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A planner workload: a desired graph of {@code size} resources in a realistic mix, and the actual state a
 * server would return for it, with and without drift.
 *
 * <p>The mix: one Namespace per 100 resources, then units of ten per namespace: a ServiceAccount, two
 * ConfigMaps, a Secret (one in ten written as {@code stringData}), a Deployment and a second workload
 * (StatefulSet, DaemonSet or CronJob in turn) with two-container pod templates referencing them, two Services,
 * a Role and a RoleBinding. Live objects are what a server returns: serialised and parsed back (fresh nodes
 * and strings, as a client receives them; freezing them into resources then shares their small common parts
 * with the desired trees, as it does for any informer's objects, see {@code dev.converge.api.Interned}), with uid, resourceVersion, generation, creationTimestamp, status,
 * server defaults (pull policy, termination message, protocols, DNS policy, scheduler, cluster IPs, session
 * affinity, revision history…), Secret data in base64 and quantities in canonical form ({@code 1000m} as
 * {@code 1}). {@code managedFields} are left out, as informers that strip them do; they would only make the
 * floor larger.
 */
public final class PlannerWorkload {
  public static final ResourceKey OWNER = ResourceKey.parse("example.com/Platform/default/bench");

  public final DesiredGraph desired;
  public final Observed unchanged;
  public final Observed drifted;
  public final int driftedCount;
  /** Every desired and live tree, for the floor walk. */
  public final List<JsonNode> trees;

  private PlannerWorkload(DesiredGraph desired, Observed unchanged, Observed drifted, int driftedCount, List<JsonNode> trees) {
    this.desired = desired;
    this.unchanged = unchanged;
    this.drifted = drifted;
    this.driftedCount = driftedCount;
    this.trees = trees;
  }

  /** Builds the workload; {@code driftEvery} live objects out of one differ in the drifted state (100 = 1 %). */
  public static PlannerWorkload build(int size, int driftEvery, long seed) {
    Random random = new Random(seed);
    List<Resource> resources = new ArrayList<>(size);
    int namespaces = Math.max(1, size / 100);
    int perNamespace = (size - namespaces) / namespaces;
    int unit = 0;
    for (int n = 0; n < namespaces && resources.size() < size; n++) {
      String ns = "team-" + n;
      resources.add(object("v1", "Namespace", "", ns, "platform"));
      int end = Math.min(size, resources.size() + (n == namespaces - 1 ? size : perNamespace));
      while (resources.size() < end) {
        for (Resource r : unit(ns, unit++, random)) {
          if (resources.size() < end) {
            resources.add(r);
          }
        }
      }
    }
    DesiredGraph.Builder builder = DesiredGraph.builder().owner(OWNER);
    for (Resource r : resources) {
      builder.add(DesiredResource.of(r));
    }
    DesiredGraph graph = builder.build();
    List<Resource> live = new ArrayList<>(size);
    List<Resource> drifted = new ArrayList<>(size);
    List<JsonNode> trees = new ArrayList<>(size * 2);
    int serial = 0;
    int changed = 0;
    for (DesiredResource entry : graph.resources().values()) {
      Resource server = ServerFields.asReturned(entry.resource(), serial);
      live.add(server);
      trees.add(entry.resource().json());
      trees.add(server.json());
      if (serial % driftEvery == driftEvery / 2) {
        drifted.add(drift(server));
        changed++;
      } else {
        drifted.add(server);
      }
      serial++;
    }
    return new PlannerWorkload(graph, Observed.of(live), Observed.of(drifted), changed, trees);
  }

  /** One unit of ten resources. */
  private static List<Resource> unit(String ns, int u, Random random) {
    String app = "app-" + u;
    List<Resource> out = new ArrayList<>(10);
    out.add(object("v1", "ServiceAccount", ns, app, app));
    for (String suffix : new String[] {"-config", "-env"}) {
      ObjectNode cm = tree("v1", "ConfigMap", ns, app + suffix, app);
      ObjectNode data = cm.putObject("data");
      for (int k = 0; k < 4; k++) {
        data.put("key-" + k + ".properties", "setting." + k + "=" + Long.toHexString(random.nextLong()) + "\nmode=production\n");
      }
      out.add(Resource.of(cm));
    }
    ObjectNode secret = tree("v1", "Secret", ns, app + "-credentials", app);
    secret.put("type", "Opaque");
    ObjectNode values = secret.putObject(u % 10 == 0 ? "stringData" : "data");
    for (String key : new String[] {"username", "password"}) {
      String value = key + "-" + Long.toHexString(random.nextLong());
      values.put(key, u % 10 == 0 ? value : base64(value));
    }
    out.add(Resource.of(secret));
    out.add(workload("apps/v1", "Deployment", ns, app, u, random));
    String[] second = {"StatefulSet", "DaemonSet", "CronJob"};
    String kind = second[u % 3];
    out.add(workload(kind.equals("CronJob") ? "batch/v1" : "apps/v1", kind, ns, app + "-worker", u, random));
    for (String suffix : new String[] {"", "-metrics"}) {
      ObjectNode svc = tree("v1", "Service", ns, app + suffix, app);
      ObjectNode spec = svc.putObject("spec");
      spec.putObject("selector").put("app.kubernetes.io/name", app);
      spec.putArray("ports").addObject().put("name", "http").put("port", 80).put("targetPort", "http");
      ((ArrayNode) spec.get("ports")).addObject().put("name", "metrics").put("port", 9090).put("targetPort", 9090).put("protocol", "TCP");
      out.add(Resource.of(svc));
    }
    ObjectNode role = tree("rbac.authorization.k8s.io/v1", "Role", ns, app, app);
    ArrayNode rules = role.putArray("rules");
    ObjectNode read = rules.addObject();
    read.putArray("apiGroups").add("");
    read.putArray("resources").add("configmaps").add("secrets");
    read.putArray("verbs").add("get").add("list").add("watch");
    ObjectNode lease = rules.addObject();
    lease.putArray("apiGroups").add("coordination.k8s.io");
    lease.putArray("resources").add("leases");
    lease.putArray("resourceNames").add(app + "-leader");
    lease.putArray("verbs").add("get").add("update");
    out.add(Resource.of(role));
    ObjectNode binding = tree("rbac.authorization.k8s.io/v1", "RoleBinding", ns, app, app);
    binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Role").put("name", app);
    binding.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", app).put("namespace", ns);
    out.add(Resource.of(binding));
    return out;
  }

  private static Resource workload(String apiVersion, String kind, String ns, String name, int u, Random random) {
    String app = "app-" + u;
    ObjectNode root = tree(apiVersion, kind, ns, name, app);
    root.with("metadata").putObject("annotations").put("example.com/description", "workload " + name + " of unit " + u);
    ObjectNode spec = root.putObject("spec");
    ObjectNode template;
    if (kind.equals("CronJob")) {
      spec.put("schedule", "*/15 * * * *").put("concurrencyPolicy", "Forbid");
      template = spec.putObject("jobTemplate").putObject("spec").put("backoffLimit", 3).putObject("template");
    } else {
      if (!kind.equals("DaemonSet")) {
        spec.put("replicas", 2 + u % 3);
      }
      spec.putObject("selector").putObject("matchLabels").put("app.kubernetes.io/name", name);
      if (kind.equals("Deployment")) {
        spec.putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxSurge", "25%").put("maxUnavailable", 0);
      }
      if (kind.equals("StatefulSet")) {
        spec.put("serviceName", app);
      }
      template = spec.putObject("template");
    }
    ObjectNode meta = template.putObject("metadata");
    meta.putObject("labels").put("app.kubernetes.io/name", name).put("app.kubernetes.io/part-of", app);
    meta.putObject("annotations").put("checksum/config", Long.toHexString(random.nextLong()));
    ObjectNode pod = template.putObject("spec");
    pod.put("serviceAccountName", app);
    if (kind.equals("CronJob")) {
      pod.put("restartPolicy", "OnFailure");
    }
    ArrayNode containers = pod.putArray("containers");
    ObjectNode main = containers.addObject().put("name", "app").put("image", "registry.example.com/" + app + ":1." + (u % 7) + ".0");
    main.putArray("args").add("--port=8080").add("--log-level=info");
    ArrayNode ports = main.putArray("ports");
    ports.addObject().put("name", "http").put("containerPort", 8080);
    ports.addObject().put("name", "metrics").put("containerPort", 9090);
    ArrayNode env = main.putArray("env");
    env.addObject().put("name", "APP_NAME").put("value", name);
    env.addObject().put("name", "APP_ENV").put("value", "production");
    env.addObject().put("name", "LOG_FORMAT").put("value", "json");
    env.addObject().put("name", "EMPTY_IS_DROPPED").put("value", "");
    env.addObject().put("name", "WORKERS").put("value", Integer.toString(2 + u % 4));
    env.addObject().put("name", "DB_PASSWORD").putObject("valueFrom").putObject("secretKeyRef").put("name", app + "-credentials").put("key", "password");
    env.addObject().put("name", "FEATURES").putObject("valueFrom").putObject("configMapKeyRef").put("name", app + "-env").put("key", "key-0.properties");
    env.addObject().put("name", "NODE_IP").putObject("valueFrom").putObject("fieldRef").put("fieldPath", "status.hostIP");
    main.putArray("envFrom").addObject().putObject("configMapRef").put("name", app + "-env");
    ObjectNode resources = main.putObject("resources");
    resources.putObject("requests").put("cpu", "250m").put("memory", "256Mi");
    resources.putObject("limits").put("cpu", u % 10 == 0 ? "1000m" : "1").put("memory", "512Mi");
    main.putObject("readinessProbe").put("periodSeconds", 10).putObject("httpGet").put("path", "/ready").put("port", "http");
    main.putObject("livenessProbe").put("initialDelaySeconds", 10).putObject("httpGet").put("path", "/live").put("port", 8080);
    ArrayNode mounts = main.putArray("volumeMounts");
    mounts.addObject().put("name", "config").put("mountPath", "/etc/app").put("readOnly", true);
    mounts.addObject().put("name", "data").put("mountPath", "/data");
    ObjectNode sidecar = containers.addObject().put("name", "proxy").put("image", "envoyproxy/envoy:v1.30.1");
    sidecar.putArray("ports").addObject().put("name", "admin").put("containerPort", 15000);
    sidecar.putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "64Mi");
    ArrayNode volumes = pod.putArray("volumes");
    volumes.addObject().put("name", "config").putObject("configMap").put("name", app + "-config");
    volumes.addObject().put("name", "data").putObject("emptyDir").put("sizeLimit", "1Gi");
    volumes.addObject().put("name", "credentials").putObject("secret").put("secretName", app + "-credentials");
    pod.putArray("tolerations").addObject().put("key", "dedicated").put("operator", "Equal").put("value", "apps").put("effect", "NoSchedule");
    return Resource.of(root);
  }

  private static Resource drift(Resource live) {
    return live.edit(tree -> {
      JsonNode containers = tree.path("spec").path("template").path("spec").path("containers");
      if (containers.isMissingNode()) {
        containers = tree.path("spec").path("jobTemplate").path("spec").path("template").path("spec").path("containers");
      }
      if (containers.isArray() && containers.size() > 0) {
        ((ObjectNode) containers.get(0)).put("image", containers.get(0).path("image").asText() + "-old");
      } else if (tree.path("kind").asText().equals("ConfigMap")) {
        ((ObjectNode) tree.path("data")).put("key-0.properties", "stale=true\n");
      } else {
        tree.with("metadata").with("labels").put("app.kubernetes.io/part-of", "drifted");
      }
    });
  }

  private static Resource object(String apiVersion, String kind, String ns, String name, String app) {
    return Resource.of(tree(apiVersion, kind, ns, name, app));
  }

  private static ObjectNode tree(String apiVersion, String kind, String ns, String name, String app) {
    ObjectNode root = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = root.putObject("metadata").put("name", name);
    if (!ns.isEmpty()) {
      metadata.put("namespace", ns);
    }
    metadata.putObject("labels").put("app.kubernetes.io/part-of", app).put("app.kubernetes.io/managed-by", "converge");
    return root;
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
