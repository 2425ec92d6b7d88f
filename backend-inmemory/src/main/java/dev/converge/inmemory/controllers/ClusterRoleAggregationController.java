package dev.converge.inmemory.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The ClusterRole aggregation controller ({@code pkg/controller/clusterroleaggregation}): a ClusterRole with an
 * {@code aggregationRule} gets as its {@code rules} those of every other ClusterRole one of its
 * {@code clusterRoleSelectors} matches — selector by selector, matching roles in name order, each rule once —
 * written by server-side apply as {@code clusterrole-aggregation-controller} (with force) when they differ from
 * what it has. Any change of a ClusterRole queues every aggregated one, so that aggregation chains
 * ({@code view} into {@code edit} into {@code admin}) settle.
 */
public final class ClusterRoleAggregationController extends KeyedController<String> implements ChangeListener {
  public static final Identity IDENTITY =
      Identity.serviceAccount("kube-system", "clusterrole-aggregation-controller");
  static final String FIELD_MANAGER = "clusterrole-aggregation-controller";
  private static final GroupKind CLUSTER_ROLE = GroupKind.of("rbac.authorization.k8s.io", "ClusterRole");

  private final ApiServer server;

  public ClusterRoleAggregationController(ApiServer server) {
    super(IDENTITY);
    this.server = server;
    server.addChangeListener(this);
  }

  @Override
  public String name() {
    return "clusterrole-aggregation-controller";
  }

  @Override
  public void onChange(Change change) {
    if (!change.object().groupKind().equals(CLUSTER_ROLE)) {
      return;
    }
    for (Resource role : server.cache().objects(CLUSTER_ROLE).values()) {
      if (role.json().path("aggregationRule").isObject()) {
        queue.add(role.name());
      }
    }
  }

  @Override
  void sync(String name) {
    Resource role = server.cache().get(CLUSTER_ROLE, "", name);
    if (role == null || !role.json().path("aggregationRule").isObject()) {
      return;
    }
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode term : role.json().path("aggregationRule").path("clusterRoleSelectors")) {
      LabelSelector selector = LabelSelector.fromJson(term);
      for (Resource other : server.cache().objects(CLUSTER_ROLE).values()) {
        if (other.name().equals(name) || !selector.matches(other)) {
          continue;
        }
        for (JsonNode rule : other.json().path("rules")) {
          if (!rules.contains(rule)) {
            rules.add(rule);
          }
        }
      }
    }
    ArrayNode aggregated = Json.array();
    rules.forEach(aggregated::add);
    if (aggregated.equals(role.json().path("rules")) || (rules.isEmpty() && role.json().path("rules").isMissingNode())) {
      return;
    }
    ObjectNode apply = Json.object();
    apply.put("apiVersion", "rbac.authorization.k8s.io/v1");
    apply.put("kind", "ClusterRole");
    apply.putObject("metadata").put("name", name);
    apply.set("rules", aggregated);
    server.patch(identity(), role.key(), PatchType.APPLY, apply, PatchOptions.apply(FIELD_MANAGER, true));
  }
}
