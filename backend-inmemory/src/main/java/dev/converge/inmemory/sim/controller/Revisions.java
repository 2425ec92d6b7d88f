package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Revision hashes and ControllerRevisions ({@code controller.ComputeHash}, {@code daemon/update.go}
 * {@code snapshot}/{@code Match}). The hash is FNV-32a over a canonical rendering of the pod template (keys
 * sorted, so the order in which fields were written does not matter) and the collision count, encoded with
 * {@code rand.SafeEncodeString} as Kubernetes does — the same form ({@code 5d4b9c8f7}), not the same digits,
 * since Kubernetes hashes the Go struct dump.
 */
final class Revisions {
  /** {@code apps.DefaultDaemonSetUniqueLabelKey} / {@code ControllerRevisionHashLabelKey}. */
  static final String HASH_LABEL = "controller-revision-hash";
  /** {@code apps.DefaultDeploymentUniqueLabelKey}. */
  static final String POD_TEMPLATE_HASH = "pod-template-hash";
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private Revisions() {}

  /** {@code ComputeHash(template, collisionCount)}. */
  static String hash(JsonNode template, long collisionCount) {
    StringBuilder text = new StringBuilder(512);
    canonical(template, text);
    if (collisionCount > 0) {
      text.append(collisionCount);
    }
    int h = 0x811c9dc5;
    for (byte b : text.toString().getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return safeEncode(Integer.toUnsignedString(h));
  }

  /** {@code rand.SafeEncodeString}: each byte mapped onto consonants and digits that cannot spell words. */
  static String safeEncode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      out.append(ALPHANUMS.charAt(text.charAt(i) % ALPHANUMS.length()));
    }
    return out.toString();
  }

  private static void canonical(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      Iterator<String> it = node.fieldNames();
      it.forEachRemaining(names::add);
      Collections.sort(names);
      out.append('{');
      for (String name : names) {
        out.append(name).append(':');
        canonical(node.get(name), out);
        out.append(',');
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (JsonNode element : node) {
        canonical(element, out);
        out.append(',');
      }
      out.append(']');
    } else {
      out.append(node.toString());
    }
  }

  /**
   * The ControllerRevision of {@code owner}'s template ({@code snapshot}): named {@code <owner>-<hash>},
   * labelled with the template's labels and the hash, owned by {@code owner}, its data the strategic merge
   * patch that restores the template.
   */
  static Resource controllerRevision(Resource owner, String hash, long revision) {
    JsonNode template = owner.spec().path("template");
    ObjectNode root = Json.object();
    root.put("apiVersion", "apps/v1");
    root.put("kind", "ControllerRevision");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", owner.name() + "-" + hash);
    metadata.put("namespace", owner.namespace());
    ObjectNode labels = metadata.putObject("labels");
    for (Map.Entry<String, JsonNode> label : template.path("metadata").path("labels").properties()) {
      labels.set(label.getKey(), label.getValue());
    }
    labels.put(HASH_LABEL, hash);
    if (!owner.annotations().isEmpty()) {
      ObjectNode annotations = metadata.putObject("annotations");
      owner.annotations().forEach(annotations::put);
    }
    metadata.putArray("ownerReferences").add(controllerRef(owner));
    ObjectNode data = root.putObject("data");
    ObjectNode patched = template.deepCopy();
    patched.put("$patch", "replace");
    data.putObject("spec").set("template", patched);
    root.put("revision", revision);
    return Resource.of(root);
  }

  /** {@code Match}: whether {@code history} holds {@code owner}'s current template. */
  static boolean matches(Resource owner, Resource history) {
    JsonNode stored = history.json().path("data").path("spec").path("template");
    if (!stored.isObject()) {
      return false;
    }
    ObjectNode withoutDirective = stored.deepCopy();
    withoutDirective.remove("$patch");
    return withoutDirective.equals(owner.spec().path("template"));
  }

  /** {@code metav1.NewControllerRef}. */
  static ObjectNode controllerRef(Resource owner) {
    ObjectNode ref = Json.object();
    ref.put("apiVersion", owner.apiVersion());
    ref.put("kind", owner.kind());
    ref.put("name", owner.name());
    ref.put("uid", owner.uid() == null ? "" : owner.uid());
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    return ref;
  }
}
