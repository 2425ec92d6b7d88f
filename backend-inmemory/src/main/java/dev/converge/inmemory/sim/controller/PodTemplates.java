package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.Map;

/**
 * {@code controller.GetPodFromTemplate}, which the ReplicaSet, DaemonSet and StatefulSet controllers share: a pod
 * named {@code name} in the owner's namespace, with the template's labels and annotations, controlled by the owner.
 * The caller adds its own labels and sets the spec.
 */
final class PodTemplates {
  private PodTemplates() {}

  /** The pod's root; its {@code metadata.labels} is a mutable object the caller may add to. */
  static ObjectNode pod(Resource owner, JsonNode template, String name) {
    return pod(root("Pod", owner, name, template.path("metadata").path("labels")), owner, template);
  }

  /**
   * A pod the API server names: {@link #pod} with {@code metadata.generateName} {@code <owner>-} ({@code
   * getPodsPrefix}) instead of a name, as the ReplicaSet and DaemonSet controllers create theirs.
   */
  static ObjectNode generatedPod(Resource owner, JsonNode template) {
    return pod(root("Pod", owner, "generateName", generateName(owner), template.path("metadata").path("labels")),
        owner, template);
  }

  /** {@code getPodsPrefix}: the owner's name and a dash, to which the API server adds five random characters. */
  static String generateName(Resource owner) {
    return owner.name() + "-";
  }

  private static ObjectNode pod(ObjectNode root, Resource owner, JsonNode template) {
    ObjectNode metadata = (ObjectNode) root.get("metadata");
    JsonNode annotations = template.path("metadata").path("annotations");
    if (annotations.isObject() && !annotations.isEmpty()) {
      metadata.set("annotations", annotations);
    }
    metadata.putArray("ownerReferences").add(Revisions.controllerRef(owner));
    return root;
  }

  /**
   * A core ({@code v1}) object of {@code kind} named {@code name} in {@code owner}'s namespace, labelled with every
   * label of {@code labelSources}, later ones winning.
   */
  static ObjectNode root(String kind, Resource owner, String name, JsonNode... labelSources) {
    return root(kind, owner, "name", name, labelSources);
  }

  /** {@link #root(String, Resource, String, JsonNode...)} named by {@code nameField}: name or generateName. */
  private static ObjectNode root(String kind, Resource owner, String nameField, String name, JsonNode... labelSources) {
    ObjectNode root = Json.object();
    root.put("apiVersion", "v1");
    root.put("kind", kind);
    ObjectNode metadata = root.putObject("metadata");
    metadata.put(nameField, name);
    metadata.put("namespace", owner.namespace());
    ObjectNode labels = metadata.putObject("labels");
    for (JsonNode source : labelSources) {
      for (Map.Entry<String, JsonNode> label : source.properties()) {
        labels.set(label.getKey(), label.getValue());
      }
    }
    return root;
  }

  /** The labels of a root {@link #pod} or {@link #root} made. */
  static ObjectNode labels(ObjectNode pod) {
    return (ObjectNode) pod.get("metadata").get("labels");
  }
}
