package dev.converge.inmemory.sim.load;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;

/**
 * What one identity did to the API server over a run. Kubelets ({@code system:node:<name>}) are folded into
 * one row, {@code system:node:*}, with the number of nodes as {@code clients}.
 *
 * @param identity the user name (or {@code system:node:*})
 * @param clients how many clients the row counts, each with its own connection and rate limit: the nodes for {@code
 *     system:node:*}, the most pods a WorkloadProfile drove at once under a pod identity, else 1
 * @param requests requests answered, rejected ones included
 * @param perMinute requests per minute over the run
 * @param byVerb requests per verb
 * @param byResource requests per {@code verb resource[/subresource]}
 * @param rejected requests answered 429
 * @param errors other failed requests (4xx, 5xx)
 * @param p99Nanos the p99 server latency (queue wait and service) of its requests, rejections and watches
 *     left out
 * @param perBucket requests per bucket of the rates over time (a minute by default), from the start of the run
 *     (trailing empty buckets left out)
 * @param rejectedPerBucket of those, the requests answered 429, per bucket (trailing empty buckets left out)
 * @param watchEvents events the server sent to its watches, BOOKMARKs included ({@code
 *     apiserver_watch_events_total}, by watcher)
 * @param watchEventsPerMinute those per minute over the run
 * @param watchBookmarks of those, the BOOKMARKs
 * @param watchEventsByResource events sent per watched resource
 */
public record IdentityLoad(String identity, int clients, long requests, double perMinute,
    ImmutableSortedMap<String, Long> byVerb, ImmutableSortedMap<String, Long> byResource, long rejected, long errors,
    long p99Nanos, ImmutableList<Long> perBucket, ImmutableList<Long> rejectedPerBucket,
    long watchEvents, double watchEventsPerMinute, long watchBookmarks, ImmutableSortedMap<String, Long> watchEventsByResource) {

  /** Requests per minute with {@code verb}. */
  public double perMinute(String verb) {
    return requests == 0 ? 0 : perMinute * byVerb.getOrDefault(verb, 0L) / requests;
  }
}
