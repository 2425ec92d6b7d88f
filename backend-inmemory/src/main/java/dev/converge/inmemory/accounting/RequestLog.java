package dev.converge.inmemory.accounting;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.converge.inmemory.server.Identity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Every request the server answered, in order, with cheap aggregate counts. Tests query it ("how many
 * mutating requests did the second pass make?"); the load model subscribes to it ({@link
 * #subscribe(Consumer)}) to build rates and latency percentiles.
 *
 * <p>Keeping every record costs memory in long simulations, so retention is optional ({@link
 * #retainRecords(boolean)}); the per-identity, per-verb counts are always kept.
 *
 * <p>Thread-safe: the server appends under its lock; readers get snapshots.
 */
public final class RequestLog {
  private final List<RequestRecord> records = new ArrayList<>();
  /** Counts by identity, then verb; hashed (sorted only when read), with mutable counters (no boxing per request). */
  private final Map<String, Map<String, long[]>> countsByIdentityVerb = new HashMap<>();
  private final List<Consumer<RequestRecord>> subscribers = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<RequestRecord, Identity>> identitySubscribers = new CopyOnWriteArrayList<>();
  /** The counter of the last request's identity and verb: series of requests by one caller skip the maps. */
  private String lastIdentity = "";
  private String lastVerb = "";
  private long[] lastCount = new long[1];
  /** Bumped by {@link #clear()}: identities' attached counters from before are void. */
  private long epoch;
  private long sequence;
  private long total;
  private long mutating;
  private boolean retain = true;

  /** The next request's sequence number. */
  public synchronized long nextSequence() {
    return ++sequence;
  }

  /**
   * One identity's counters by verb, as attached to an {@link Identity} (valid in one epoch), with the counter
   * of the verb it used last.
   */
  private static final class Counts {
    final long epoch;
    final Map<String, long[]> byVerb;
    String lastVerb = "";
    long[] lastCount = new long[1];

    Counts(long epoch, Map<String, long[]> byVerb) {
      this.epoch = epoch;
      this.byVerb = byVerb;
    }

    long[] counter(String verb) {
      if (!verb.equals(lastVerb)) {
        lastCount = byVerb.computeIfAbsent(verb, k -> new long[1]);
        lastVerb = verb;
      }
      return lastCount;
    }
  }

  private Counts countsOf(String identity) {
    return new Counts(epoch, countsByIdentityVerb.computeIfAbsent(identity, k -> new HashMap<>(8)));
  }

  /** Records one request; called by the server once the response code is known. */
  public void append(RequestRecord record) {
    append(record, null);
  }

  /**
   * Records one request made by {@code identity} (whose name is the record's identity): its counters are found
   * through the identity itself rather than by name, and identity-aware subscribers get it too.
   */
  public void append(RequestRecord record, @Nullable Identity identity) {
    synchronized (this) {
      total++;
      if (record.mutating()) {
        mutating++;
      }
      String name = record.identity();
      String verb = record.verb();
      if (name.equals(lastIdentity) && verb.equals(lastVerb)) {
        lastCount[0]++;
      } else {
        if (identity != null) {
          Counts counts = identity.attachment(this, i -> countsOf(name));
          if (counts.epoch != epoch) {
            counts = countsOf(name);
            identity.attach(this, counts);
          }
          lastCount = counts.counter(verb);
        } else {
          lastCount = countsByIdentityVerb.computeIfAbsent(name, k -> new HashMap<>(8))
              .computeIfAbsent(verb, k -> new long[1]);
        }
        lastIdentity = name;
        lastVerb = verb;
        lastCount[0]++;
      }
      if (retain) {
        records.add(record);
      }
    }
    for (Consumer<RequestRecord> subscriber : subscribers) {
      subscriber.accept(record);
    }
    if (identity != null) {
      for (BiConsumer<RequestRecord, Identity> subscriber : identitySubscribers) {
        subscriber.accept(record, identity);
      }
    }
  }

  /**
   * Calls {@code subscriber} with every later record the server appends with its {@link Identity} (every
   * request it serves), on the thread that made the request.
   */
  public void subscribeWithIdentity(BiConsumer<RequestRecord, Identity> subscriber) {
    identitySubscribers.add(subscriber);
  }

  /** Whether to keep each record (default true); counts are kept either way. */
  public synchronized RequestLog retainRecords(boolean keep) {
    this.retain = keep;
    return this;
  }

  /** Calls {@code subscriber} with every later record, on the thread that made the request. */
  public void subscribe(Consumer<RequestRecord> subscriber) {
    subscribers.add(subscriber);
  }

  /** The retained records, oldest first. */
  public synchronized ImmutableList<RequestRecord> records() {
    return ImmutableList.copyOf(records);
  }

  /** The retained records with a sequence number greater than {@code mark} (see {@link #mark()}). */
  public synchronized ImmutableList<RequestRecord> since(long mark) {
    ImmutableList.Builder<RequestRecord> out = ImmutableList.builder();
    for (int i = records.size() - 1; i >= 0 && records.get(i).sequence() > mark; i--) {
      out.add(records.get(i));
    }
    return out.build().reverse();
  }

  /** The sequence number of the last request so far: pass it to {@link #since(long)} later. */
  public synchronized long mark() {
    return sequence;
  }

  /** Requests answered so far (retained or not). */
  public synchronized long total() {
    return total;
  }

  /** Mutating requests (create, update, patch, delete) answered so far, whatever their outcome. */
  public synchronized long mutatingTotal() {
    return mutating;
  }

  /** Retained records matching {@code filter}. */
  public synchronized long count(Predicate<RequestRecord> filter) {
    long n = 0;
    for (RequestRecord record : records) {
      if (filter.test(record)) {
        n++;
      }
    }
    return n;
  }

  /** Requests by {@code identity} with {@code verb} (counted even when records are not retained). */
  public synchronized long count(String identity, String verb) {
    Map<String, long[]> byVerb = countsByIdentityVerb.get(identity);
    long[] count = byVerb == null ? null : byVerb.get(verb);
    return count == null ? 0 : count[0];
  }

  /** Requests by {@code identity}, all verbs. */
  public synchronized long countByIdentity(String identity) {
    Map<String, long[]> byVerb = countsByIdentityVerb.get(identity);
    return byVerb == null ? 0 : byVerb.values().stream().mapToLong(count -> count[0]).sum();
  }

  /** Counts per identity, then per verb, sorted. */
  public synchronized ImmutableSortedMap<String, ImmutableSortedMap<String, Long>> countsByIdentityAndVerb() {
    ImmutableSortedMap.Builder<String, ImmutableSortedMap<String, Long>> out = ImmutableSortedMap.naturalOrder();
    countsByIdentityVerb.forEach((identity, verbs) -> {
      ImmutableSortedMap.Builder<String, Long> byVerb = ImmutableSortedMap.naturalOrder();
      verbs.forEach((verb, count) -> byVerb.put(verb, count[0]));
      out.put(identity, byVerb.build());
    });
    return out.build();
  }

  /** The retained mutating records, oldest first. */
  public synchronized ImmutableList<RequestRecord> mutatingRecords() {
    return records.stream().filter(RequestRecord::mutating).collect(ImmutableList.toImmutableList());
  }

  /** Forgets retained records and counts (sequence numbers keep growing). */
  public synchronized void clear() {
    records.clear();
    countsByIdentityVerb.clear();
    epoch++;
    lastIdentity = "";
    lastVerb = "";
    lastCount = new long[1];
    total = 0;
    mutating = 0;
  }
}
