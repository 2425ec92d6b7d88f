package dev.converge.inmemory.server;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import dev.converge.inmemory.store.ObjectName;
import dev.converge.inmemory.store.ObjectStore;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import java.util.function.Consumer;

/**
 * kube-apiserver's {@code --event-ttl}: an Event is stored under an etcd lease of that length, and every write
 * of it starts a new one (the event registry's {@code TTLFunc} answers the same TTL for creates and updates).
 * When the lease runs out the Event is gone: a DELETED watch event, with no request and no finalizers.
 *
 * <p>Every write of an Event queues its expiry. With one TTL and a clock that never goes back, expiries come
 * in the order they were queued, so a queue suffices; an entry whose Event was written again since (another
 * revision) or deleted is skipped. The server calls {@link #expire} before each request, so no request sees
 * an Event past its time. Called under the server's lock.
 */
final class EventTtl implements ChangeListener {
  static final GroupKind EVENT = GroupKind.of("", "Event");

  private record Expiry(long atNanos, long revision, ObjectName name) {}

  private final ObjectStore store;
  private final long ttlNanos;
  private final LongSupplier clock;
  private final ArrayDeque<Expiry> queue = new ArrayDeque<>();

  EventTtl(ObjectStore store, long ttlNanos, LongSupplier clock) {
    this.store = store;
    this.ttlNanos = ttlNanos;
    this.clock = clock;
  }

  @Override
  public void onChange(Change change) {
    if (change.type() != Change.Type.DELETED && change.object().groupKind().equals(EVENT)) {
      queue.add(new Expiry(clock.getAsLong() + ttlNanos, change.revision(), change.objectName()));
    }
  }

  /** Removes, through {@code remove}, every Event whose last write is older than the TTL at {@code now}. */
  void expire(long now, Consumer<Resource> remove) {
    Expiry head;
    while ((head = queue.peek()) != null && head.atNanos() <= now) {
      queue.poll();
      Resource current = store.get(EVENT, head.name().namespace(), head.name().name());
      if (current != null && Long.toString(head.revision()).equals(current.resourceVersion())) {
        remove.accept(current);
      }
    }
  }
}
