package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.EdgeRule;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.core.schema.ListType;

/**
 * Finds the edges into one object by reading that object: the {@code converge.dev/depends-on} annotation
 * and the implicit edges. Every implicit rule of DESIGN.md §3 is decided by
 * the dependent (its namespace, its kind, the references in its pod template, its {@code roleRef}, the
 * service its webhooks call), so scanning each object once finds every edge. Edges are reported only to
 * objects the {@link KeyIndex} holds (the graph being planned). The walk keeps a {@link DiffPath} so that an
 * edge can say where it was found; rendering it is left to the sink, which skips it when no one will read it.
 */
final class EdgeFinder {
  private static final ListType NAMED = ListType.map("name");
  private static final String RBAC = "rbac.authorization.k8s.io";

  /** Receives the edges into the object being scanned. */
  interface Sink {
    /**
     * @param prerequisite the index of the object the scanned one waits for
     * @param rule why
     * @param where the path of the reference in the scanned object (empty for namespace and CRD edges);
     *     only valid during the call
     */
    void edge(int prerequisite, EdgeRule rule, DiffPath where);
  }

  private final KeyIndex index;
  private final ResourceTypes types;
  private final DiffPath trail = new DiffPath();
  private Sink sink = (p, r, w) -> {};
  private String namespace = "";

  EdgeFinder(KeyIndex index, ResourceTypes types) {
    this.index = index;
    this.types = types;
  }

  /** Reports every implicit edge into {@code object}. */
  void scan(Resource object, Sink to) {
    this.sink = to;
    this.namespace = object.namespace();
    trail.clear();
    ResourceKey key = object.key();
    // Only kinds the server scopes to a namespace wait for it; kubectl drops a stray namespace on the rest.
    if (!namespace.isEmpty()) {
      int ns = index.namespace(namespace);
      if (ns >= 0 && types.isNamespaced(key.groupKind())) {
        emit(ns, EdgeRule.NAMESPACE);
      }
    }
    emit(index.crdOf(key.group(), key.kind()), EdgeRule.CRD);
    String kind = key.kind();
    JsonNode json = object.json();
    dependsOnAnnotation(json.path("metadata").path("annotations").path(Ownership.DEPENDS_ON_ANNOTATION));
    switch (key.group()) {
      case "apps":
        if (kind.equals("Deployment") || kind.equals("DaemonSet") || kind.equals("StatefulSet")
            || kind.equals("ReplicaSet")) {
          podTemplate(json, "spec", "template", "spec");
        }
        break;
      case "batch":
        if (kind.equals("Job")) {
          podTemplate(json, "spec", "template", "spec");
        } else if (kind.equals("CronJob")) {
          podTemplate(json, "spec", "jobTemplate", "spec", "template", "spec");
        }
        break;
      case "":
        if (kind.equals("Pod")) {
          podTemplate(json, "spec");
        } else if (kind.equals("ReplicationController")) {
          podTemplate(json, "spec", "template", "spec");
        }
        break;
      case RBAC:
        if (kind.equals("RoleBinding") || kind.equals("ClusterRoleBinding")) {
          roleRef(json.path("roleRef"), kind.equals("RoleBinding"));
        }
        break;
      case "admissionregistration.k8s.io":
        if (kind.endsWith("WebhookConfiguration")) {
          webhooks(json.path("webhooks"));
        }
        break;
      case "apiregistration.k8s.io":
        if (kind.equals("APIService")) {
          JsonNode service = json.path("spec").path("service");
          trail.pushField("spec");
          trail.pushField("service");
          emit(index.find("", "Service", service.path("namespace").asText(""), service.path("name").asText("")), EdgeRule.SERVICE);
          trail.clear();
        }
        break;
      default:
        break;
    }
  }

  /**
   * The {@code converge.dev/depends-on} annotation: comma-separated keys in their string form. Manifest
   * readers turn it into {@code dependsOn}; reading it here as well keeps it in force for live objects, whose
   * deletes have no desired graph to take it from. Keys that do not parse or are not in the graph are
   * skipped (validating them is the manifest reader's job).
   */
  private void dependsOnAnnotation(JsonNode value) {
    if (!value.isTextual()) {
      return;
    }
    trail.pushField("metadata");
    trail.pushField("annotations");
    trail.pushField(Ownership.DEPENDS_ON_ANNOTATION);
    for (String part : value.textValue().split(",")) {
      String text = part.trim();
      if (text.isEmpty()) {
        continue;
      }
      try {
        emit(index.find(ResourceKey.parse(text)), EdgeRule.EXPLICIT);
      } catch (IllegalArgumentException e) {
        // Not a key: the manifest reader reports it; ordering ignores it.
      }
    }
    trail.clear();
  }

  private void podTemplate(JsonNode json, String... fields) {
    JsonNode spec = json;
    for (String field : fields) {
      spec = spec.path(field);
      trail.pushField(field);
    }
    if (!spec.isObject()) {
      trail.clear();
      return;
    }
    named(spec, "serviceAccountName", "ServiceAccount", EdgeRule.SERVICE_ACCOUNT);
    if (!spec.has("serviceAccountName")) {
      named(spec, "serviceAccount", "ServiceAccount", EdgeRule.SERVICE_ACCOUNT);
    }
    JsonNode runtimeClass = spec.get("runtimeClassName");
    if (runtimeClass != null && runtimeClass.isTextual()) {
      // Cluster-scoped: the RuntimeClass admission plugin refuses a pod whose class does not exist yet.
      trail.pushField("runtimeClassName");
      emit(index.find("node.k8s.io", "RuntimeClass", "", runtimeClass.textValue()), EdgeRule.RUNTIME_CLASS);
      trail.pop();
    }
    containers(spec, "initContainers");
    containers(spec, "containers");
    containers(spec, "ephemeralContainers");
    volumes(spec.path("volumes"));
    JsonNode pullSecrets = spec.path("imagePullSecrets");
    trail.pushField("imagePullSecrets");
    for (int i = 0; i < pullSecrets.size(); i++) {
      trail.pushElement(pullSecrets.get(i), NAMED, i);
      named(pullSecrets.get(i), "name", "Secret", EdgeRule.SECRET);
      trail.pop();
    }
    trail.clear();
  }

  private void containers(JsonNode spec, String field) {
    JsonNode list = spec.path(field);
    if (list.isEmpty()) {
      return;
    }
    trail.pushField(field);
    for (int c = 0; c < list.size(); c++) {
      JsonNode container = list.get(c);
      trail.pushElement(container, NAMED, c);
      JsonNode env = container.path("env");
      trail.pushField("env");
      for (int e = 0; e < env.size(); e++) {
        JsonNode from = env.get(e).path("valueFrom");
        if (from.isObject()) {
          trail.pushElement(env.get(e), NAMED, e);
          trail.pushField("valueFrom");
          keyRef(from, "secretKeyRef", "Secret", EdgeRule.SECRET);
          keyRef(from, "configMapKeyRef", "ConfigMap", EdgeRule.CONFIG_MAP);
          trail.pop();
          trail.pop();
        }
      }
      trail.pop();
      JsonNode envFrom = container.path("envFrom");
      trail.pushField("envFrom");
      for (int e = 0; e < envFrom.size(); e++) {
        trail.pushElement(envFrom.get(e), ListType.atomic(), e);
        keyRef(envFrom.get(e), "secretRef", "Secret", EdgeRule.SECRET);
        keyRef(envFrom.get(e), "configMapRef", "ConfigMap", EdgeRule.CONFIG_MAP);
        trail.pop();
      }
      trail.pop();
      trail.pop();
    }
    trail.pop();
  }

  private void volumes(JsonNode volumes) {
    if (volumes.isEmpty()) {
      return;
    }
    trail.pushField("volumes");
    for (int v = 0; v < volumes.size(); v++) {
      JsonNode volume = volumes.get(v);
      trail.pushElement(volume, NAMED, v);
      if (volume.has("secret")) {
        trail.pushField("secret");
        named(volume.get("secret"), "secretName", "Secret", EdgeRule.SECRET);
        trail.pop();
      }
      keyRef(volume, "configMap", "ConfigMap", EdgeRule.CONFIG_MAP);
      if (volume.has("persistentVolumeClaim")) {
        trail.pushField("persistentVolumeClaim");
        named(volume.get("persistentVolumeClaim"), "claimName", "PersistentVolumeClaim", EdgeRule.PERSISTENT_VOLUME_CLAIM);
        trail.pop();
      }
      JsonNode sources = volume.path("projected").path("sources");
      if (!sources.isEmpty()) {
        trail.pushField("projected");
        trail.pushField("sources");
        for (int s = 0; s < sources.size(); s++) {
          trail.pushElement(sources.get(s), ListType.atomic(), s);
          keyRef(sources.get(s), "secret", "Secret", EdgeRule.SECRET);
          keyRef(sources.get(s), "configMap", "ConfigMap", EdgeRule.CONFIG_MAP);
          trail.pop();
        }
        trail.pop();
        trail.pop();
      }
      trail.pop();
    }
    trail.pop();
  }

  /** {@code parent.field.name}, an object reference such as {@code secretKeyRef: {name, key}}. */
  private void keyRef(JsonNode parent, String field, String kind, EdgeRule rule) {
    JsonNode ref = parent.get(field);
    if (ref != null && ref.isObject()) {
      trail.pushField(field);
      named(ref, "name", kind, rule);
      trail.pop();
    }
  }

  /** {@code parent.field} holds the name of a {@code kind} in the scanned object's namespace. */
  private void named(JsonNode parent, String field, String kind, EdgeRule rule) {
    JsonNode name = parent.get(field);
    if (name != null && name.isTextual()) {
      trail.pushField(field);
      emit(index.find("", kind, namespace, name.textValue()), rule);
      trail.pop();
    }
  }

  private void roleRef(JsonNode ref, boolean namespacedBinding) {
    String kind = ref.path("kind").asText("");
    String name = ref.path("name").asText("");
    trail.pushField("roleRef");
    if (kind.equals("ClusterRole")) {
      emit(index.find(RBAC, "ClusterRole", "", name), EdgeRule.ROLE);
    } else if (kind.equals("Role") && namespacedBinding) {
      emit(index.find(RBAC, "Role", namespace, name), EdgeRule.ROLE);
    }
    trail.pop();
  }

  private void webhooks(JsonNode webhooks) {
    trail.pushField("webhooks");
    for (int w = 0; w < webhooks.size(); w++) {
      JsonNode service = webhooks.get(w).path("clientConfig").path("service");
      if (service.isObject()) {
        trail.pushElement(webhooks.get(w), NAMED, w);
        trail.pushField("clientConfig");
        trail.pushField("service");
        emit(index.find("", "Service", service.path("namespace").asText(""), service.path("name").asText("")), EdgeRule.SERVICE);
        trail.pop();
        trail.pop();
        trail.pop();
      }
    }
    trail.pop();
  }

  private void emit(int prerequisite, EdgeRule rule) {
    if (prerequisite >= 0) {
      sink.edge(prerequisite, rule, trail);
    }
  }
}
