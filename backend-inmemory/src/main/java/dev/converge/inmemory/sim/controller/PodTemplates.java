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
    ObjectNode root = root("Pod", owner, name, template.path("metadata").path("labels"));
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
    ObjectNode root = Json.object();
    root.put("apiVersion", "v1");
    root.put("kind", kind);
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", name);
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
