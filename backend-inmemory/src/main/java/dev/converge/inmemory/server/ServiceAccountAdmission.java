package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.ResourceType;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.store.ObjectStore;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * kube-apiserver's {@code ServiceAccount} admission plugin ({@code plugin/pkg/admission/serviceaccount}), which every
 * cluster enables, on the creation of a pod:
 *
 * <ul>
 *   <li>a pod that names no service account gets {@code default};
 *   <li>the service account must exist in the pod's namespace, else the pod is refused with a 403 ({@code pods "web"
 *       is forbidden: error looking up service account ns/sa: serviceaccount "sa" not found}; a pod created by
 *       {@code generateName} is named by its prefix there, as the plugin runs before the name is drawn);
 *   <li>unless {@code automountServiceAccountToken} is false on the pod, or on the service account when the pod does
 *       not say, every init and regular container that has nothing mounted at {@value #MOUNT_PATH} mounts the
 *       projected volume {@code kube-api-access-<5 random characters>} there, read-only: a bound token for the
 *       service account ({@code expirationSeconds} 3607), the {@code ca.crt} of the {@code kube-root-ca.crt}
 *       ConfigMap and the pod's namespace. An existing {@code kube-api-access-*} volume is reused;
 *   <li>a pod without {@code imagePullSecrets} gets its service account's;
 *   <li>a mirror pod (annotation {@value #MIRROR_ANNOTATION}) is not changed, and may reference no service account
 *       and no Secret.
 * </ul>
 *
 * <p>It runs after NamespaceLifecycle and before the mutating webhooks, as kube-apiserver orders its plugins, so a
 * webhook sees the token volume. The field manager has run before it: what it adds is owned by no manager.
 */
final class ServiceAccountAdmission {
  static final GroupKind SERVICE_ACCOUNT = GroupKind.of("", "ServiceAccount");
  /** {@code DefaultServiceAccountName}. */
  static final String DEFAULT_ACCOUNT = "default";
  /** {@code DefaultAPITokenMountPath}. */
  static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  /** {@code ServiceAccountVolumeName} and the dash {@code generateName} adds. */
  static final String VOLUME_PREFIX = "kube-api-access-";
  /** {@code serviceaccount.WarnOnlyBoundTokenExpirationSeconds}: 1 h 7 s, which the server may extend. */
  static final int TOKEN_EXPIRATION_SECONDS = 3607;
  /** The ConfigMap every namespace holds with the cluster's CA ({@code RootCACertConfigMapName}). */
  static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
  /** {@code api.MirrorPodAnnotationKey}. */
  static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

  private final ObjectStore store;
  private final Supplier<String> suffix;

  ServiceAccountAdmission(ObjectStore store, Supplier<String> suffix) {
    this.store = store;
    this.suffix = suffix;
  }

  /**
   * Admits the mutable pod {@code root} of a create, named {@code shownName} in a refusal.
   *
   * @throws dev.converge.api.backend.BackendException.Forbidden if its service account does not exist, or it is a
   *     mirror pod that references one or a Secret
   */
  void admit(ResourceType type, ObjectNode root, String shownName) {
    if (root.path("metadata").path("annotations").has(MIRROR_ANNOTATION)) {
      String problem = mirrorProblem(root.path("spec"));
      if (problem != null) {
        throw Errors.forbidden(type, shownName, problem);
      }
      return;
    }
    ObjectNode spec = Trees.object(root, "spec");
    String name = spec.path("serviceAccountName").asText("");
    if (name.isEmpty()) {
      name = DEFAULT_ACCOUNT;
      spec.put("serviceAccountName", name);
      spec.put("serviceAccount", name); // the deprecated alias the v1 conversion writes
    }
    String namespace = root.path("metadata").path("namespace").asText("");
    Resource account = store.get(SERVICE_ACCOUNT, namespace, name);
    if (account == null) {
      throw Errors.forbidden(type, shownName, "error looking up service account " + namespace + "/" + name
          + ": serviceaccount \"" + name + "\" not found");
    }
    JsonNode podSays = spec.get("automountServiceAccountToken");
    JsonNode accountSays = account.json().get("automountServiceAccountToken");
    boolean automount = podSays != null && podSays.isBoolean() ? podSays.booleanValue()
        : accountSays == null || !accountSays.isBoolean() || accountSays.booleanValue();
    if (automount) {
      mountToken(spec);
    }
    JsonNode pullSecrets = account.json().path("imagePullSecrets");
    if (spec.path("imagePullSecrets").isEmpty() && !pullSecrets.isEmpty()) {
      ArrayNode copied = spec.putArray("imagePullSecrets");
      for (JsonNode secret : pullSecrets) {
        copied.addObject().put("name", secret.path("name").asText(""));
      }
    }
  }

  /** {@code mountServiceAccountToken}. */
  private void mountToken(ObjectNode spec) {
    String volumeName = null;
    for (JsonNode volume : spec.path("volumes")) {
      if (volume.path("name").asText("").startsWith(VOLUME_PREFIX)) {
        volumeName = volume.path("name").asText();
        break;
      }
    }
    boolean hasVolume = volumeName != null;
    if (volumeName == null) {
      volumeName = VOLUME_PREFIX + suffix.get();
    }
    boolean needed = false;
    for (String list : new String[] {"initContainers", "containers"}) {
      ArrayNode containers = Trees.existingArray(spec, list);
      for (int i = 0; containers != null && i < containers.size(); i++) {
        ObjectNode container = Trees.element(containers, i);
        if (container == null || mountsTokenPath(container)) {
          continue;
        }
        ArrayNode mounts = Trees.existingArray(container, "volumeMounts");
        if (mounts == null) {
          mounts = container.putArray("volumeMounts");
        }
        mounts.addObject().put("name", volumeName).put("readOnly", true).put("mountPath", MOUNT_PATH);
        needed = true;
      }
    }
    if (!hasVolume && needed) {
      ArrayNode volumes = Trees.existingArray(spec, "volumes");
      if (volumes == null) {
        volumes = spec.putArray("volumes");
      }
      tokenVolume(volumes.addObject(), volumeName);
    }
  }

  private static boolean mountsTokenPath(JsonNode container) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText("").equals(MOUNT_PATH)) {
        return true;
      }
    }
    return false;
  }

  /** {@code TokenVolumeSource()}, with the default mode set explicitly as the plugin sets it (kubernetes#104464). */
  private static void tokenVolume(ObjectNode volume, String name) {
    volume.put("name", name);
    ObjectNode projected = volume.putObject("projected");
    ArrayNode sources = projected.putArray("sources");
    sources.addObject().putObject("serviceAccountToken")
        .put("expirationSeconds", TOKEN_EXPIRATION_SECONDS).put("path", "token");
    ObjectNode configMap = sources.addObject().putObject("configMap");
    configMap.put("name", ROOT_CA_CONFIG_MAP);
    configMap.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
    sources.addObject().putObject("downwardAPI").putArray("items").addObject().put("path", "namespace")
        .putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
    projected.put("defaultMode", 420);
  }

  /** What a mirror pod may not reference ({@code Validate} for mirror pods), or null. */
  private static @Nullable String mirrorProblem(JsonNode spec) {
    if (!spec.path("serviceAccountName").asText("").isEmpty()) {
      return "a mirror pod may not reference service accounts";
    }
    for (JsonNode volume : spec.path("volumes")) {
      if (volume.has("secret")) {
        return "a mirror pod may not reference secrets";
      }
      for (JsonNode source : volume.path("projected").path("sources")) {
        if (source.has("secret")) {
          return "a mirror pod may not reference secrets";
        }
        if (source.has("serviceAccountToken")) {
          return "a mirror pod may not use ServiceAccountToken volume projections";
        }
      }
    }
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (JsonNode container : spec.path(list)) {
        for (JsonNode from : container.path("envFrom")) {
          if (from.has("secretRef")) {
            return "a mirror pod may not reference secrets";
          }
        }
        for (JsonNode env : container.path("env")) {
          if (env.path("valueFrom").has("secretKeyRef")) {
            return "a mirror pod may not reference secrets";
          }
        }
      }
    }
    return null;
  }
}
