package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Rfc3339;
import dev.converge.inmemory.store.ObjectName;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the DaemonSet controller reads of one pod, parsed once per pod version instead of once per sync: a
 * 10,000-node DaemonSet's sync walks 10,000 pods many times during a roll-out.
 *
 * @param pod the pod version these facts are of
 * @param targetNode its node, or the node its affinity pins it to ({@link DaemonSetSnapshot#targetNode})
 * @param hash its {@code controller-revision-hash} label, or null
 * @param templateGeneration its {@code pod-template-generation} label, or null
 * @param scheduled whether {@code spec.nodeName} is set
 * @param created its {@code creationTimestamp} text
 * @param phase its phase
 * @param deleting whether it is being deleted
 * @param ready whether its Ready condition is True
 * @param readySince when that condition last changed, or null
 */
record PodFacts(Resource pod, @Nullable String targetNode, @Nullable String hash, @Nullable String templateGeneration,
    boolean scheduled, String created, String phase, boolean deleting, boolean ready, @Nullable Instant readySince) {

  static PodFacts of(Resource pod) {
    boolean ready = false;
    Instant since = null;
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        ready = condition.path("status").asText().equals("True");
        String text = condition.path("lastTransitionTime").asText("");
        since = text.isEmpty() ? null : Rfc3339.parse(text);
        break;
      }
    }
    return new PodFacts(pod, DaemonSetSnapshot.targetNode(pod), pod.labels().get(Revisions.HASH_LABEL),
        pod.labels().get("pod-template-generation"), !pod.spec().path("nodeName").asText("").isEmpty(),
        pod.metadata().path("creationTimestamp").asText(""), PodConditions.phase(pod), pod.isBeingDeleted(), ready,
        since);
  }

  /** {@code IsPodAvailable}: Ready for more than {@code minReadySeconds} (0: Ready is enough). */
  boolean available(long minReadySeconds, Instant now) {
    if (!ready) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    return readySince != null && readySince.plusSeconds(minReadySeconds).isBefore(now);
  }

  boolean terminal() {
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /** {@code podByCreationTimestampAndPhase}: scheduled pods first, then oldest, then by name. */
  static final Comparator<PodFacts> BY_CREATION = (a, b) -> {
    if (a.scheduled != b.scheduled) {
      return a.scheduled ? -1 : 1;
    }
    int byTime = a.created.compareTo(b.created);
    return byTime != 0 ? byTime : a.pod.name().compareTo(b.pod.name());
  };

  /** Facts per pod, recomputed only when the informer hands out a new version of the pod. */
  static final class Cache {
    private final Map<ObjectName, PodFacts> byName = new HashMap<>();
    /**
     * The same facts by pod version (object identity): a snapshot's lookups need neither a key object nor string
     * hashing. Holds exactly the versions {@link #byName} holds.
     */
    private final Map<Resource, PodFacts> byVersion = new IdentityHashMap<>();

    PodFacts of(Resource pod) {
      PodFacts known = byVersion.get(pod);
      if (known != null) {
        return known;
      }
      ObjectName name = new ObjectName(pod.namespace(), pod.name());
      PodFacts facts = byName.get(name);
      if (facts == null || facts.pod != pod) {
        if (facts != null) {
          byVersion.remove(facts.pod);
        }
        facts = PodFacts.of(pod);
        byName.put(name, facts);
        byVersion.put(pod, facts);
      }
      return facts;
    }

    /** Forgets a pod that is gone. */
    void forget(Resource pod) {
      PodFacts facts = byName.remove(new ObjectName(pod.namespace(), pod.name()));
      if (facts != null) {
        byVersion.remove(facts.pod);
      }
    }
  }
}
