package dev.converge.k8s;

import dev.converge.api.backend.ApplyOptions;
import java.time.Duration;

/**
 * How a {@link KubernetesBackend} behaves. Start from {@link #defaults()} and change what you need.
 *
 * @param fieldManager the manager recorded for this backend's writes; it replaces the engine's default
 *     manager ({@value ApplyOptions#DEFAULT_FIELD_MANAGER}) in applies, and names updates and creates
 * @param requestTimeout the whole-call timeout of every request except watches
 * @param informers whether {@code observe} answers from informers (list + watch per kind, with the
 *     backend's own writes fed back) instead of listing and getting on every call
 * @param informerResync how often informers re-deliver their cache to their handlers (zero: never)
 * @param informerSyncTimeout how long the first observation of a kind waits for its informer's first list
 * @param watchTransport how watches travel
 * @param watchTimeout the {@code timeoutSeconds} asked of the server for each watch connection; the watch
 *     is reopened from its last version when the server ends it
 * @param maxRetries retries of the apply fallback after a conflict, and reconnections of a watch after
 *     consecutive failures, before giving up
 * @param discoveryMissInterval the least time between two discoveries triggered by a kind the last
 *     discovery did not know
 */
public record KubernetesBackendOptions(
    String fieldManager,
    Duration requestTimeout,
    boolean informers,
    Duration informerResync,
    Duration informerSyncTimeout,
    WatchTransport watchTransport,
    Duration watchTimeout,
    int maxRetries,
    Duration discoveryMissInterval) {

  public KubernetesBackendOptions {
    if (fieldManager.isEmpty() || fieldManager.length() > 128) {
      throw new IllegalArgumentException("fieldManager must be 1 to 128 characters");
    }
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(informerSyncTimeout, "informerSyncTimeout");
    requirePositive(watchTimeout, "watchTimeout");
    if (informerResync.isNegative()) {
      throw new IllegalArgumentException("informerResync must not be negative");
    }
    if (discoveryMissInterval.isNegative()) {
      throw new IllegalArgumentException("discoveryMissInterval must not be negative");
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative");
    }
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /**
   * Manager {@code converge}, 30 s requests, no informers, informer resync every 10 minutes and 30 s to sync,
   * HTTP-stream watches of 5 minutes, 5 retries, discovery at most every 2 s on unknown kinds.
   */
  public static KubernetesBackendOptions defaults() {
    return new KubernetesBackendOptions(
        ApplyOptions.DEFAULT_FIELD_MANAGER, Duration.ofSeconds(30), false, Duration.ofMinutes(10),
        Duration.ofSeconds(30), WatchTransport.HTTP_STREAM, Duration.ofMinutes(5), 5, Duration.ofSeconds(2));
  }

  public KubernetesBackendOptions withFieldManager(String manager) {
    return new KubernetesBackendOptions(manager, requestTimeout, informers, informerResync, informerSyncTimeout,
        watchTransport, watchTimeout, maxRetries, discoveryMissInterval);
  }

  public KubernetesBackendOptions withRequestTimeout(Duration timeout) {
    return new KubernetesBackendOptions(fieldManager, timeout, informers, informerResync, informerSyncTimeout,
        watchTransport, watchTimeout, maxRetries, discoveryMissInterval);
  }

  /** Observation from informers, resynced every {@code resync} (zero: never). */
  public KubernetesBackendOptions withInformers(Duration resync) {
    return new KubernetesBackendOptions(fieldManager, requestTimeout, true, resync, informerSyncTimeout,
        watchTransport, watchTimeout, maxRetries, discoveryMissInterval);
  }

  public KubernetesBackendOptions withInformerSyncTimeout(Duration timeout) {
    return new KubernetesBackendOptions(fieldManager, requestTimeout, informers, informerResync, timeout,
        watchTransport, watchTimeout, maxRetries, discoveryMissInterval);
  }

  public KubernetesBackendOptions withWatchTransport(WatchTransport transport) {
    return new KubernetesBackendOptions(fieldManager, requestTimeout, informers, informerResync, informerSyncTimeout,
        transport, watchTimeout, maxRetries, discoveryMissInterval);
  }

  public KubernetesBackendOptions withWatchTimeout(Duration timeout) {
    return new KubernetesBackendOptions(fieldManager, requestTimeout, informers, informerResync, informerSyncTimeout,
        watchTransport, timeout, maxRetries, discoveryMissInterval);
  }

  public KubernetesBackendOptions withMaxRetries(int retries) {
    return new KubernetesBackendOptions(fieldManager, requestTimeout, informers, informerResync, informerSyncTimeout,
        watchTransport, watchTimeout, retries, discoveryMissInterval);
  }

  public KubernetesBackendOptions withDiscoveryMissInterval(Duration interval) {
    return new KubernetesBackendOptions(fieldManager, requestTimeout, informers, informerResync, informerSyncTimeout,
        watchTransport, watchTimeout, maxRetries, interval);
  }
}
