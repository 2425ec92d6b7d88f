package dev.converge.inmemory.server;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.inmemory.accounting.RequestRecord;
import java.util.ArrayList;
import java.util.List;
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
  /** Attribute names and values, sorted by name (as the record lists them); usually one or two. */
  private String @Nullable [] attributeNames;
  private String @Nullable [] attributeValues;
  private int attributeCount;
  private int scanned;
  private int returned;
  private long latencyNanos;
  private boolean created;
  private boolean dryRun;
  /** Whether the server's lock was let go during this attempt (a webhook called over the network). */
  private boolean lockReleased;
  /** The name the server gave the object of a create by {@code generateName}, recorded instead of the request's. */
  private @Nullable String generatedName;

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

  /** Records the request under {@code name}, the name the server drew for the object it creates. */
  void generatedName(String name) {
    generatedName = name;
  }

  /** Whether this request is a dry run ({@code dryRun=All}): it answers what it would store and stores nothing. */
  public boolean dryRun() {
    return dryRun;
  }

  void dryRun(boolean value) {
    dryRun = value;
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
  /** Records that the lock was let go: what the request read may have changed before it writes. */
  void markLockReleased() {
    lockReleased = true;
  }

  /** {@return whether the lock was let go since the request's current attempt began} */
  boolean lockReleased() {
    return lockReleased;
  }

  /** A new attempt of the request begins, on what the store holds now. */
  void retrying() {
    lockReleased = false;
  }

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
    if (attributeNames == null) {
      attributeNames = new String[2];
      attributeValues = new String[2];
    }
    String[] names = attributeNames;
    String[] values = attributeValues;
    int at = 0;
    while (at < attributeCount && names[at].compareTo(name) < 0) {
      at++;
    }
    if (at < attributeCount && names[at].equals(name)) {
      values[at] = value;
      return;
    }
    if (attributeCount == names.length) {
      names = attributeNames = java.util.Arrays.copyOf(names, names.length * 2);
      values = attributeValues = java.util.Arrays.copyOf(values, values.length * 2);
    }
    System.arraycopy(names, at, names, at + 1, attributeCount - at);
    System.arraycopy(values, at, values, at + 1, attributeCount - at);
    names[at] = name;
    values[at] = value;
    attributeCount++;
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
        info.subresource(), info.namespace(), generatedName == null ? info.name() : generatedName, info.scope(), scanned, returned, code,
        info.verb().isMutating(), startNanos, latencyNanos, warnings(),
        attributes());
  }

  /** The attributes in name order. */
  private ImmutableMap<String, String> attributes() {
    if (attributeCount == 0) {
      return ImmutableMap.of();
    }
    if (attributeCount == 1) {
      return ImmutableMap.of(attributeNames[0], attributeValues[0]);
    }
    ImmutableMap.Builder<String, String> out = ImmutableMap.builderWithExpectedSize(attributeCount);
    for (int i = 0; i < attributeCount; i++) {
      out.put(attributeNames[i], attributeValues[i]);
    }
    return out.buildOrThrow();
  }
}
