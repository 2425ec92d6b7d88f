package dev.converge.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Conditions;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.GroupKind;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.Json;
import dev.converge.api.Outcome;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.StatusContext;
import java.util.function.Predicate;

/**
 * A small reconciler for loop and driver tests: an {@code example.dev/App} owns a ServiceAccount, a ConfigMap
 * (with a random token generated once and kept), a Deployment running {@code spec.image}, a Service (unless
 * {@code spec.service: false}) and a cluster-scoped ClusterRole ({@code spec.brokenDependency: true} makes it depend
 * on an object outside the graph, which the graph builder rejects). Its status has a {@code Ready} condition and
 * the Deployment's available replicas.
 */
public final class AppReconciler implements Reconciler<AppReconciler.App> {
  public static final GroupKind KIND = GroupKind.of("example.dev", "App");

  /** The typed primary. */
  public record App(String namespace, String name, String image, boolean service) {}

  public static Resource app(String namespace, String name, String image) {
    ObjectNode tree = Json.object().put("apiVersion", "example.dev/v1").put("kind", "App");
    tree.putObject("metadata").put("name", name).put("namespace", namespace);
    ObjectNode spec = tree.putObject("spec");
    if (image != null) {
      spec.put("image", image);
    }
    return Resource.of(tree);
  }

  public static ResourceKey key(String namespace, String name) {
    return ResourceKey.of(KIND, namespace, name);
  }

  private final Predicate<Resource> manages;

  /** Manages every App. */
  public AppReconciler() {
    this(primary -> true);
  }

  private AppReconciler(Predicate<Resource> manages) {
    this.manages = manages;
  }

  /** Manages only the Apps {@code manages} accepts. */
  public static AppReconciler managing(Predicate<Resource> manages) {
    return new AppReconciler(manages);
  }

  @Override
  public boolean manages(Resource primary) {
    return manages.test(primary);
  }

  @Override
  public GroupKind primaryKind() {
    return KIND;
  }

  @Override
  public ImmutableSet<GroupKind> ownedKinds() {
    return ImmutableSet.of(GroupKind.of("", "ServiceAccount"), GroupKind.of("", "ConfigMap"), GroupKind.of("apps", "Deployment"),
        GroupKind.of("", "Service"), GroupKind.of("rbac.authorization.k8s.io", "ClusterRole"));
  }

  @Override
  public App decode(Resource primary) {
    JsonNode image = primary.spec().path("image");
    if (!image.isTextual() || image.asText().isEmpty()) {
      throw new InvalidSpecException("spec.image", "spec.image is required");
    }
    return new App(primary.namespace(), primary.name(), image.asText(), primary.spec().path("service").asBoolean(true));
  }

  @Override
  public DesiredGraph desired(App app, Context context) {
    ResourceKey configKey = ResourceKey.namespaced("", "ConfigMap", app.namespace(), app.name() + "-config");
    String token = context.observed().get(configKey)
        .map(live -> live.json().path("data").path("token").asText())
        .filter(t -> !t.isEmpty())
        .orElseGet(() -> Long.toHexString(context.random().nextLong()));
    DesiredGraph.Builder graph = DesiredGraph.builder().owner(context.primary());
    graph.add(TestResources.serviceAccount(app.namespace(), app.name()));
    graph.add(TestResources.object("v1", "ConfigMap", app.namespace(), app.name() + "-config", "data",
        Json.object().put("token", token)));
    graph.add(TestResources.deployment(app.namespace(), app.name(), app.image()));
    if (app.service()) {
      graph.add(TestResources.service(app.namespace(), app.name()));
    }
    DesiredResource role = DesiredResource.of(TestResources.clusterRole(app.namespace() + "-" + app.name() + "-reader"));
    if (context.primary().spec().path("brokenDependency").asBoolean(false)) {
      role = role.dependsOn(ResourceKey.cluster("", "Namespace", "nowhere"));
    }
    graph.add(role);
    return graph.build();
  }

  @Override
  public ObjectNode status(StatusContext<App> context) {
    Outcome outcome = context.outcome();
    String status = outcome instanceof Outcome.Converged ? "True" : "False";
    String reason;
    String message;
    if (outcome instanceof Outcome.Invalid invalid) {
      reason = "InvalidSpec";
      message = invalid.message();
    } else if (outcome instanceof Outcome.Failed failed) {
      reason = "Failed";
      message = String.join("; ", failed.errors());
    } else if (outcome instanceof Outcome.Progressing progressing) {
      reason = "Progressing";
      message = String.join("; ", progressing.waitingFor());
    } else {
      reason = "Converged";
      message = "";
    }
    ObjectNode result = Json.object();
    result.set("conditions", Conditions.set(context.primary().status().path("conditions"), "Ready", status, reason, message,
        context.now()));
    context.decoded().ifPresent(app -> context.live()
        .get(ResourceKey.namespaced("apps", "Deployment", app.namespace(), app.name()))
        .ifPresent(deployment -> result.put("availableReplicas", deployment.status().path("availableReplicas").asInt(0))));
    return result;
  }
}
