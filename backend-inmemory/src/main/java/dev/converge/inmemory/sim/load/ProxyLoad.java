package dev.converge.inmemory.sim.load;

import com.google.common.collect.ImmutableSortedMap;

/**
 * Requests that one identity sent to a proxy (a workload that watches the API server once and answers from
 * its cache) instead of the API server: counted apart, since the API server never sees them.
 *
 * @param proxy the proxy profile ({@code namespace/name})
 * @param identity who asked
 * @param requests requests sent to the proxy
 * @param perMinute requests per minute over the run
 * @param byVerb requests per verb
 * @param unavailable requests that found no running proxy pod
 */
public record ProxyLoad(String proxy, String identity, long requests, double perMinute,
    ImmutableSortedMap<String, Long> byVerb, long unavailable) {}
