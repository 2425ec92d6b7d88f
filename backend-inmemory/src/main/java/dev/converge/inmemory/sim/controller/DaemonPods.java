package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.sim.scheduling.Toleration;

/**
 * The pods the DaemonSet controller creates ({@code util.CreatePodTemplate},
 * {@code util.ReplaceDaemonSetPodNodeNameNodeAffinity}, {@code podControl.CreatePods}): the template with the
 * revision hash label, the default DaemonSet tolerations, and a required node affinity
 * {@code matchFields metadata.name In [<node>]} instead of a node name, so that the scheduler binds it; owned by
 * the DaemonSet.
 */
final class DaemonPods {
  private DaemonPods() {}

  static ObjectNode pod(DaemonSetView view, String node, String hash) {
    Resource ds = view.ds;
    JsonNode template = ds.spec().path("template");
    ObjectNode root = PodTemplates.generatedPod(ds, template);
    ObjectNode labels = PodTemplates.labels(root);
    String generation = ds.annotations().get("deprecated.daemonset.template.generation");
    if (generation != null) {
      labels.put("pod-template-generation", generation);
    }
    labels.put(Revisions.HASH_LABEL, hash);
    ObjectNode spec = Trees.shallowCopy(template.path("spec"));
    ArrayNode tolerations = Trees.existingArray(spec, "tolerations");
    if (tolerations == null) {
      tolerations = spec.putArray("tolerations");
    }
    for (Toleration extra : DaemonSetView.defaultTolerations(spec.path("hostNetwork").asBoolean(false))) {
      if (!contains(tolerations, extra)) {
        ObjectNode t = tolerations.addObject();
        t.put("key", extra.key());
        t.put("operator", extra.operator());
        t.put("effect", extra.effect());
      }
    }
    ObjectNode nodeAffinity = Trees.object(Trees.object(spec, "affinity"), "nodeAffinity");
    ObjectNode required = Json.object();
    ObjectNode field = required.putArray("nodeSelectorTerms").addObject().putArray("matchFields").addObject();
    field.put("key", "metadata.name");
    field.put("operator", "In");
    field.putArray("values").add(node);
    nodeAffinity.set("requiredDuringSchedulingIgnoredDuringExecution", required);
    root.set("spec", spec);
    return root;
  }

  private static boolean contains(ArrayNode tolerations, Toleration wanted) {
    for (JsonNode t : tolerations) {
      if (t.path("key").asText("").equals(wanted.key()) && t.path("effect").asText("").equals(wanted.effect())
          && t.path("operator").asText("Equal").equals(wanted.operator())) {
        return true;
      }
    }
    return false;
  }
}
