package dev.converge.inmemory.sim.workload;

import com.google.common.collect.ImmutableList;
import dev.converge.api.LabelSelector;
import dev.converge.api.ResourceType;
import org.jspecify.annotations.Nullable;

/**
 * A {@code WorkloadProfile}: the pods of its namespace that {@code selector} picks, each a client of the API
 * server making {@code requests}, and — when {@code proxyWatch} is not empty — a proxy that watches those
 * resources once and answers other profiles' {@code via} requests from its cache.
 *
 * @param namespace the profile's namespace (it selects pods there)
 * @param name the profile's name
 * @param selector the pods it drives
 * @param identity the user its pods act as, or null for each pod's service account
 * @param requests what each pod asks, periodically or once (watches)
 * @param proxyWatch what each pod watches to serve as a proxy; empty if the profile is no proxy
 * @param container the container whose process makes the requests, or null for the pod's default container (its
 *     {@value #DEFAULT_CONTAINER} annotation, else its first container, as kubectl picks it)
 */
public record WorkloadProfileSpec(String namespace, String name, LabelSelector selector, @Nullable String identity,
    ImmutableList<RequestSpec> requests, ImmutableList<ResourceType> proxyWatch, @Nullable String container) {
  /** The pod annotation naming its default container, which kubectl's {@code logs} and {@code exec} use. */
  public static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";

  /** A profile whose requests come from each pod's default container. */
  public WorkloadProfileSpec(String namespace, String name, LabelSelector selector, @Nullable String identity,
      ImmutableList<RequestSpec> requests, ImmutableList<ResourceType> proxyWatch) {
    this(namespace, name, selector, identity, requests, proxyWatch, null);
  }

  public boolean isProxy() {
    return !proxyWatch.isEmpty();
  }

  /** {@code namespace/name}, as reports name proxies. */
  public String key() {
    return namespace + "/" + name;
  }
}
