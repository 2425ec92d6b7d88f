package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The built-in readiness gates, modelled on how {@code kubectl rollout status} and {@code kubectl wait}
 * judge each kind.
 */
public final class ReadyGates {
  private ReadyGates() {}

  /**
   * {@return the gate of a CustomResourceDefinition: its {@code Established} condition is {@code True}, so its
   * API is served}
   */
  public static ReadyGate crdEstablished() {
    return gate("CRD Established", (live, cluster) ->
        conditionIsTrue(live, "Established")
            ? Readiness.ready()
            : Readiness.notReady("condition Established is not True"));
  }

  /**
   * A Deployment the controller has caught up with ({@code observedGeneration ≥ generation}) whose updated
   * replicas are all available, as {@code kubectl rollout status} requires.
   *
   * @return the gate
   */
  public static ReadyGate deploymentAvailable() {
    return gate("Deployment available", (live, cluster) -> {
      JsonNode status = live.status();
      long desired = live.spec().path("replicas").asLong(1);
      long observed = status.path("observedGeneration").asLong(0);
      long updated = status.path("updatedReplicas").asLong(0);
      long available = status.path("availableReplicas").asLong(0);
      if (observed < live.generation()) {
        return Readiness.notReady("waiting for the controller to observe generation " + live.generation());
      }
      if (updated < desired || available < desired) {
        return Readiness.notReady(available + "/" + desired + " replicas available, " + updated + " updated");
      }
      return Readiness.ready();
    });
  }

  /**
   * A DaemonSet rolled out to every node it should run on: observed, and {@code updatedNumberScheduled} and
   * {@code numberAvailable} equal to {@code desiredNumberScheduled}.
   *
   * @return the gate
   */
  public static ReadyGate daemonSetRolledOut() {
    return gate("DaemonSet rolled out", (live, cluster) -> {
      JsonNode status = live.status();
      long observed = status.path("observedGeneration").asLong(0);
      long desired = status.path("desiredNumberScheduled").asLong(0);
      long updated = status.path("updatedNumberScheduled").asLong(0);
      long available = status.path("numberAvailable").asLong(0);
      if (observed < live.generation()) {
        return Readiness.notReady("waiting for the controller to observe generation " + live.generation());
      }
      if (updated < desired || available < desired) {
        return Readiness.notReady(available + "/" + desired + " pods available, " + updated + " updated");
      }
      return Readiness.ready();
    });
  }

  /**
   * A Job that has completed: its {@code Complete} condition is {@code True}, as {@code kubectl wait
   * --for=condition=complete} and Helm's {@code --wait-for-jobs} require. A Job whose {@code Failed} condition is
   * True never will; the reason says so, with the condition's reason and message.
   *
   * @return the gate
   */
  public static ReadyGate jobComplete() {
    return gate("Job complete", (live, cluster) -> {
      if (conditionIsTrue(live, "Complete")) {
        return Readiness.ready();
      }
      for (JsonNode condition : live.status().path("conditions")) {
        if (condition.path("type").asText().equals("Failed") && condition.path("status").asText().equals("True")) {
          return Readiness.notReady("failed: " + condition.path("reason").asText() + ": "
              + condition.path("message").asText());
        }
      }
      JsonNode status = live.status();
      JsonNode completions = live.spec().path("completions");
      return Readiness.notReady(status.path("succeeded").asLong(0)
          + (completions.isNumber() ? "/" + completions.asText() : "") + " succeeded, "
          + status.path("active").asLong(0) + " active, " + status.path("failed").asLong(0) + " failed");
    });
  }

  /**
   * {@return the gate of a Service with at least one ready endpoint address (from its {@code Endpoints}
   * object)}
   */
  public static ReadyGate serviceHasEndpoints() {
    return gate("Service has endpoints", (live, cluster) -> {
      Optional<Resource> endpoints = cluster.get(new ResourceKey("", "Endpoints", live.namespace(), live.name()));
      if (endpoints.isPresent()) {
        for (JsonNode subset : endpoints.get().json().path("subsets")) {
          if (subset.path("addresses").size() > 0) {
            return Readiness.ready();
          }
        }
      }
      return Readiness.notReady("no ready endpoints");
    });
  }

  /**
   * {@return the gate Converge applies by default to {@code kind}, if any: CRDs must be Established}
   *
   * @param kind the kind
   */
  public static Optional<ReadyGate> defaultFor(GroupKind kind) {
    if (kind.group().equals("apiextensions.k8s.io") && kind.kind().equals("CustomResourceDefinition")) {
      return Optional.of(crdEstablished());
    }
    return Optional.empty();
  }

  /**
   * {@return whether {@code status.conditions} has {@code type} with status {@code "True"}}
   *
   * @param resource the live object
   * @param type the condition type
   */
  public static boolean conditionIsTrue(Resource resource, String type) {
    for (JsonNode condition : resource.status().path("conditions")) {
      if (type.equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  private interface Check {
    Readiness check(Resource live, Lookup cluster);
  }

  private static ReadyGate gate(String description, Check check) {
    return new ReadyGate() {
      @Override
      public Readiness check(Resource live, Lookup cluster) {
        return check.check(live, cluster);
      }

      @Override
      public String describe() {
        return description;
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }
}
