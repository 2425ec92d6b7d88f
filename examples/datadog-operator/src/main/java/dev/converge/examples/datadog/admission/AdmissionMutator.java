package dev.converge.examples.datadog.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Lookup;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.examples.datadog.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Cluster Agent's mutating webhooks for pod creation, as pure functions: given a pod, its namespace and a
 * way to read its owners, the pod as the webhook would return it. {@link #injectConfig} is the config webhook
 * ({@code /injectconfig}), {@link #injectTags} the standard-tags webhook ({@code /injecttags}), {@link #mutate}
 * both at once. The in-memory cluster's admission plugin ({@code cluster.ClusterAgentWebhooks}) calls them
 * while the webhook configuration exists and the Cluster Agent is available.
 *
 * <p>Rules, as the Datadog Cluster Agent applies them:
 * <ol>
 *   <li>Pods in an excluded namespace ({@code kube-system}, the agent's own) are never touched.
 *   <li>A pod labelled {@value #ENABLED_LABEL}{@code ="true"} is mutated, {@code "false"} is not; an unlabelled pod
 *       only with {@code mutateUnlabelled} (or APM instrumentation on).
 *   <li>Config injection by mode, the pod's {@value #MODE_LABEL} label overriding the default: {@code hostip}
 *       sets {@code DD_AGENT_HOST} from {@code status.hostIP}; {@code service} sets it to the local Service's DNS
 *       name; {@code socket} sets {@code DD_TRACE_AGENT_URL} and {@code DD_DOGSTATSD_URL} to the agent's sockets
 *       and mounts the {@code datadog} hostPath volume read-only. An unknown mode injects no config (the Cluster
 *       Agent rejects it) but the other rules still apply.
 *   <li>{@code DD_ENTITY_ID} from {@code metadata.uid}, always.
 *   <li>Standard tags: {@code tags.datadoghq.com/env|service|version} labels become {@code DD_ENV|DD_SERVICE|
 *       DD_VERSION}; a pod with none of them takes them from its owning workload (ReplicaSet → Deployment).
 *   <li>Never overwrite: a variable a container already has is left alone; new ones are prepended, in the order
 *       above. A volume whose name exists, or a mount whose name or path exists, is skipped. Init containers get
 *       the same treatment as containers.
 * </ol>
 */
public final class AdmissionMutator {
  public static final String ENABLED_LABEL = "admission.datadoghq.com/enabled";
  public static final String MODE_LABEL = "admission.datadoghq.com/config.mode";
  public static final String SOCKET_VOLUME = "datadog";
  public static final String SOCKET_PATH = "/var/run/datadog";
  private static final String[][] STANDARD_TAGS = {
      {"tags.datadoghq.com/env", "DD_ENV"}, {"tags.datadoghq.com/service", "DD_SERVICE"}, {"tags.datadoghq.com/version", "DD_VERSION"}};

  private final DatadogAdmissionConfig config;

  public AdmissionMutator(DatadogAdmissionConfig config) {
    this.config = config;
  }

  /** Whether the webhook mutates {@code pod} created in {@code namespace}. */
  public boolean selects(JsonNode pod, String namespace) {
    if (config.excludedNamespaces().contains(namespace)) {
      return false;
    }
    JsonNode label = pod.path("metadata").path("labels").path(ENABLED_LABEL);
    if (label.isTextual()) {
      return label.asText().equals("true");
    }
    return config.mutateUnlabelled();
  }

  /**
   * {@code pod} as both webhooks together return it ({@link #injectConfig} and {@link #injectTags} in one
   * pass, the variables prepended in the order config, entity id, tags): a mutated copy when {@link #selects
   * selected}, else an unchanged copy.
   *
   * @param owners reads the pod's owners (ReplicaSet, Deployment, …) in {@code namespace}
   */
  public ObjectNode mutate(JsonNode pod, String namespace, Lookup owners) {
    return inject(pod, namespace, true, owners);
  }

  /**
   * The config webhook ({@code /injectconfig}): the mode's variables (and socket volume) and {@code
   * DD_ENTITY_ID}; a copy of {@code pod}, changed only when {@link #selects selected}.
   */
  public ObjectNode injectConfig(JsonNode pod, String namespace) {
    return inject(pod, namespace, false, null);
  }

  /**
   * The standard-tags webhook ({@code /injecttags}): {@code DD_ENV}, {@code DD_SERVICE}, {@code DD_VERSION} from
   * the pod's labels or its owning workload's; a copy of {@code pod}, changed only when {@link #selects
   * selected}.
   */
  public ObjectNode injectTags(JsonNode pod, String namespace, Lookup owners) {
    ObjectNode result = pod.deepCopy();
    if (!selects(pod, namespace)) {
      return result;
    }
    List<EnvVar> inject = new ArrayList<>();
    standardTags(pod, namespace, owners).forEach((name, value) -> inject.add(EnvVar.of(name, value)));
    if (!inject.isEmpty()) {
      edit(result.withObjectProperty("spec"), inject, false);
    }
    return result;
  }

  /** The config injection, and the tags too when {@code owners} is given. */
  private ObjectNode inject(JsonNode pod, String namespace, boolean tags, @Nullable Lookup owners) {
    ObjectNode result = pod.deepCopy();
    if (!selects(pod, namespace)) {
      return result;
    }
    List<EnvVar> inject = new ArrayList<>();
    String mode = pod.path("metadata").path("labels").path(MODE_LABEL).asText(config.defaultMode());
    boolean socket = false;
    switch (mode) {
      case "hostip":
        inject.add(EnvVar.fieldRef("DD_AGENT_HOST", "status.hostIP"));
        break;
      case "service":
        inject.add(EnvVar.of("DD_AGENT_HOST", config.serviceHost()));
        break;
      case "socket":
        inject.add(EnvVar.of("DD_TRACE_AGENT_URL", "unix://" + SOCKET_PATH + "/apm.socket"));
        inject.add(EnvVar.of("DD_DOGSTATSD_URL", "unix://" + SOCKET_PATH + "/dsd.socket"));
        socket = true;
        break;
      default:
        break;
    }
    inject.add(EnvVar.fieldRef("DD_ENTITY_ID", "metadata.uid"));
    if (tags && owners != null) {
      standardTags(pod, namespace, owners).forEach((name, value) -> inject.add(EnvVar.of(name, value)));
    }
    edit(result.withObjectProperty("spec"), inject, socket);
    return result;
  }

  /** Prepends {@code inject} to every container and init container, and mounts the socket volume if asked. */
  private static void edit(ObjectNode spec, List<EnvVar> inject, boolean socket) {
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : spec.path(list)) {
        if (container instanceof ObjectNode object) {
          prependEnv(object, inject);
          if (socket) {
            mount(object);
          }
        }
      }
    }
    if (socket) {
      addVolume(spec);
    }
  }

  /** The tag variables from the pod's labels or, when it has none, from its owning workload's. */
  private static Map<String, String> standardTags(JsonNode pod, String namespace, Lookup owners) {
    Map<String, String> tags = tagsOf(pod.path("metadata").path("labels"));
    if (!tags.isEmpty()) {
      return tags;
    }
    return owner(pod.path("metadata"), namespace, owners)
        .map(workload -> tagsOf(workload.metadata().path("labels")))
        .orElse(Map.of());
  }

  /**
   * The workload that owns the pod: its controller, and for a ReplicaSet the Deployment that owns the
   * ReplicaSet (the labels users set are on the Deployment).
   */
  private static Optional<Resource> owner(JsonNode metadata, String namespace, Lookup owners) {
    Optional<Resource> direct = controller(metadata).flatMap(ref -> owners.get(key(ref, namespace)));
    if (direct.isPresent() && direct.get().kind().equals("ReplicaSet")) {
      Optional<Resource> deployment = controller(direct.get().metadata())
          .filter(ref -> ref.path("kind").asText().equals("Deployment"))
          .flatMap(ref -> owners.get(key(ref, namespace)));
      if (deployment.isPresent()) {
        return deployment;
      }
    }
    return direct;
  }

  private static Optional<JsonNode> controller(JsonNode metadata) {
    JsonNode first = null;
    for (JsonNode ref : metadata.path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        return Optional.of(ref);
      }
      if (first == null) {
        first = ref;
      }
    }
    return Optional.ofNullable(first);
  }

  private static ResourceKey key(JsonNode ref, String namespace) {
    String apiVersion = ref.path("apiVersion").asText();
    int slash = apiVersion.indexOf('/');
    return ResourceKey.namespaced(slash < 0 ? "" : apiVersion.substring(0, slash), ref.path("kind").asText(), namespace,
        ref.path("name").asText());
  }

  private static Map<String, String> tagsOf(JsonNode labels) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String[] tag : STANDARD_TAGS) {
      JsonNode value = labels.path(tag[0]);
      if (value.isTextual()) {
        tags.put(tag[1], value.asText());
      }
    }
    return tags;
  }

  private static void prependEnv(ObjectNode container, List<EnvVar> inject) {
    JsonNode existing = container.path("env");
    java.util.Set<String> present = new java.util.HashSet<>();
    existing.forEach(var -> present.add(var.path("name").asText()));
    ArrayNode env = Json.array();
    for (EnvVar var : inject) {
      if (present.add(var.name())) {
        env.add(var.toJson());
      }
    }
    existing.forEach(var -> env.add(var.deepCopy()));
    container.set("env", env);
  }

  private static void mount(ObjectNode container) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(SOCKET_VOLUME) || mount.path("mountPath").asText().equals(SOCKET_PATH)) {
        return;
      }
    }
    container.withArrayProperty("volumeMounts").addObject().put("name", SOCKET_VOLUME).put("mountPath", SOCKET_PATH).put("readOnly", true);
  }

  private static void addVolume(ObjectNode spec) {
    for (JsonNode volume : spec.path("volumes")) {
      if (volume.path("name").asText().equals(SOCKET_VOLUME)) {
        return;
      }
    }
    spec.withArrayProperty("volumes").addObject().put("name", SOCKET_VOLUME)
        .putObject("hostPath").put("path", SOCKET_PATH).put("type", "DirectoryOrCreate");
  }
}
