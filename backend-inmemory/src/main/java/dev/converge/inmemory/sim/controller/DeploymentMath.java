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

  /** One ReplicaSet resize: its replicas, and the Deployment's replica annotations. */
  record Scale(Resource rs, int replicas) {}

  /** {@code FilterActiveReplicaSets}: those with {@code spec.replicas} above zero. */
  static List<Resource> active(List<Resource> sets) {
    List<Resource> out = new ArrayList<>();
    for (Resource rs : sets) {
      if (replicas(rs) > 0) {
        out.add(rs);
      }
    }
    return out;
  }

  /** An integer annotation of {@code rs}, or -1 when it is missing or not a number. */
  static int annotation(Resource rs, String name) {
    String value = rs.annotations().get(name);
    try {
      return value == null ? -1 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {@code isScalingEvent}: an active ReplicaSet's {@code desired-replicas} annotation differs from the
   * Deployment's replicas (the Deployment was scaled since it last sized its ReplicaSets).
   */
  static boolean scalingEvent(Resource deployment, List<Resource> sets) {
    for (Resource rs : active(sets)) {
      int desired = annotation(rs, DESIRED_REPLICAS);
      if (desired >= 0 && desired != replicas(deployment)) {
        return true;
      }
    }
    return false;
  }

  /** {@code IsSaturated}: the new ReplicaSet is sized for the Deployment and every replica is available. */
  static boolean saturated(Resource deployment, @Nullable Resource rs) {
    int replicas = replicas(deployment);
    return rs != null && annotation(rs, DESIRED_REPLICAS) == replicas && replicas(rs) == replicas
        && status(rs, "availableReplicas") == replicas;
  }

  /**
   * {@code DeploymentController.scale}, the resizes of a scaling event or of a paused Deployment: with at most
   * one active ReplicaSet, that one (or else the newest) takes the Deployment's replicas; with a saturated new
   * ReplicaSet the old active ones go to zero; otherwise, in a rolling update, the difference between
   * {@code replicas + maxSurge} and the active ReplicaSets' total is shared among them in proportion to their
   * sizes ({@code GetReplicaSetProportion}), largest first (newer first when scaling up, older first when
   * scaling down), the rounding leftover to the first. A resize is listed when the size or the replica
   * annotations change ({@code scaleReplicaSet}).
   */
  static List<Scale> scale(Resource deployment, @Nullable Resource newRs, List<Resource> old) {
    int replicas = replicas(deployment);
    List<Resource> all = new ArrayList<>(old);
    if (newRs != null) {
      all.add(newRs);
    }
    List<Resource> active = active(all);
    if (active.size() <= 1) {
      Resource target = active.size() == 1 ? active.get(0) : newRs;
      if (target == null && !old.isEmpty()) {
        List<Resource> sorted = byCreation(old);
        target = sorted.get(sorted.size() - 1);
      }
      return target == null || replicas(target) == replicas ? List.of() : List.of(new Scale(target, replicas));
    }
    if (saturated(deployment, newRs)) {
      List<Scale> out = new ArrayList<>();
      for (Resource rs : active(old)) {
        out.add(new Scale(rs, 0));
      }
      return out;
    }
    if (recreate(deployment)) {
      return List.of();
    }
    int allowed = replicas > 0 ? replicas + maxSurge(deployment) : 0;
    int toAdd = allowed - sumSpec(active);
    Comparator<Resource> newerFirst = Comparator.comparing((Resource rs) -> rs.metadata().path("creationTimestamp")
        .asText("")).thenComparing(Resource::name).reversed();
    Comparator<Resource> bySize = Comparator.comparingInt((Resource rs) -> -replicas(rs));
    if (toAdd > 0) {
      active.sort(bySize.thenComparing(newerFirst));
    } else if (toAdd < 0) {
      active.sort(bySize.thenComparing(newerFirst.reversed()));
    }
    int added = 0;
    int[] sizes = new int[active.size()];
    for (int i = 0; i < active.size(); i++) {
      Resource rs = active.get(i);
      int proportion = toAdd == 0 ? 0 : proportion(rs, deployment, toAdd, added);
      sizes[i] = replicas(rs) + proportion;
      added += proportion;
    }
    List<Scale> out = new ArrayList<>();
    for (int i = 0; i < active.size(); i++) {
      Resource rs = active.get(i);
      if (i == 0 && toAdd != 0) {
        sizes[0] = Math.max(0, sizes[0] + toAdd - added);
      }
      if (sizes[i] != replicas(rs) || !annotationsCurrent(rs, deployment)) {
        out.add(new Scale(rs, sizes[i]));
      }
    }
    return out;
  }

  /** {@code GetReplicaSetProportion}: this ReplicaSet's share of {@code toAdd}, within what is left of it. */
  private static int proportion(Resource rs, Resource deployment, int toAdd, int added) {
    if (replicas(rs) == 0 || toAdd == added) {
      return 0;
    }
    int fraction = fraction(rs, deployment);
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  /**
   * {@code getReplicaSetFraction}: its size scaled by the Deployment's new {@code replicas + maxSurge} over the
   * one it was sized for (its {@code max-replicas} annotation, else the Deployment's status replicas), minus its
   * size; all of it when the Deployment goes to zero.
   */
  private static int fraction(Resource rs, Resource deployment) {
    if (replicas(deployment) == 0) {
      return -replicas(rs);
    }
    int max = replicas(deployment) + maxSurge(deployment);
    int before = annotation(rs, MAX_REPLICAS);
    if (before <= 0) {
      before = deployment.status().path("replicas").asInt(0);
    }
    if (before == 0) {
      return 0;
    }
    return (int) Math.round((double) replicas(rs) * max / before) - replicas(rs);
  }
}
