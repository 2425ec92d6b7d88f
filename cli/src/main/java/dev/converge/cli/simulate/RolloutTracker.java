package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import dev.converge.inmemory.store.ObjectCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Watches the status of the input's workloads in the store's change feed and notes when each became fully
 * available: for a DaemonSet, {@code updatedNumberScheduled == numberAvailable == desiredNumberScheduled > 0}
 * (a DaemonSet no node is eligible for, or that no node has registered for yet, is not "available"); for a
 * Deployment, StatefulSet or ReplicaSet, updated and available replicas equal to {@code spec.replicas} with no
 * others left; in both cases once the status observed the current generation. A Job is done when its {@code
 * Complete} condition is True: desired is its {@code completions} (1 for a work queue), available its succeeded
 * pods; a failed Job never is. The time reported is the last time it became fully available (or complete), so
 * that nodes joining later, or a new revision, move it. {@link #sample()}
 * notes desired and available pods of each at the current instant, for the report's chart over time.
 */
final class RolloutTracker implements ChangeListener {
  static final Set<GroupKind> WORKLOADS = ImmutableSet.of(GroupKind.of("apps", "DaemonSet"),
      GroupKind.of("apps", "Deployment"), GroupKind.of("apps", "StatefulSet"), GroupKind.of("apps", "ReplicaSet"),
      GroupKind.of("batch", "Job"));

  private final Ticker ticker;
  private final long startNanos;
  private final Map<ResourceKey, State> tracked = new LinkedHashMap<>();
  private final List<Double> sampleSeconds = new ArrayList<>();

  RolloutTracker(Ticker ticker, Iterable<ResourceKey> keys) {
    this.ticker = ticker;
    this.startNanos = ticker.nanoTime();
    for (ResourceKey key : keys) {
      if (WORKLOADS.contains(key.groupKind())) {
        tracked.put(key, new State());
      }
    }
  }

  /** Tracks {@code key} too, from its next change (a workload created during the run, by an extension). */
  void track(ResourceKey key) {
    if (WORKLOADS.contains(key.groupKind())) {
      tracked.putIfAbsent(key, new State());
    }
  }

  boolean isEmpty() {
    return tracked.isEmpty();
  }

  /** Whether every tracked workload is fully available now. */
  boolean allAvailable() {
    return tracked.values().stream().allMatch(s -> s.availableAt != null);
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    if (!WORKLOADS.contains(object.groupKind())) {
      return;
    }
    State state = tracked.get(object.key());
    if (state == null) {
      return;
    }
    if (change.type() == Change.Type.DELETED) {
      state.available = 0;
      state.availableAt = null;
      return;
    }
    JsonNode status = object.json().path("status");
    if (object.groupKind().kind().equals("Job")) {
      state.desired = object.json().path("spec").path("completions").asInt(1);
      state.available = status.path("succeeded").asInt(0);
      if (!ReadyGates.conditionIsTrue(object, "Complete")) {
        state.availableAt = null;
      } else if (state.availableAt == null) {
        state.availableAt = ticker.nanoTime();
      }
      return;
    }
    boolean daemonSet = object.groupKind().kind().equals("DaemonSet");
    int desired = daemonSet ? status.path("desiredNumberScheduled").asInt(0)
        : object.json().path("spec").path("replicas").asInt(1);
    int available = status.path(daemonSet ? "numberAvailable" : "availableReplicas").asInt(0);
    int updated = status.path(daemonSet ? "updatedNumberScheduled" : "updatedReplicas").asInt(0);
    int total = daemonSet ? status.path("currentNumberScheduled").asInt(0) : status.path("replicas").asInt(0);
    long generation = object.json().path("metadata").path("generation").asLong(0);
    boolean observed = status.has("observedGeneration") && status.path("observedGeneration").asLong() >= generation;
    state.desired = desired;
    state.available = available;
    boolean complete = observed && updated == desired && available == desired && total == desired
        && (desired > 0 || !daemonSet);
    if (!complete) {
      state.availableAt = null;
    } else if (state.availableAt == null) {
      state.availableAt = ticker.nanoTime();
    }
  }

  /** Notes every tracked workload's desired and available pods now. */
  void sample() {
    sampleSeconds.add((ticker.nanoTime() - startNanos) / 1e9);
    for (State state : tracked.values()) {
      state.desiredOverTime.add(state.desired);
      state.availableOverTime.add(state.available);
    }
  }

  /** Each tracked workload's samples, in the order of {@link #rollouts()}. */
  ImmutableList<RolloutSeries> overTime() {
    ImmutableList.Builder<RolloutSeries> out = ImmutableList.builder();
    ImmutableList<Double> seconds = ImmutableList.copyOf(sampleSeconds);
    tracked.forEach((key, state) -> out.add(new RolloutSeries(key.kind(), key.namespace(), key.name(), seconds,
        ImmutableList.copyOf(state.desiredOverTime), ImmutableList.copyOf(state.availableOverTime))));
    return out.build();
  }

  /** Each tracked workload's outcome; why one is not available is read from {@code cache} ({@link StuckPods}). */
  ImmutableList<Rollout> rollouts(ObjectCache cache) {
    ImmutableList.Builder<Rollout> out = ImmutableList.builder();
    tracked.forEach((key, state) -> out.add(new Rollout(key.kind(), key.namespace(), key.name(), state.desired,
        state.available, state.availableAt == null ? null : (state.availableAt - startNanos) / 1e9,
        state.availableAt == null ? StuckPods.of(cache, key, state.desired) : ImmutableList.of())));
    return out.build();
  }

  private static final class State {
    int desired;
    int available;
    @Nullable Long availableAt;
    final List<Integer> desiredOverTime = new ArrayList<>();
    final List<Integer> availableOverTime = new ArrayList<>();
  }
}
