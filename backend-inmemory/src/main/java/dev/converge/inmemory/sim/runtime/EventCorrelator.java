package dev.converge.inmemory.sim.runtime;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What client-go's {@code record.EventCorrelator} does to each event before it is written
 * ({@code tools/record/events_cache.go}, {@code NewEventCorrelator} defaults), in its order:
 * <ol>
 *   <li><b>aggregation</b> — events that differ only by message (same source, object, type and reason) are
 *       counted per message; from the tenth distinct message within ten minutes of the previous one, the event
 *       becomes a new one named for now, with the message prefixed {@code (combined from similar events): } and
 *       the group's key;</li>
 *   <li><b>de-duplication</b> — an event whose key was seen before becomes a strategic merge patch of the first
 *       occurrence (its name, count + 1, first timestamp kept; new last timestamp and message);</li>
 *   <li><b>spam filter</b> — a token bucket per source and object, 25 events at once and then one every five
 *       minutes; an event without a token is dropped (after the logger has counted it, as client-go does).</li>
 * </ol>
 * Each of the three caches is an LRU of 4,096 entries. Confined to the simulation's thread.
 */
final class EventCorrelator {
  static final int LRU_ENTRIES = 4096;
  static final int AGGREGATE_MAX_EVENTS = 10;
  static final long AGGREGATE_INTERVAL_NANOS = 600_000_000_000L;
  static final int SPAM_BURST = 25;
  /** One token per 300 s ({@code defaultSpamQPS = 1/300}). */
  static final long SPAM_TOKEN_NANOS = 300_000_000_000L;
  static final String COMBINED_PREFIX = "(combined from similar events): ";

  /**
   * An event as the correlator sees it: the fields its keys are made of, and the name it would be created as.
   * The keys are records of the event's own strings rather than client-go's concatenations: the same equality
   * (but for the concatenation's accidental collisions), without a long string per event and cache.
   */
  record Candidate(String component, String host, EventRecorder.Ref object, String type, String reason,
      String message, String name) {

    /** {@code getEventKey}: everything, the message and the field path included. */
    EventKey eventKey() {
      return new EventKey(component, host, object.kind(), object.namespace(), object.name(), object.fieldPath(),
          object.uid(), object.apiVersion(), type, reason, message);
    }

    /** {@code getSpamKey}: source and object (not the field path). */
    SpamKey spamKey() {
      return new SpamKey(component, host, object.kind(), object.namespace(), object.name(), object.uid(),
          object.apiVersion());
    }

    /**
     * {@code EventAggregatorByReasonFunc}: source, object (not the field path), type and reason; the reporting
     * controller and instance it adds are the source's component and host again, as the recorder sets them.
     */
    AggregateKey aggregateKey() {
      return new AggregateKey(spamKey(), type, reason);
    }
  }

  /** {@code getEventKey}'s fields. */
  record EventKey(String component, String host, String kind, String namespace, String name, String fieldPath,
      String uid, String apiVersion, String type, String reason, String message) {}

  /** {@code getSpamKey}'s fields. */
  record SpamKey(String component, String host, String kind, String namespace, String name, String uid,
      String apiVersion) {}

  /** {@code EventAggregatorByReasonFunc}'s aggregate key. */
  record AggregateKey(SpamKey source, String type, String reason) {}

  /**
   * The correlator's verdict.
   *
   * @param skip the spam filter dropped the event
   * @param name the event's name (the first occurrence's for a repeat)
   * @param message the message to write (prefixed when aggregated)
   * @param count the occurrence count to write
   * @param firstNanos when the first occurrence was recorded
   * @param patch whether to patch the existing event rather than create one
   */
  record Result(boolean skip, String name, String message, int count, long firstNanos, boolean patch) {}

  /** The logger's memory of one event key ({@code eventLog}). */
  private record Seen(int count, long firstNanos, String name) {}

  /**
   * An aggregation group ({@code aggregateRecord}): its distinct messages, held as one string until there is a
   * second (most groups never have one), and when the last of them came.
   */
  private static final class Group {
    @Nullable String only;
    @Nullable Set<String> messages;
    long lastNanos;

    void add(String message) {
      if (messages != null) {
        messages.add(message);
      } else if (only == null) {
        only = message;
      } else if (!only.equals(message)) {
        messages = new HashSet<>();
        messages.add(only);
        messages.add(message);
        only = null;
      }
    }

    int size() {
      return messages != null ? messages.size() : only != null ? 1 : 0;
    }

    /** {@code PopAny}: keep the set below the maximum. */
    void removeAny() {
      Iterator<String> any = messages.iterator();
      any.next();
      any.remove();
    }
  }

  /** A passive token bucket in nanoseconds of credit ({@code TryAccept}). */
  private static final class Bucket {
    long credit = SPAM_TOKEN_NANOS * SPAM_BURST;
    long last;

    Bucket(long now) {
      this.last = now;
    }

    boolean tryAccept(long now) {
      if (now > last) {
        credit = Math.min(SPAM_TOKEN_NANOS * SPAM_BURST, credit + (now - last));
        last = now;
      }
      if (credit < SPAM_TOKEN_NANOS) {
        return false;
      }
      credit -= SPAM_TOKEN_NANOS;
      return true;
    }
  }

  private final Map<AggregateKey, Group> groups = lru();
  private final Map<Object, Seen> seen = lru();
  private final Map<SpamKey, Bucket> buckets = lru();

  /**
   * Correlates {@code event}, recorded at {@code now}; {@code aggregateName} names the event if it has to be
   * aggregated (client-go names it for the same instant again).
   */
  Result correlate(Candidate event, long now, String aggregateName) {
    // EventAggregate
    Object key = event.eventKey();
    String name = event.name();
    String message = event.message();
    AggregateKey aggregateKey = event.aggregateKey();
    Group group = groups.get(aggregateKey);
    if (group == null || now - group.lastNanos > AGGREGATE_INTERVAL_NANOS) {
      group = new Group();
    }
    group.add(event.message());
    group.lastNanos = now;
    groups.put(aggregateKey, group);
    if (group.size() >= AGGREGATE_MAX_EVENTS) {
      group.removeAny();
      key = aggregateKey;
      name = aggregateName;
      message = COMBINED_PREFIX + event.message();
    }
    // eventObserve
    Seen last = seen.get(key);
    int count = 1;
    long first = now;
    boolean patch = false;
    if (last != null && last.count() > 0) {
      name = last.name();
      first = last.firstNanos();
      count = last.count() + 1;
      patch = true;
    }
    seen.put(key, new Seen(count, first, name));
    // filterFunc
    SpamKey spamKey = event.spamKey();
    Bucket bucket = buckets.get(spamKey);
    if (bucket == null) {
      bucket = new Bucket(now);
    }
    boolean accepted = bucket.tryAccept(now);
    buckets.put(spamKey, bucket);
    return new Result(!accepted, name, message, count, first, patch);
  }

  /**
   * {@code UpdateState}: after a successful write, the server's answer is what later repeats are counted from
   * (keyed by the written event's own fields, as client-go keys it).
   */
  void written(Candidate written, int count, long firstNanos) {
    seen.put(written.eventKey(), new Seen(count, firstNanos, written.name()));
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > LRU_ENTRIES;
      }
    };
  }

  /** For tests: the occurrences counted for {@code event}'s key, or null. */
  @Nullable Integer countOf(Candidate event) {
    Seen last = seen.get(event.eventKey());
    return last == null ? null : last.count();
  }
}
