package dev.converge.inmemory.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.inmemory.json.Trees;
import org.jspecify.annotations.Nullable;

/**
 * Defaults of a pod spec, wherever it appears (a Pod, a workload's template), from
 * {@code pkg/apis/core/v1/defaults.go}: {@code SetDefaults_PodSpec}, {@code SetDefaults_Container},
 * {@code SetDefaults_ContainerPort}, {@code SetDefaults_ObjectFieldSelector}, {@code SetDefaults_Probe},
 * {@code SetDefaults_SecretVolumeSource}/{@code ConfigMapVolumeSource} and the {@code resources: {}} and
 * {@code securityContext: {}} that the API returns for empty structs; and the v1 conversion's alias of
 * {@code serviceAccountName}, the deprecated {@code serviceAccount}: read when the name is not given, and written back
 * as the name ({@code Convert_v1_PodSpec_To_core_PodSpec} and back).
 */
public final class PodSpecDefaults {
  /** {@code corev1.TerminationMessagePathDefault}. */
  public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  /** {@code corev1.DefaultTerminationGracePeriodSeconds}. */
  public static final int TERMINATION_GRACE_PERIOD_SECONDS = 30;

  private PodSpecDefaults() {}

  /** Fills in the defaults of {@code spec} (a mutable pod spec) in place. */
  public static void apply(ObjectNode spec) {
    Trees.putIfAbsent(spec, "restartPolicy", "Always");
    Trees.putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    Trees.putIfAbsent(spec, "schedulerName", "default-scheduler");
    Trees.putIfAbsent(spec, "terminationGracePeriodSeconds", TERMINATION_GRACE_PERIOD_SECONDS);
    serviceAccountAlias(spec);
    if (Trees.absent(spec, "securityContext")) {
      spec.putObject("securityContext");
    }
    containers(Trees.existingArray(spec, "containers"));
    containers(Trees.existingArray(spec, "initContainers"));
    ArrayNode volumes = Trees.existingArray(spec, "volumes");
    if (volumes != null) {
      for (int i = 0; i < volumes.size(); i++) {
        ObjectNode volume = Trees.element(volumes, i);
        if (volume != null) {
          volume(volume);
        }
      }
    }
  }

  private static void serviceAccountAlias(ObjectNode spec) {
    String name = spec.path("serviceAccountName").asText("");
    if (name.isEmpty()) {
      name = spec.path("serviceAccount").asText("");
      if (!name.isEmpty()) {
        spec.put("serviceAccountName", name);
      }
    }
    if (name.isEmpty()) {
      spec.remove("serviceAccount");
    } else if (!spec.path("serviceAccount").asText("").equals(name)) {
      spec.put("serviceAccount", name);
    }
  }

  private static void containers(@Nullable ArrayNode containers) {
    if (containers == null) {
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      ObjectNode container = Trees.element(containers, i);
      if (container != null) {
        container(container);
      }
    }
  }

  /** {@code SetDefaults_Container} and the defaults of a container's ports, env and probes. */
  static void container(ObjectNode container) {
    if (Trees.absent(container, "imagePullPolicy")) {
      container.put("imagePullPolicy", pullPolicy(container.path("image").asText("")));
    }
    Trees.putIfAbsent(container, "terminationMessagePath", TERMINATION_MESSAGE_PATH);
    Trees.putIfAbsent(container, "terminationMessagePolicy", "File");
    if (Trees.absent(container, "resources")) {
      container.putObject("resources");
    }
    Trees.forEachObject(container, "ports", port -> Trees.putIfAbsent(port, "protocol", "TCP"));
    ArrayNode env = Trees.existingArray(container, "env");
    if (env != null) {
      for (int i = 0; i < env.size(); i++) {
        JsonNode fieldRef = env.get(i).path("valueFrom").path("fieldRef");
        if (fieldRef.isObject() && Trees.absent(fieldRef, "apiVersion")) {
          ObjectNode var = Trees.element(env, i);
          Trees.object(Trees.object(var, "valueFrom"), "fieldRef").put("apiVersion", "v1");
        }
      }
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      ObjectNode node = Trees.existingObject(container, probe);
      if (node != null) {
        probe(node);
      }
    }
  }

  /**
   * {@code SetDefaults_Container}: {@code Always} when the image has no tag or the tag {@code latest}, else
   * {@code IfNotPresent}. A digest ({@code @sha256:…}) counts as a tag.
   */
  public static String pullPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon <= slash) {
      return "Always";
    }
    return image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
  }

  /** {@code SetDefaults_Probe}; an HTTP probe's scheme defaults to HTTP ({@code SetDefaults_HTTPGetAction}). */
  private static void probe(ObjectNode probe) {
    Trees.putIfAbsent(probe, "timeoutSeconds", 1);
    Trees.putIfAbsent(probe, "periodSeconds", 10);
    Trees.putIfAbsent(probe, "successThreshold", 1);
    Trees.putIfAbsent(probe, "failureThreshold", 3);
    ObjectNode httpGet = Trees.existingObject(probe, "httpGet");
    if (httpGet != null) {
      Trees.putIfAbsent(httpGet, "path", "/");
      Trees.putIfAbsent(httpGet, "scheme", "HTTP");
    }
  }

  /** Secret, ConfigMap, projected and downward-API volumes get {@code defaultMode: 420} (0644). */
  private static void volume(ObjectNode volume) {
    for (String source : new String[] {"secret", "configMap", "projected", "downwardAPI"}) {
      ObjectNode node = Trees.existingObject(volume, source);
      if (node != null) {
        Trees.putIfAbsent(node, "defaultMode", 420);
      }
    }
    ObjectNode hostPath = Trees.existingObject(volume, "hostPath");
    if (hostPath != null) {
      Trees.putIfAbsent(hostPath, "type", "");
    }
  }
}
