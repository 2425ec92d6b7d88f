package dev.converge.inmemory.sim.load;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.primitives.Longs;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.api.backend.WatchEvent;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.watch.WatchEventCounter;
import dev.converge.inmemory.watch.Watcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Accounting over time, fed with every record the server writes ({@code RequestLog.subscribe}), with the events
 * it sends to watches ({@code ApiServer.addWatchEventCounter}) and with the requests proxies answer: per identity, verb and resource; per rate bucket; a latency histogram per identity
 * and per SLO class; rejections. Constant memory per identity, whatever the number of requests. Kubelets are
 * folded into one row ({@code system:node:*}): a 5,000-node cluster has one kubelet line, not 5,000.
 */
public final class LoadAccounting {
  /** The row all kubelets ({@code system:node:<name>}) are folded into. */
  public static final String NODES_ROW = "system:node:*";
  private static final String NODE_PREFIX = "system:node:";

  private final long startNanos;
  private final long bucketNanos;
  private final Map<String, Row> rows = new HashMap<>();
  /** Identity → its row (a kubelet's is the folded one, and it is a member of it already): one lookup per request. */
  private final Map<String, Row> rowByIdentity = new HashMap<>();
  private final EnumMap<SloClass, LatencyHistogram> slos = new EnumMap<>(SloClass.class);
  /** Per SLO class, one histogram per rate bucket: the p99 over time that the report charts. */
  private final EnumMap<SloClass, List<LatencyHistogram>> sloBuckets = new EnumMap<>(SloClass.class);
  private final Map<String, ProxyRow> proxied = new TreeMap<>();
  /** The most pods a workload drove at once under each identity: each pod is a client of its own. */
  private final Map<String, Integer> peakPodClients = new HashMap<>();
  private long total;
  private long rejected;
  private long watchEvents;

  LoadAccounting(long startNanos, long bucketNanos) {
    this.startNanos = startNanos;
    this.bucketNanos = bucketNanos;
    for (SloClass slo : SloClass.values()) {
      slos.put(slo, new LatencyHistogram());
      sloBuckets.put(slo, new ArrayList<>());
    }
  }

  /** Counts one request the API server answered. */
  void record(RequestRecord record) {
    count(rowOf(record.identity()), record);
  }

  /**
   * Counts one request the API server answered for {@code identity} (the record's identity): its row is found
   * through the identity's attachment, by name only the first time.
   */
  void record(RequestRecord record, Identity identity) {
    count(identity.attachment(this, i -> rowOf(record.identity())), record);
  }

  private Row rowOf(String name) {
    Row row = rowByIdentity.get(name);
    if (row == null) {
      boolean node = name.startsWith(NODE_PREFIX);
      row = rows.computeIfAbsent(node ? NODES_ROW : name, Row::new);
      if (node) {
        row.members.add(name);
      }
      rowByIdentity.put(name, row);
    }
    return row;
  }

  private void count(Row row, RequestRecord record) {
    total++;
    row.requests++;
    row.counter(record.verb(), record.resource(), record.subresource())[0]++;
    int bucket = bucketOf(record.startNanos());
    row.buckets = countIn(row.buckets, bucket);
    if (record.code() == 429) {
      rejected++;
      row.rejected++;
      row.rejectedBuckets = countIn(row.rejectedBuckets, bucket);
      return;
    }
    if (!record.succeeded()) {
      row.errors++;
    }
    if (record.verb().equals("watch")) {
      return;
    }
    row.latency.record(record.latencyNanos());
    SloClass slo = SloClass.of(record);
    if (slo != null) {
      slos.get(slo).record(record.latencyNanos());
      List<LatencyHistogram> series = sloBuckets.get(slo);
      while (series.size() <= bucket) {
        series.add(new LatencyHistogram());
      }
      series.get(bucket).record(record.latencyNanos());
    }
  }

  /**
   * The tally of the events the server sends to {@code watcher}, on its identity's row by the watched resource
   * ({@link dev.converge.inmemory.watch.WatchEventCounter}).
   */
  public WatchEventCounter.Tally watchEvents(Watcher watcher) {
    Row row = rowOf(watcher.identity().name());
    long[] count = row.watchEventsByResource.computeIfAbsent(watcher.type().plural(), r -> new long[1]);
    return type -> {
      watchEvents++;
      row.watchEvents++;
      count[0]++;
      if (type == WatchEvent.Type.BOOKMARK) {
        row.watchBookmarks++;
      }
    };
  }

  /**
   * Counts one request a proxy answered for {@code identity}, or could not ({@code served} false: no proxy
   * pod was running).
   */
  public void recordProxied(String proxy, String identity, String verb, boolean served) {
    ProxyRow row = proxied.computeIfAbsent(proxy + '\0' + identity, k -> new ProxyRow(proxy, identity));
    row.requests++;
    row.byVerb.merge(verb, 1L, Long::sum);
    if (!served) {
      row.unavailable++;
    }
  }

  /**
   * {@code running} pods now act as {@code identity}, each with a client of its own (a WorkloadProfile's pods);
   * the identity's row counts the most there were at once as its clients.
   */
  public void podClients(String identity, int running) {
    peakPodClients.merge(identity, running, Math::max);
  }

  /** The load from the start until {@code nowNanos}. */
  public LoadReport report(long nowNanos, List<LevelStats> levels) {
    double minutes = Math.max(1e-9, (nowNanos - startNanos) / 60e9);
    List<IdentityLoad> identities = new ArrayList<>();
    for (Row row : rows.values()) {
      identities.add(row.toLoad(minutes, peakPodClients.getOrDefault(row.identity, 0)));
    }
    identities.sort(Comparator.comparingLong(IdentityLoad::requests).reversed().thenComparing(IdentityLoad::identity));
    ImmutableList.Builder<SloResult> results = ImmutableList.builder();
    for (Map.Entry<SloClass, LatencyHistogram> entry : slos.entrySet()) {
      long p99 = entry.getValue().quantile(0.99);
      results.add(new SloResult(entry.getKey(), entry.getValue().count(), p99, p99 > entry.getKey().threshold().toNanos()));
    }
    ImmutableList.Builder<SloSeries> overTime = ImmutableList.builder();
    for (Map.Entry<SloClass, List<LatencyHistogram>> entry : sloBuckets.entrySet()) {
      ImmutableList.Builder<Long> p99s = ImmutableList.builder();
      ImmutableList.Builder<Long> counts = ImmutableList.builder();
      for (LatencyHistogram bucket : entry.getValue()) {
        p99s.add(bucket.quantile(0.99));
        counts.add(bucket.count());
      }
      overTime.add(new SloSeries(entry.getKey(), counts.build(), p99s.build()));
    }
    ImmutableList.Builder<ProxyLoad> proxies = ImmutableList.builder();
    for (ProxyRow row : proxied.values()) {
      proxies.add(new ProxyLoad(row.proxy, row.identity, row.requests, row.requests / minutes,
          ImmutableSortedMap.copyOf(row.byVerb), row.unavailable));
    }
    return new LoadReport(startNanos, nowNanos, bucketNanos, total, rejected, ImmutableList.copyOf(identities),
        results.build(), overTime.build(), ImmutableList.copyOf(levels), proxies.build(), watchEvents);
  }

  private static long[] countIn(long[] buckets, int bucket) {
    long[] counts = bucket < buckets.length ? buckets : Arrays.copyOf(buckets, Math.max(bucket + 1, buckets.length * 2));
    counts[bucket]++;
    return counts;
  }

  private static ImmutableList<Long> trimmed(long[] buckets) {
    int last = buckets.length;
    while (last > 0 && buckets[last - 1] == 0) {
      last--;
    }
    return ImmutableList.copyOf(Longs.asList(Arrays.copyOf(buckets, last)));
  }

  private int bucketOf(long nanos) {
    return (int) Math.max(0, (nanos - startNanos) / bucketNanos);
  }

  private static final int RECENT = 4;

  /** One identity's counters. */
  private static final class Row {
    final String identity;
    final Set<String> members = new HashSet<>();
    /** verb → resource → subresource ("" for none) → count: no string is built per request. */
    final Map<String, Map<String, Map<String, long[]>>> byVerb = new HashMap<>();
    final LatencyHistogram latency = new LatencyHistogram();
    /** The last few (verb, resource, subresource) keys and their counters: most requests repeat one of them. */
    private final String[][] recentKeys = new String[RECENT][];
    private final long[][] recentCounts = new long[RECENT][];
    private int nextRecent;
    long[] buckets = new long[0];
    long[] rejectedBuckets = new long[0];
    /** Watched resource → events sent to this identity's watches of it. */
    final Map<String, long[]> watchEventsByResource = new TreeMap<>();
    long watchEvents;
    long watchBookmarks;
    long requests;
    long rejected;
    long errors;

    Row(String identity) {
      this.identity = identity;
    }

    /** The counter of one verb, resource and subresource, from the recent keys or else the maps. */
    long[] counter(String verb, String resource, String subresource) {
      for (int i = 0; i < RECENT; i++) {
        String[] key = recentKeys[i];
        if (key != null && key[0].equals(verb) && key[1].equals(resource) && key[2].equals(subresource)) {
          return recentCounts[i];
        }
      }
      long[] count = byVerb.computeIfAbsent(verb, v -> new HashMap<>())
          .computeIfAbsent(resource, r -> new HashMap<>())
          .computeIfAbsent(subresource, r -> new long[1]);
      recentKeys[nextRecent] = new String[] {verb, resource, subresource};
      recentCounts[nextRecent] = count;
      nextRecent = (nextRecent + 1) % RECENT;
      return count;
    }

    IdentityLoad toLoad(double minutes, int podClients) {
      TreeMap<String, Long> verbs = new TreeMap<>();
      TreeMap<String, Long> resources = new TreeMap<>();
      byVerb.forEach((verb, byResource) -> byResource.forEach((resource, bySub) -> bySub.forEach((sub, count) -> {
        verbs.merge(verb, count[0], Long::sum);
        resources.put(verb + " " + resource + (sub.isEmpty() ? "" : "/" + sub), count[0]);
      })));
      return new IdentityLoad(identity, Math.max(1, Math.max(members.size(), podClients)), requests, requests / minutes,
          ImmutableSortedMap.copyOf(verbs), ImmutableSortedMap.copyOf(resources), rejected, errors,
          latency.quantile(0.99), trimmed(buckets), trimmed(rejectedBuckets), watchEvents, watchEvents / minutes,
          watchBookmarks, watchEventsByResource.entrySet().stream().collect(ImmutableSortedMap.toImmutableSortedMap(
              Comparator.naturalOrder(), Map.Entry::getKey, e -> e.getValue()[0])));
    }
  }

  /** One (proxy, identity) pair's counters. */
  private static final class ProxyRow {
    final String proxy;
    final String identity;
    final Map<String, Long> byVerb = new TreeMap<>();
    long requests;
    long unavailable;

    ProxyRow(String proxy, String identity) {
      this.proxy = proxy;
      this.identity = identity;
    }
  }
}
