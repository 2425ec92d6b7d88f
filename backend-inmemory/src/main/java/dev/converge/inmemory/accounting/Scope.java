package dev.converge.inmemory.accounting;

/**
 * The scope of a request, as Kubernetes' API call latency SLOs classify reads: one resource (≤ 1 s p99), a
 * namespace (≤ 5 s) or the whole cluster (≤ 30 s).
 */
public enum Scope {
  RESOURCE,
  NAMESPACE,
  CLUSTER
}
