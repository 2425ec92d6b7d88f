package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The arithmetic of {@code pkg/controller/deployment/util/deployment_util.go}: surge and unavailability
 * fenceposts, the new ReplicaSet's next size, the replica sets' totals, and which ReplicaSet holds the current
 * template. Pure functions of the objects.
 */
final class DeploymentMath {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  /**
   * The Deployment's annotations its ReplicaSets do not inherit ({@code deployment/util}'s {@code
   * annotationsToSkip}): kubectl's last applied configuration and the controller's own bookkeeping.
   */
  static final Set<String> NOT_COPIED_TO_REPLICA_SETS = Set.of(
      "kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY,
      "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas",
      "deprecated.deployment.rollback.to");
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

  private DeploymentMath() {}

  static int replicas(Resource object) {
    return object.spec().path("replicas").asInt(1);
  }

  static int status(Resource object, String field) {
    return object.status().path(field).asInt(0);
  }

  static boolean recreate(Resource deployment) {
    return deployment.spec().path("strategy").path("type").asText("RollingUpdate").equals("Recreate");
  }

  /**
   * {@code ResolveFenceposts}: maxSurge rounds up, maxUnavailable rounds down, and if both come to 0,
   * maxUnavailable is 1. Returns {surge, unavailable}; Recreate has neither.
   */
  static int[] fenceposts(Resource deployment) {
    if (recreate(deployment)) {
      return new int[] {0, 0};
    }
    int desired = replicas(deployment);
    JsonNode rolling = deployment.spec().path("strategy").path("rollingUpdate");
    int surge = IntOrPercent.scaled(rolling.path("maxSurge"), desired, true, 0);
    int unavailable = IntOrPercent.scaled(rolling.path("maxUnavailable"), desired, false, 0);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  /** {@code MaxUnavailable}: at most the desired replicas. */
  static int maxUnavailable(Resource deployment) {
    if (recreate(deployment) || replicas(deployment) == 0) {
      return 0;
    }
    return Math.min(fenceposts(deployment)[1], replicas(deployment));
  }

  /** {@code MaxSurge}. */
  static int maxSurge(Resource deployment) {
    return recreate(deployment) ? 0 : fenceposts(deployment)[0];
  }

  static int sumSpec(List<Resource> sets) {
    int n = 0;
    for (Resource rs : sets) {
      n += replicas(rs);
    }
    return n;
  }

  static int sumStatus(List<Resource> sets, String field) {
    int n = 0;
    for (Resource rs : sets) {
      n += status(rs, field);
    }
    return n;
  }

  /**
   * {@code NewRSNewReplicas} for a rolling update: as many as fit under {@code replicas + maxSurge} total pods,
   * at most up to the desired count.
   */
  static int newReplicas(Resource deployment, List<Resource> all, @Nullable Resource newRs) {
    if (recreate(deployment)) {
      return replicas(deployment);
    }
    int current = sumSpec(all);
    int maxTotal = replicas(deployment) + maxSurge(deployment);
    int newCount = newRs == null ? 0 : replicas(newRs);
    if (current >= maxTotal) {
      return newCount;
    }
    int scaleUp = maxTotal - current;
    return newCount + Math.min(scaleUp, replicas(deployment) - newCount);
  }

  /**
   * {@code FindNewReplicaSet}: the oldest ReplicaSet whose template equals the Deployment's, the
   * {@code pod-template-hash} label aside ({@code EqualIgnoreHash}).
   */
  static @Nullable Resource findNew(Resource deployment, List<Resource> sets) {
    List<Resource> sorted = byCreation(sets);
    JsonNode wanted = withoutHash(deployment.spec().path("template"));
    for (Resource rs : sorted) {
      if (withoutHash(rs.spec().path("template")).equals(wanted)) {
        return rs;
      }
    }
    return null;
  }

  static JsonNode withoutHash(JsonNode template) {
    JsonNode labels = template.path("metadata").path("labels");
    if (!labels.has(Revisions.POD_TEMPLATE_HASH)) {
      return template;
    }
    ObjectNode copy = template.deepCopy();
    ((ObjectNode) copy.get("metadata").get("labels")).remove(Revisions.POD_TEMPLATE_HASH);
    if (copy.get("metadata").get("labels").isEmpty()) {
      ((ObjectNode) copy.get("metadata")).remove("labels");
    }
    return copy;
  }

  /** {@code ReplicaSetsByCreationTimestamp}: oldest first, then by name. */
  static List<Resource> byCreation(List<Resource> sets) {
    List<Resource> out = new ArrayList<>(sets);
    out.sort(Comparator.comparing((Resource rs) -> rs.metadata().path("creationTimestamp").asText(""))
        .thenComparing(Resource::name));
    return out;
  }

  static long revision(Resource rs) {
    String value = rs.annotations().get(REVISION);
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static long maxRevision(List<Resource> sets) {
    long max = 0;
    for (Resource rs : sets) {
      max = Math.max(max, revision(rs));
    }
    return max;
  }

  /** The annotations a Deployment keeps on its ReplicaSets ({@code SetReplicasAnnotations}). */
  static void replicaAnnotations(ObjectNode annotations, Resource deployment) {
    annotations.put(DESIRED_REPLICAS, Integer.toString(replicas(deployment)));
    annotations.put(MAX_REPLICAS, Integer.toString(replicas(deployment) + maxSurge(deployment)));
  }

  /** Whether {@code rs} carries the desired/max replica annotations for {@code deployment}. */
  static boolean annotationsCurrent(Resource rs, Resource deployment) {
    Map<String, String> annotations = rs.annotations();
    return Integer.toString(replicas(deployment)).equals(annotations.get(DESIRED_REPLICAS))
        && Integer.toString(replicas(deployment) + maxSurge(deployment)).equals(annotations.get(MAX_REPLICAS));
  }
}
