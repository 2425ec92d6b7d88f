package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import dev.converge.inmemory.sim.scheduling.PodPlacement;
import dev.converge.inmemory.sim.scheduling.Taint;
import dev.converge.inmemory.sim.scheduling.Toleration;

/**
 * A DaemonSet as its controller reads it, parsed once per version: selector, update strategy, template
 * placement with the DaemonSet's default tolerations, and node eligibility ({@code NodeShouldRunDaemonPod}).
 */
final class DaemonSetView {
  /**
   * {@code util.AddOrUpdateDaemonPodTolerations}: every DaemonSet pod tolerates not-ready and unreachable
   * (NoExecute, for ever), disk, memory and PID pressure and unschedulable (NoSchedule); with host networking
   * also network-unavailable (NoSchedule).
   */
  static ImmutableList<Toleration> defaultTolerations(boolean hostNetwork) {
    ImmutableList.Builder<Toleration> out = ImmutableList.builder();
    out.add(Toleration.exists(Taint.NOT_READY, Taint.NO_EXECUTE));
    out.add(Toleration.exists(Taint.UNREACHABLE, Taint.NO_EXECUTE));
    out.add(Toleration.exists("node.kubernetes.io/disk-pressure", Taint.NO_SCHEDULE));
    out.add(Toleration.exists("node.kubernetes.io/memory-pressure", Taint.NO_SCHEDULE));
    out.add(Toleration.exists("node.kubernetes.io/pid-pressure", Taint.NO_SCHEDULE));
    out.add(Toleration.exists(Taint.UNSCHEDULABLE, Taint.NO_SCHEDULE));
    if (hostNetwork) {
      out.add(Toleration.exists("node.kubernetes.io/network-unavailable", Taint.NO_SCHEDULE));
    }
    return out.build();
  }

  /** A node's standing for this DaemonSet. */
  enum Eligibility {
    /** shouldRun and shouldContinueRunning. */
    RUN,
    /** not shouldRun (an untolerated NoSchedule taint), but a running pod may stay. */
    CONTINUE,
    /** neither. */
    NO;

    boolean shouldRun() {
      return this == RUN;
    }

    boolean shouldContinue() {
      return this != NO;
    }
  }

  final Resource ds;
  final String key;
  final String uid;
  final long generation;
  final LabelSelector selector;
  final boolean selectsAll;
  final boolean onDelete;
  final JsonNode maxUnavailable;
  final JsonNode maxSurge;
  final long minReadySeconds;
  final int revisionHistoryLimit;
  final PodPlacement placement;

  DaemonSetView(Resource ds) {
    this.ds = ds;
    this.key = ds.namespace() + "/" + ds.name();
    this.uid = ds.uid() == null ? "" : ds.uid();
    this.generation = ds.generation();
    JsonNode spec = ds.spec();
    JsonNode selectorJson = spec.path("selector");
    this.selector = LabelSelector.fromJson(selectorJson);
    this.selectsAll = selectorJson.path("matchLabels").isEmpty() && selectorJson.path("matchExpressions").isEmpty();
    JsonNode strategy = spec.path("updateStrategy");
    this.onDelete = strategy.path("type").asText("RollingUpdate").equals("OnDelete");
    this.maxUnavailable = strategy.path("rollingUpdate").path("maxUnavailable");
    this.maxSurge = strategy.path("rollingUpdate").path("maxSurge");
    this.minReadySeconds = spec.path("minReadySeconds").asLong(0);
    this.revisionHistoryLimit = spec.path("revisionHistoryLimit").asInt(10);
    JsonNode podSpec = spec.path("template").path("spec");
    this.placement = PodPlacement.of(podSpec)
        .withTolerations(defaultTolerations(podSpec.path("hostNetwork").asBoolean(false)));
  }

  /**
   * {@code NodeShouldRunDaemonPod}: the template's node name (if any) and required node affinity must match;
   * an untolerated NoSchedule or NoExecute taint stops new pods, and only an untolerated NoExecute one also
   * removes a running pod. Readiness and resources do not count: fit is the scheduler's business.
   */
  Eligibility eligibility(NodeInfo node) {
    if (!placement.nodeName().isEmpty() && !placement.nodeName().equals(node.name())) {
      return Eligibility.NO;
    }
    if (!placement.affinity().matches(node)) {
      return Eligibility.NO;
    }
    if (Toleration.firstUntolerated(node.taints(), placement.tolerations(), false) == null) {
      return Eligibility.RUN;
    }
    return Toleration.firstUntolerated(node.taints(), placement.tolerations(), true) == null
        ? Eligibility.CONTINUE : Eligibility.NO;
  }

  /** {@code util.SurgeCount}: maxSurge of {@code desired}, rounded up; 0 for OnDelete or when unset. */
  int surgeCount(int desired) {
    return onDelete ? 0 : IntOrPercent.scaled(maxSurge, desired, true, 0);
  }

  /** {@code util.UnavailableCount}: maxUnavailable of {@code desired}, rounded up; 0 for OnDelete. */
  int unavailableCount(int desired) {
    return onDelete ? 0 : IntOrPercent.scaled(maxUnavailable, desired, true, 0);
  }

  /** {@code util.AllowsSurge}. */
  boolean allowsSurge() {
    return surgeCount(1) > 0;
  }

  long statusInt(String field) {
    return ds.status().path(field).asLong(0);
  }
}
