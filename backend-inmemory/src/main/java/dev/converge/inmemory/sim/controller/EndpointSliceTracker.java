package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code EndpointSliceTracker} ({@code k8s.io/endpointslice/util/endpointslice_tracker.go}): the generation of
 * every slice the controller wrote, per Service, and the slices it deleted. With it the controller tells its own
 * writes coming back through the informer (no sync needed) from someone else's (a sync puts the slice back), and
 * refuses to sync a Service while the informer has not yet seen its last writes: a sync on such a stale cache
 * would write again what it already wrote.
 */
final class EndpointSliceTracker {
  private static final long DELETION_EXPECTED = -1;
  /** Service key → slice uid → generation written, or {@link #DELETION_EXPECTED}. */
  private final Map<String, Map<String, Long>> byService = new HashMap<>();

  private static String serviceKey(Resource slice) {
    return slice.namespace() + "/" + slice.labels().getOrDefault(EndpointSliceReconciler.SERVICE_NAME, "");
  }

  /** {@code Has}. */
  boolean has(Resource slice) {
    Map<String, Long> generations = byService.get(serviceKey(slice));
    return generations != null && generations.containsKey(slice.uid());
  }

  /** {@code ShouldSync}: a slice this controller did not write, or a newer generation than it wrote. */
  boolean shouldSync(Resource slice) {
    Map<String, Long> generations = byService.get(serviceKey(slice));
    Long written = generations == null ? null : generations.get(slice.uid());
    return written == null || slice.generation() > written;
  }

  /**
   * {@code StaleSlices}: whether the informer's {@code slices} of the Service lag behind this controller's
   * writes — an older generation than written, a slice it deleted, or a slice it wrote that is missing.
   */
  boolean stale(String serviceKey, List<Resource> slices) {
    Map<String, Long> generations = byService.get(serviceKey);
    if (generations == null) {
      return false;
    }
    Map<String, Long> listed = new HashMap<>();
    for (Resource slice : slices) {
      listed.put(slice.uid(), slice.generation());
      Long written = generations.get(slice.uid());
      if (written != null && (written == DELETION_EXPECTED || written > slice.generation())) {
        return true;
      }
    }
    for (Map.Entry<String, Long> entry : generations.entrySet()) {
      if (entry.getValue() != DELETION_EXPECTED && !listed.containsKey(entry.getKey())) {
        return true;
      }
    }
    return false;
  }

  /** {@code Update}: the slice as the server answered a create or update. */
  void written(Resource slice) {
    byService.computeIfAbsent(serviceKey(slice), k -> new HashMap<>()).put(slice.uid(), slice.generation());
  }

  /** {@code ExpectDeletion}. */
  void deleted(Resource slice) {
    byService.computeIfAbsent(serviceKey(slice), k -> new HashMap<>()).put(slice.uid(), DELETION_EXPECTED);
  }

  /** {@code HandleDeletion}: forgets the slice; whether its deletion was this controller's own. */
  boolean handleDeletion(Resource slice) {
    Map<String, Long> generations = byService.get(serviceKey(slice));
    if (generations == null) {
      return true;
    }
    Long written = generations.remove(slice.uid());
    if (generations.isEmpty()) {
      byService.remove(serviceKey(slice));
    }
    return written == null || written == DELETION_EXPECTED;
  }

  /** {@code DeleteService}. */
  void forget(String serviceKey) {
    byService.remove(serviceKey);
  }
}
