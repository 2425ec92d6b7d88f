package dev.converge.inmemory.accounting;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * One request as the server saw it.
 *
 * @param sequence the request's number, from 1, in arrival order
 * @param identity the caller's user name
 * @param verb the verb ({@code get}, {@code list}, {@code watch}, {@code create}, …)
 * @param group the API group, empty for the core group
 * @param resource the plural resource
 * @param subresource the subresource, or empty
 * @param namespace the namespace, or empty
 * @param name the object's name, or empty
 * @param scope resource, namespace or cluster
 * @param scanned objects the server had to look at to answer (a list without an index scans every object of
 *     the kind in scope)
 * @param returned objects returned (items of a list, initial events of a watch, 1 for a single object)
 * @param code the HTTP status code of the response
 * @param mutating whether the verb changes state
 * @param startNanos the server ticker's time when the request arrived
 * @param latencyNanos the simulated latency, set by interceptors (a load model); 0 when none is modelled
 * @param warnings admission warnings returned to the caller
 * @param attributes free-form attributes that interceptors add (priority level, flow, seats, …)
 */
public record RequestRecord(
    long sequence,
    String identity,
    String verb,
    String group,
    String resource,
    String subresource,
    String namespace,
    String name,
    Scope scope,
    int scanned,
    int returned,
    int code,
    boolean mutating,
    long startNanos,
    long latencyNanos,
    ImmutableList<String> warnings,
    ImmutableMap<String, String> attributes) {

  /** {@code resource/subresource}, or {@code resource}. */
  public String resourceWithSubresource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /** Whether the request succeeded (2xx). */
  public boolean succeeded() {
    return code >= 200 && code < 300;
  }
}
