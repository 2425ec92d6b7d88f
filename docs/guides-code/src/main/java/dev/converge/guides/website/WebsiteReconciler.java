package dev.converge.guides.website;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Conditions;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.Json;
import dev.converge.api.Outcome;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.StatusContext;
import java.util.Optional;

/**
 * The Website operator's logic, and all of it: {@link #decode} reads and checks the custom resource, {@link
 * #desired} says which objects a Website wants, {@link #status} reports how they are doing. Three pure
 * functions: no I/O, no clock, no threads. The engine observes, plans, orders, applies, prunes, retries,
 * writes status only when it changed, and cleans up when the Website is deleted.
 */
public final class WebsiteReconciler implements Reconciler<Website> {
  // guide: begin kinds
  private static final ImmutableSet<GroupKind> OWNED = ImmutableSet.of(
      GroupKind.of("", "ServiceAccount"),
      GroupKind.of("", "ConfigMap"),
      GroupKind.of("apps", "Deployment"),
      GroupKind.of("", "Service"));

  @Override
  public GroupKind primaryKind() {
    return WebsiteCrd.KIND;
  }

  @Override
  public ImmutableSet<GroupKind> ownedKinds() {
    return OWNED; // watched for drift, and pruned when no longer desired
  }
  // guide: end kinds

  // guide: begin decode
  @Override
  public Website decode(Resource primary) {
    JsonNode spec = primary.spec();
    String image = spec.path("image").asText("");
    if (image.isBlank()) {
      throw new InvalidSpecException("spec.image", "spec.image is required");
    }
    int replicas = spec.path("replicas").asInt(1);
    if (replicas < 0) {
      throw new InvalidSpecException("spec.replicas", "spec.replicas must not be negative, got " + replicas);
    }
    String index = spec.path("index").asText(Website.DEFAULT_INDEX);
    return new Website(primary.namespace(), primary.name(), image, replicas, index);
  }
  // guide: end decode

  // guide: begin desired
  @Override
  public DesiredGraph desired(Website site, Context context) {
    return DesiredGraph.builder()
        .owner(context.primary()) // ownership label, annotation and owner reference on everything below
        .add(serviceAccount(site))
        .add(content(site))
        .add(deployment(site))
        .add(service(site))
        .build();
  }
  // guide: end desired

  // guide: begin status
  @Override
  public ObjectNode status(StatusContext<Website> context) {
    Optional<Website> site = context.decoded();
    long available = site.flatMap(s -> context.live().get(deploymentKey(s)))
        .map(deployment -> deployment.status().path("availableReplicas").asLong(0))
        .orElse(0L);
    String reason;
    String message;
    Outcome outcome = context.outcome();
    if (outcome instanceof Outcome.Invalid invalid) {
      reason = "InvalidSpec";
      message = invalid.message();
    } else if (outcome instanceof Outcome.Failed failed) {
      reason = "ReconcileFailed";
      message = String.join("; ", failed.errors());
    } else if (site.isPresent() && available < site.get().replicas()) {
      reason = "Unavailable";
      message = available + "/" + site.get().replicas() + " replicas available";
    } else {
      reason = "Available";
      message = "";
    }
    ObjectNode status = Json.object();
    status.put("observedGeneration", context.primary().generation());
    status.put("availableReplicas", available);
    status.set("conditions", Conditions.set(context.primary().status().path("conditions"), "Ready",
        reason.equals("Available") ? "True" : "False", reason, message, context.now()));
    return status;
  }
  // guide: end status

  static ResourceKey deploymentKey(Website site) {
    return ResourceKey.namespaced("apps", "Deployment", site.namespace(), site.name());
  }

  private static ObjectNode labels(Website site) {
    return Json.object().put("app.kubernetes.io/name", "website").put("app.kubernetes.io/instance", site.name());
  }

  private static ObjectNode root(String apiVersion, String kind, Website site, String name) {
    ObjectNode tree = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    tree.putObject("metadata").put("name", name).put("namespace", site.namespace()).set("labels", labels(site));
    return tree;
  }

  private static Resource serviceAccount(Website site) {
    return Resource.of(root("v1", "ServiceAccount", site, site.name()));
  }

  private static Resource content(Website site) {
    ObjectNode tree = root("v1", "ConfigMap", site, site.name() + "-content");
    tree.putObject("data").put("index.html", site.index());
    return Resource.of(tree);
  }

  // guide: begin deployment
  private static Resource deployment(Website site) {
    ObjectNode tree = root("apps/v1", "Deployment", site, site.name());
    ObjectNode spec = tree.putObject("spec").put("replicas", site.replicas());
    spec.putObject("selector").set("matchLabels", labels(site));
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").set("labels", labels(site));
    ObjectNode pod = template.putObject("spec").put("serviceAccountName", site.name());
    ObjectNode web = pod.putArray("containers").addObject().put("name", "web").put("image", site.image());
    web.putArray("ports").addObject().put("containerPort", 80).put("protocol", "TCP");
    web.putArray("volumeMounts").addObject().put("name", "content").put("mountPath", "/usr/share/nginx/html");
    pod.putArray("volumes").addObject().put("name", "content")
        .putObject("configMap").put("name", site.name() + "-content");
    return Resource.of(tree);
  }
  // guide: end deployment

  private static Resource service(Website site) {
    ObjectNode tree = root("v1", "Service", site, site.name());
    ObjectNode spec = tree.putObject("spec");
    spec.set("selector", labels(site));
    spec.putArray("ports").addObject().put("name", "http").put("port", 80).put("protocol", "TCP").put("targetPort", 80);
    return Resource.of(tree);
  }
}
