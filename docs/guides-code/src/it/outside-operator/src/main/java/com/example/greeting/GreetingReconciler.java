package com.example.greeting;

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
import dev.converge.api.StatusContext;

/**
 * An operator's reconciler, written against the published API only: a {@code Greeting}
 * ({@code example.com/v1}) wants a ConfigMap holding its message; its status has a {@code Ready} condition.
 */
public final class GreetingReconciler implements Reconciler<String> {
  public static final GroupKind KIND = GroupKind.of("example.com", "Greeting");

  @Override
  public GroupKind primaryKind() {
    return KIND;
  }

  @Override
  public ImmutableSet<GroupKind> ownedKinds() {
    return ImmutableSet.of(GroupKind.of("", "ConfigMap"));
  }

  @Override
  public String decode(Resource primary) {
    String message = primary.spec().path("message").asText("");
    if (message.isEmpty()) {
      throw new InvalidSpecException("spec.message", "spec.message is required");
    }
    return message;
  }

  @Override
  public DesiredGraph desired(String message, Context context) {
    Resource primary = context.primary();
    ObjectNode configMap = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    configMap.putObject("metadata").put("name", primary.name() + "-greeting").put("namespace", primary.namespace());
    configMap.putObject("data").put("message", message);
    return DesiredGraph.builder().owner(primary).add(Resource.of(configMap)).build();
  }

  @Override
  public ObjectNode status(StatusContext<String> context) {
    boolean converged = context.outcome() instanceof Outcome.Converged;
    ObjectNode status = Json.object();
    status.set("conditions", Conditions.set(context.primary().status().path("conditions"), "Ready",
        converged ? "True" : "False", converged ? "Converged" : "NotConverged", "", context.now()));
    return status;
  }
}
