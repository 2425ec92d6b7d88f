package dev.converge.inmemory.sim.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One component's Kubernetes Events, as client-go's {@code tools/record} writes them: a recorder makes the
 * event ({@code makeEvent}: named {@code <object>.<unix nanos in hex>} in the object's namespace, or
 * {@code default} for a cluster-scoped object; source, reporting controller and instance; first and last
 * timestamp; count 1), the {@link EventCorrelator} aggregates, de-duplicates and rate-limits it, and the
 * broadcaster writes it to the API server through the component's {@link SimClient} — a create, or for a
 * repeat a strategic merge patch of {@code count}, {@code lastTimestamp} and {@code message}, falling back to
 * a create when the event is gone ({@code recordEvent}). Writes go one at a time, in order, as the
 * broadcaster's single goroutine sends them; at most {@value #MAX_QUEUED} wait, and the rest are dropped
 * ({@code maxQueuedEvents}, {@code DropIfChannelFull}). A write the server refuses is not retried: client-go
 * retries only transport errors, which the simulation has none of, and the client has already retried 429s
 * and 5xx with a Retry-After.
 *
 * <p>Every component writes {@code core/v1} Events. kube-scheduler writes {@code events.k8s.io/v1} Events
 * through the newer {@code tools/events} library instead (both are the same stored resource); the simulation
 * does not serve that version, so its scheduler uses this recorder too.
 *
 * <p>Confined to the simulation's thread.
 */
public final class EventRecorder {
  /** {@code maxQueuedEvents}. */
  public static final int MAX_QUEUED = 1000;

  /**
   * What an event is about ({@code v1.ObjectReference}).
   *
   * @param fieldPath the part of the object, such as {@code spec.containers{app}}, or empty
   */
  public record Ref(String kind, String apiVersion, String namespace, String name, String uid,
      String resourceVersion, String fieldPath) {

    /** A reference to {@code object} ({@code ref.GetReference}). */
    public static Ref to(Resource object) {
      return new Ref(object.kind(), object.apiVersion(), object.namespace(), object.name(),
          Objects.requireNonNullElse(object.uid(), ""), Objects.requireNonNullElse(object.resourceVersion(), ""), "");
    }

    /** The reference a kubelet uses for its node: kind Node, the node's name as its uid. */
    public static Ref node(String name) {
      return new Ref("Node", "", "", name, name, "", "");
    }

    /** This reference with a field path ({@code spec.containers{<name>}} for a container's events). */
    public Ref at(String path) {
      return new Ref(kind, apiVersion, namespace, name, uid, resourceVersion, path);
    }

    /** The container {@code container} of the pod this refers to. */
    public Ref container(String container) {
      return at("spec.containers{" + container + "}");
    }
  }

  /** One event waiting to be written. */
  private record Pending(EventCorrelator.Candidate event, EventCorrelator.Result result, long nowNanos) {}

  private final SimClient client;
  private final String component;
  private final String host;
  private final EventCorrelator correlator = new EventCorrelator();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean writing;
  private long recorded;
  private long dropped;
  private long filtered;

  /**
   * A recorder writing through {@code client} as {@code component} (the event source; kube-controller-manager's
   * controllers each have their own, such as {@code daemonset-controller}) on {@code host} (a kubelet's node,
   * else empty).
   */
  public EventRecorder(SimClient client, String component, String host) {
    this.client = client;
    this.component = component;
    this.host = host;
  }

  /** A {@code Normal} event. */
  public void normal(Ref object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  /** A {@code Warning} event. */
  public void warning(Ref object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  /** {@code Normal} event about {@code object}. */
  public void normal(Resource object, String reason, String message) {
    record(Ref.to(object), "Normal", reason, message);
  }

  /** {@code Warning} event about {@code object}. */
  public void warning(Resource object, String reason, String message) {
    record(Ref.to(object), "Warning", reason, message);
  }

  /** Events handed to this recorder. */
  public long recorded() {
    return recorded;
  }

  /** Events dropped because too many were waiting. */
  public long dropped() {
    return dropped;
  }

  /** Events the spam filter dropped. */
  public long filtered() {
    return filtered;
  }

  private void record(Ref object, String type, String reason, String message) {
    recorded++;
    if (queue.size() >= MAX_QUEUED) {
      dropped++;
      return;
    }
    long now = client.clock().nanoTime();
    EventCorrelator.Candidate event =
        new EventCorrelator.Candidate(component, host, object, type, reason, message, name(object));
    EventCorrelator.Result result = correlator.correlate(event, now, event.name());
    if (result.skip()) {
      filtered++;
      return;
    }
    queue.add(new Pending(event, result, now));
    if (!writing) {
      writeNext();
    }
  }

  /** {@code fmt.Sprintf("%v.%x", ref.Name, t.UnixNano())}, the nanoseconds unique in the simulation. */
  private String name(Ref object) {
    Instant now = client.clock().now();
    long nanos = client.context().eventNameNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano());
    return object.name() + "." + Long.toHexString(nanos);
  }

  private void writeNext() {
    Pending next = queue.poll();
    if (next == null) {
      writing = false;
      return;
    }
    writing = true;
    EventCorrelator.Result result = next.result();
    if (result.patch()) {
      ResourceKey key = ResourceKey.namespaced("", "Event", namespaceOf(next.event().object()), result.name());
      client.send(ApiCall.patch(key, PatchType.STRATEGIC, patchOf(next), PatchOptions.defaults()), response -> {
        if (response.failedWith(BackendException.NotFound.class)) {
          create(next);
        } else {
          finished(next, response.ok());
        }
      });
    } else {
      create(next);
    }
  }

  private void create(Pending pending) {
    client.send(ApiCall.create(Resource.of(eventOf(pending))), response -> finished(pending, response.ok()));
  }

  private void finished(Pending pending, boolean ok) {
    if (ok) {
      EventCorrelator.Result result = pending.result();
      EventCorrelator.Candidate event = pending.event();
      correlator.written(new EventCorrelator.Candidate(event.component(), event.host(), event.object(), event.type(),
          event.reason(), result.message(), result.name()), result.count(), result.firstNanos());
    }
    writeNext();
  }

  /** The event as created ({@code makeEvent}, then the correlator's name, message and count). */
  private ObjectNode eventOf(Pending pending) {
    EventCorrelator.Candidate event = pending.event();
    EventCorrelator.Result result = pending.result();
    Ref object = event.object();
    ObjectNode tree = Json.object();
    tree.put("apiVersion", "v1");
    tree.put("kind", "Event");
    ObjectNode metadata = tree.putObject("metadata");
    metadata.put("name", result.name());
    metadata.put("namespace", namespaceOf(object));
    ObjectNode involved = tree.putObject("involvedObject");
    putIfSet(involved, "kind", object.kind());
    putIfSet(involved, "namespace", object.namespace());
    putIfSet(involved, "name", object.name());
    putIfSet(involved, "uid", object.uid());
    putIfSet(involved, "apiVersion", object.apiVersion());
    putIfSet(involved, "resourceVersion", object.resourceVersion());
    putIfSet(involved, "fieldPath", object.fieldPath());
    tree.put("reason", event.reason());
    tree.put("message", result.message());
    ObjectNode source = tree.putObject("source");
    putIfSet(source, "component", component);
    putIfSet(source, "host", host);
    tree.put("firstTimestamp", timestamp(result.firstNanos()));
    tree.put("lastTimestamp", timestamp(pending.nowNanos()));
    tree.put("count", result.count());
    tree.put("type", event.type());
    tree.putNull("eventTime");
    tree.put("reportingComponent", component);
    tree.put("reportingInstance", host);
    return tree;
  }

  /** {@code CreateTwoWayMergePatch} of the event against itself without count, last timestamp and message. */
  private ObjectNode patchOf(Pending pending) {
    ObjectNode patch = Json.object();
    patch.put("count", pending.result().count());
    patch.put("lastTimestamp", timestamp(pending.nowNanos()));
    patch.put("message", pending.result().message());
    return patch;
  }

  private String timestamp(long nanos) {
    long offset = nanos - client.clock().nanoTime();
    Instant at = client.clock().now().plusNanos(offset);
    return client.context().timestamps().seconds(at);
  }

  private static String namespaceOf(Ref object) {
    return object.namespace().isEmpty() ? "default" : object.namespace();
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (!value.isEmpty()) {
      node.put(field, value);
    }
  }
}
