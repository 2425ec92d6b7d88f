package dev.converge.core.plan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Json;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but realistic desired graphs for property tests, from a seed: namespaces with service accounts,
 * secrets, config maps, claims and roles; workloads of every kind referencing them; services, bindings,
 * webhooks, CRDs and their custom resources; explicit dependencies that point only at lower levels, so the
 * graph stays acyclic. Values include zero values, quantities in several spellings and int-or-string ports.
 * Every edge the planner must honour is recorded in {@link #edges}.
 */
final class RandomGraphs {
  /** An ordering constraint the generator created: {@code dependent} needs {@code prerequisite}. */
  record Need(ResourceKey prerequisite, ResourceKey dependent, boolean graphOnly) {
    Need(ResourceKey prerequisite, ResourceKey dependent) {
      this(prerequisite, dependent, false);
    }
  }

  final List<DesiredResource> entries = new ArrayList<>();
  final List<Need> edges = new ArrayList<>();
  private final List<List<ResourceKey>> byLevel = new ArrayList<>();
  private final Random random;

  private RandomGraphs(long seed) {
    this.random = new Random(seed);
    for (int i = 0; i < 5; i++) {
      byLevel.add(new ArrayList<>());
    }
  }

  static RandomGraphs generate(long seed) {
    RandomGraphs g = new RandomGraphs(seed);
    g.build();
    return g;
  }

  DesiredGraph graph(ResourceKey owner, List<DesiredResource> order) {
    DesiredGraph.Builder builder = DesiredGraph.builder().owner(owner);
    order.forEach(builder::add);
    return builder.build();
  }

  private void build() {
    int namespaces = 1 + random.nextInt(3);
    if (random.nextBoolean()) {
      ObjectNode crd = object("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "widgets.example.com");
      crd.putObject("spec").put("group", "example.com").putObject("names").put("kind", "Widget").put("plural", "widgets");
      ResourceKey crdKey = add(crd, 0);
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        ObjectNode widget = object("example.com/v1", "Widget", "ns-0", "w" + i);
        widget.putObject("spec").put("size", random.nextInt(3));
        edges.add(new Need(crdKey, add(widget, 2)));
      }
    }
    List<ResourceKey> services = new ArrayList<>();
    ResourceKey clusterRole = add(object("rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader"), 1);
    for (int n = 0; n < namespaces; n++) {
      String ns = "ns-" + n;
      ResourceKey namespace = random.nextInt(4) == 0 ? null : add(object("v1", "Namespace", "", ns), 0);
      List<ResourceKey> inNamespace = new ArrayList<>();
      List<String> accounts = names("sa", 1 + random.nextInt(2));
      List<String> secrets = names("secret", random.nextInt(3));
      List<String> maps = names("cm", random.nextInt(3));
      List<String> claims = names("data", random.nextInt(2));
      List<String> roles = names("role", random.nextInt(2));
      for (String sa : accounts) {
        inNamespace.add(add(object("v1", "ServiceAccount", ns, sa), 1));
      }
      for (String s : secrets) {
        ObjectNode secret = object("v1", "Secret", ns, s);
        secret.putObject("stringData").put("token", "t-" + random.nextInt(1000));
        if (random.nextBoolean()) {
          secret.put("type", "Opaque");
        }
        inNamespace.add(add(secret, 1));
      }
      for (String m : maps) {
        ObjectNode map = object("v1", "ConfigMap", ns, m);
        map.putObject("data").put("config.yaml", "level: " + random.nextInt(5)).put("empty", "");
        inNamespace.add(add(map, 1));
      }
      for (String c : claims) {
        ObjectNode claim = object("v1", "PersistentVolumeClaim", ns, c);
        claim.putObject("spec").putArray("accessModes").add("ReadWriteOnce");
        ((ObjectNode) claim.get("spec")).putObject("resources").putObject("requests").put("storage", pick("1Gi", "1024Mi", "2G"));
        inNamespace.add(add(claim, 1));
      }
      for (String r : roles) {
        inNamespace.add(add(object("rbac.authorization.k8s.io/v1", "Role", ns, r), 1));
      }
      for (int b = 0; b < random.nextInt(3); b++) {
        ObjectNode binding = object("rbac.authorization.k8s.io/v1", "RoleBinding", ns, "binding-" + b);
        boolean toRole = !roles.isEmpty() && random.nextBoolean();
        String role = toRole ? roles.get(random.nextInt(roles.size())) : "reader";
        binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", toRole ? "Role" : "ClusterRole").put("name", role);
        binding.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", accounts.get(0)).put("namespace", ns);
        ResourceKey key = add(binding, 2);
        edges.add(new Need(toRole ? new ResourceKey("rbac.authorization.k8s.io", "Role", ns, role) : clusterRole, key));
        inNamespace.add(key);
      }
      for (int s = 0; s < 1 + random.nextInt(2); s++) {
        ObjectNode service = object("v1", "Service", ns, "svc-" + s);
        ObjectNode spec = service.putObject("spec");
        spec.putObject("selector").put("app", "app-" + s);
        ObjectNode port = spec.putArray("ports").addObject().put("name", "http").put("port", 80);
        if (random.nextBoolean()) {
          port.put("targetPort", random.nextBoolean() ? 8080 : 8080);
        } else {
          port.put("targetPort", "http");
        }
        if (random.nextBoolean()) {
          spec.putArray("ports").addObject().put("name", "metrics").put("port", 9090).put("protocol", "TCP");
          spec.withArray("ports").insertObject(0).put("name", "http").put("port", 80);
          spec.withArray("ports").remove(0);
        }
        ResourceKey key = add(service, 2);
        services.add(key);
        inNamespace.add(key);
      }
      String[] kinds = {"Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob"};
      for (int w = 0; w < 1 + random.nextInt(3); w++) {
        String kind = kinds[random.nextInt(kinds.length)];
        ObjectNode workload = object(kind.endsWith("Job") ? "batch/v1" : "apps/v1", kind, ns, "app-" + w);
        ObjectNode spec = workload.putObject("spec");
        ObjectNode template = kind.equals("CronJob")
            ? spec.put("schedule", "*/5 * * * *").putObject("jobTemplate").putObject("spec").putObject("template")
            : spec.putObject("template");
        if (!kind.endsWith("Job")) {
          spec.putObject("selector").putObject("matchLabels").put("app", "app-" + w);
          template.putObject("metadata").putObject("labels").put("app", "app-" + w);
        }
        ObjectNode pod = template.putObject("spec");
        List<ResourceKey> needs = new ArrayList<>();
        String sa = accounts.get(random.nextInt(accounts.size()));
        pod.put("serviceAccountName", sa);
        needs.add(new ResourceKey("", "ServiceAccount", ns, sa));
        if (kind.endsWith("Job")) {
          pod.put("restartPolicy", "OnFailure");
        }
        ArrayNode containers = pod.putArray("containers");
        for (int c = 0; c < 1 + random.nextInt(2); c++) {
          ObjectNode container = containers.addObject().put("name", "c" + c).put("image", pick("app:1.2", "app:latest", "app"));
          if (random.nextBoolean()) {
            container.put("workingDir", "").put("stdin", false);
          }
          container.putObject("resources").putObject("requests").put("cpu", pick("1000m", "0.5", "250m", "1")).put("memory", pick("1Gi", "1024Mi", "128Mi"));
          container.putArray("ports").addObject().put("containerPort", 8080 + c);
          ArrayNode env = container.putArray("env");
          env.addObject().put("name", "PLAIN").put("value", random.nextBoolean() ? "" : "x");
          env.addObject().put("name", "HOST").putObject("valueFrom").putObject("fieldRef").put("fieldPath", "status.hostIP");
          if (!secrets.isEmpty() && random.nextBoolean()) {
            String s = secrets.get(random.nextInt(secrets.size()));
            env.addObject().put("name", "SECRET").putObject("valueFrom").putObject("secretKeyRef").put("name", s).put("key", "token");
            needs.add(new ResourceKey("", "Secret", ns, s));
          }
          if (!maps.isEmpty() && random.nextBoolean()) {
            String m = maps.get(random.nextInt(maps.size()));
            container.putArray("envFrom").addObject().putObject("configMapRef").put("name", m);
            needs.add(new ResourceKey("", "ConfigMap", ns, m));
          }
          container.putArray("volumeMounts").addObject().put("name", "scratch").put("mountPath", "/scratch");
        }
        ArrayNode volumes = pod.putArray("volumes");
        volumes.addObject().put("name", "scratch").putObject("emptyDir").put("sizeLimit", pick("1Gi", "1024Mi"));
        if (!claims.isEmpty() && random.nextBoolean()) {
          String c = claims.get(random.nextInt(claims.size()));
          volumes.addObject().put("name", "data").putObject("persistentVolumeClaim").put("claimName", c);
          needs.add(new ResourceKey("", "PersistentVolumeClaim", ns, c));
        }
        if (!maps.isEmpty() && random.nextBoolean()) {
          String m = maps.get(random.nextInt(maps.size()));
          volumes.addObject().put("name", "config").putObject("configMap").put("name", m);
          needs.add(new ResourceKey("", "ConfigMap", ns, m));
        }
        ResourceKey key = add(workload, 3);
        for (ResourceKey need : needs) {
          edges.add(new Need(need, key));
        }
        inNamespace.add(key);
      }
      if (namespace != null) {
        for (ResourceKey member : inNamespace) {
          edges.add(new Need(namespace, member));
        }
      }
    }
    if (random.nextBoolean()) {
      ResourceKey service = services.get(random.nextInt(services.size()));
      ObjectNode hook = object("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "", "hook");
      ObjectNode webhook = hook.putArray("webhooks").addObject().put("name", "hook.example.com").put("sideEffects", "None");
      webhook.putArray("admissionReviewVersions").add("v1");
      webhook.putObject("clientConfig").putObject("service").put("namespace", service.namespace()).put("name", service.name());
      ObjectNode rule = webhook.putArray("rules").addObject();
      rule.putArray("operations").add("CREATE");
      rule.putArray("resources").add("pods");
      edges.add(new Need(service, add(hook, 4)));
    }
    addExplicitDependencies();
  }

  /**
   * Explicit dependencies from a random entry to a random entry of a strictly lower level (never a cycle):
   * half as {@code dependsOn}, which only the graph knows, half as the {@code converge.dev/depends-on}
   * annotation, which live objects carry too.
   */
  private void addExplicitDependencies() {
    for (int i = 0; i < entries.size(); i++) {
      DesiredResource entry = entries.get(i);
      int level = levelOf(entry.key());
      if (level > 0 && random.nextInt(4) == 0) {
        List<ResourceKey> lower = byLevel.get(random.nextInt(level));
        if (!lower.isEmpty()) {
          ResourceKey prerequisite = lower.get(random.nextInt(lower.size()));
          if (random.nextBoolean()) {
            entries.set(i, entry.dependsOn(prerequisite));
            edges.add(new Need(prerequisite, entry.key(), true));
          } else {
            entries.set(i, entry.withResource(entry.resource().withAnnotation(Ownership.DEPENDS_ON_ANNOTATION, prerequisite.toString())));
            edges.add(new Need(prerequisite, entry.key()));
          }
        }
      }
    }
  }

  private int levelOf(ResourceKey key) {
    for (int level = 0; level < byLevel.size(); level++) {
      if (byLevel.get(level).contains(key)) {
        return level;
      }
    }
    throw new IllegalStateException(key.toString());
  }

  private ResourceKey add(ObjectNode tree, int level) {
    Resource resource = Resource.of(tree);
    entries.add(DesiredResource.of(resource));
    byLevel.get(level).add(resource.key());
    return resource.key();
  }

  private static ObjectNode object(String apiVersion, String kind, String namespace, String name) {
    ObjectNode tree = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = tree.putObject("metadata").put("name", name);
    if (!namespace.isEmpty()) {
      metadata.put("namespace", namespace);
    }
    metadata.putObject("labels").put("app.kubernetes.io/part-of", "random");
    return tree;
  }

  private List<String> names(String prefix, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(prefix + "-" + i);
    }
    return names;
  }

  private String pick(String... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
