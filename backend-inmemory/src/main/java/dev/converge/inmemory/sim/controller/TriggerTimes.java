package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code TriggerTimeTracker} ({@code k8s.io/endpointslice/util/trigger_time_tracker.go}): the value of {@code
 * endpoints.kubernetes.io/last-change-trigger-time}, the earliest change that a sync of a Service publishes. A
 * Service's first sync reports its creation; later ones the earliest Ready transition among its pods whose
 * transition moved since the last sync, or nothing when none did.
 */
final class TriggerTimes {
  /** A pod's Ready transition time as a call saw it, and the call that saw it last. */
  private static final class Seen {
    final Resource pod;
    final @Nullable String time;
    long call;

    Seen(Resource pod, @Nullable String time) {
      this.pod = pod;
      this.time = time;
    }
  }

  /** What one Service's calls saw, per pod name; an entry counts only if the previous call saw it. */
  private static final class OfService {
    final Map<String, Seen> pods = new HashMap<>();
    long calls;
  }

  private final Map<String, OfService> services = new HashMap<>();

  /**
   * {@code ComputeEndpointLastChangeTriggerTime} for the Service's selected pods, or null when nothing changed.
   * A pod object already seen by the previous call has the same transition time, so only the others are read.
   */
  @Nullable String compute(String key, Resource service, List<Resource> selected) {
    OfService state = services.get(key);
    boolean first = state == null;
    if (first) {
      state = new OfService();
      services.put(key, state);
    }
    long previous = state.calls;
    long call = ++state.calls;
    String earliest = first ? service.metadata().path("creationTimestamp").asText(null) : null;
    for (Resource pod : selected) {
      Seen seen = state.pods.get(pod.name());
      boolean seenBefore = seen != null && seen.call == previous;
      if (seen != null && seen.pod == pod) {
        seen.call = call;
        if (seenBefore || seen.time == null) {
          continue;
        }
      } else {
        Seen now = new Seen(pod, readyTransition(pod));
        now.call = call;
        state.pods.put(pod.name(), now);
        if (now.time == null || seenBefore && now.time.equals(seen.time)) {
          continue;
        }
        seen = now;
      }
      // RFC 3339 times in UTC with second precision compare as text.
      if (earliest == null || seen.time.compareTo(earliest) < 0) {
        earliest = seen.time;
      }
    }
    if (state.pods.size() > 2 * selected.size() + 16) {
      state.pods.values().removeIf(seen -> seen.call != call);
    }
    return earliest;
  }

  /**
   * {@link #compute} when only the pods named {@code changed} may differ from the previous call's (the others are
   * the same objects, so their times are too): the same answer, reading only those. {@code selected} finds a
   * selected pod by name (null: none any more); {@code all} is read instead when no call saw the Service yet.
   */
  @Nullable String computeChanged(String key, Resource service, Collection<String> changed,
      Function<String, @Nullable Resource> selected, Supplier<List<Resource>> all) {
    OfService state = services.get(key);
    if (state == null) {
      return compute(key, service, all.get());
    }
    long call = state.calls;
    String earliest = null;
    for (String name : changed) {
      Resource pod = selected.apply(name);
      Seen seen = state.pods.get(name);
      boolean seenBefore = seen != null && seen.call == call;
      if (pod == null) {
        state.pods.remove(name);
        continue;
      }
      String time = seen != null && seen.pod == pod ? seen.time : readyTransition(pod);
      Seen now = seen != null && seen.pod == pod ? seen : new Seen(pod, time);
      now.call = call;
      state.pods.put(name, now);
      if (time == null || seenBefore && time.equals(seen.time)) {
        continue;
      }
      if (earliest == null || time.compareTo(earliest) < 0) {
        earliest = time;
      }
    }
    return earliest;
  }

  /** {@code DeleteService}: the Service is gone; its next sync, if it comes back, is a first one. */
  void remove(String key) {
    services.remove(key);
  }

  private static @Nullable String readyTransition(Resource pod) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("lastTransitionTime").asText(null);
      }
    }
    return null;
  }
}
