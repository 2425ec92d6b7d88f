package dev.converge.inmemory.server;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.inmemory.accounting.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One request in flight: what it is ({@link #info()}) and what the server and interceptors learn while
 * serving it (objects scanned and returned, latency, attributes, warnings). It becomes a {@link
 * RequestRecord} when the request ends.
 */
public final class RequestContext {
  private final long sequence;
  private final RequestInfo info;
  private final long startNanos;
  private @Nullable List<String> warnings;
  private @Nullable Map<String, String> attributes;
  private int scanned;
  private int returned;
  private long latencyNanos;
  private boolean created;

  RequestContext(long sequence, RequestInfo info, long startNanos) {
    this.sequence = sequence;
    this.info = info;
    this.startNanos = startNanos;
  }

  public long sequence() {
    return sequence;
  }

  public RequestInfo info() {
    return info;
  }

  public long startNanos() {
    return startNanos;
  }

  /** Adds {@code n} objects to those the request looked at. */
  public void scanned(int n) {
    scanned += n;
  }

  /** Adds {@code n} objects to those the request returned. */
  public void returned(int n) {
    returned += n;
  }

  public int scannedCount() {
    return scanned;
  }

  public int returnedCount() {
    return returned;
  }

  /**
   * Marks the request as having created its object, so it answers 201 Created as Kubernetes does for a
   * create and for a server-side apply that creates.
   */
  void markCreated() {
    created = true;
  }

  boolean created() {
    return created;
  }

  /** Sets the simulated latency (a load model's interceptor does). */
  public void setLatencyNanos(long nanos) {
    this.latencyNanos = nanos;
  }

  /** Adds a free-form attribute to the record (priority level, flow, seats, …). */
  public void attribute(String name, String value) {
    if (attributes == null) {
      attributes = new TreeMap<>();
    }
    attributes.put(name, value);
  }

  public void warn(String warning) {
    if (warnings == null) {
      warnings = new ArrayList<>();
    }
    warnings.add(warning);
  }

  public ImmutableList<String> warnings() {
    return warnings == null ? ImmutableList.of() : ImmutableList.copyOf(warnings);
  }

  RequestRecord toRecord(int code) {
    return new RequestRecord(sequence, info.identity().name(), info.verb().wireName(), info.group(), info.resource(),
        info.subresource(), info.namespace(), info.name(), info.scope(), scanned, returned, code,
        info.verb().isMutating(), startNanos, latencyNanos, warnings(),
        attributes == null ? ImmutableMap.of() : ImmutableMap.copyOf(attributes));
  }
}
