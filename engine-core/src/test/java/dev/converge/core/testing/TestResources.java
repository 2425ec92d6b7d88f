package dev.converge.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Action;
import dev.converge.api.DeleteReason;
import dev.converge.api.Diff;
import dev.converge.api.Edge;
import dev.converge.api.EdgeRule;
import dev.converge.api.Json;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.Arrays;

/** Small resources and hand-made actions for executor and loop tests. */
public final class TestResources {
  private TestResources() {}

  public static Resource configMap(String namespace, String name) {
    return object("v1", "ConfigMap", namespace, name, "data", Json.object().put("k", "v"));
  }

  public static Resource serviceAccount(String namespace, String name) {
    return object("v1", "ServiceAccount", namespace, name, null, null);
  }

  public static Resource service(String namespace, String name) {
    return object("v1", "Service", namespace, name, "spec", FakeBackend.json("{'ports': [{'port': 80}]}"));
  }

  public static Resource deployment(String namespace, String name, String image) {
    return object("apps/v1", "Deployment", namespace, name, "spec",
        FakeBackend.json("{'replicas': 1, 'template': {'spec': {'containers': [{'name': 'app', 'image': '" + image + "'}]}}}"));
  }

  public static Resource clusterRole(String name) {
    return object("rbac.authorization.k8s.io/v1", "ClusterRole", "", name, "rules", Json.array());
  }

  public static Resource object(String apiVersion, String kind, String namespace, String name, String field, Object value) {
    ObjectNode tree = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode meta = tree.putObject("metadata").put("name", name);
    if (!namespace.isEmpty()) {
      meta.put("namespace", namespace);
    }
    if (field != null) {
      tree.set(field, (com.fasterxml.jackson.databind.JsonNode) value);
    }
    return Resource.of(tree);
  }

  public static Action.Create create(Resource desired, ResourceKey... after) {
    return new Action.Create(desired, ImmutableList.of("not found"), edges(desired.key(), after), ImmutableList.copyOf(after));
  }

  public static Action.Update update(Resource desired, Resource live, ResourceKey... after) {
    return new Action.Update(desired, live, Diff.none(), ImmutableList.of("differs"), edges(desired.key(), after), ImmutableList.copyOf(after));
  }

  public static Action.Delete delete(Resource live, ResourceKey... after) {
    return new Action.Delete(live, DeleteReason.NO_LONGER_DESIRED, Propagation.BACKGROUND,
        ImmutableList.of("no longer desired"), ImmutableList.of(), ImmutableList.copyOf(after));
  }

  public static Action.Replace replace(Resource desired, Resource live) {
    return new Action.Replace(desired, live, Diff.none(), ImmutableList.of("spec.selector"), Propagation.ORPHAN,
        ImmutableList.of("immutable field changed"), ImmutableList.of(), ImmutableList.of());
  }

  /** An action on {@code dependent} ordered after prerequisites that have no action of their own. */
  public static Action.Create createOrderedAfter(Resource desired, ResourceKey... prerequisites) {
    return new Action.Create(desired, ImmutableList.of("not found"), edges(desired.key(), prerequisites), ImmutableList.of());
  }

  private static ImmutableList<Edge> edges(ResourceKey dependent, ResourceKey... prerequisites) {
    return Arrays.stream(prerequisites)
        .map(p -> Edge.of(p, dependent, EdgeRule.EXPLICIT, ""))
        .collect(ImmutableList.toImmutableList());
  }
}
