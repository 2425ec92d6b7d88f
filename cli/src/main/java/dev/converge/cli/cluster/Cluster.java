package dev.converge.cli.cluster;

import dev.converge.api.ResourceTypes;
import dev.converge.api.Ticker;
import dev.converge.api.backend.Backend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.k8s.KubeconfigContext;
import dev.converge.k8s.KubernetesBackend;
import dev.converge.k8s.KubernetesBackendOptions;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * A cluster a command reads and writes through the {@link Backend} SPI, with a line that tells the user which
 * one it is. Closing it stops the backend's connections (a kubeconfig's) or drops the cluster (in memory).
 */
public final class Cluster implements AutoCloseable {
  private final Backend backend;
  private final String description;
  private final boolean inMemory;
  private final Runnable onClose;

  private Cluster(Backend backend, String description, boolean inMemory, Runnable onClose) {
    this.backend = backend;
    this.description = description;
    this.inMemory = inMemory;
    this.onClose = onClose;
  }

  /**
   * The cluster of a kubeconfig context, through backend-k8s: server-side apply as field manager {@value
   * dev.converge.api.backend.ApplyOptions#DEFAULT_FIELD_MANAGER}, reads by list and get (a command runs once; an
   * informer would only add a watch). Meters go nowhere.
   */
  public static Cluster of(KubeconfigContext context) {
    KubernetesBackend backend = context.backend(KubernetesBackendOptions.defaults(), new CompositeMeterRegistry());
    return new Cluster(backend, context.server() + " (context " + context.context() + ")", false, backend::close);
  }

  /**
   * A new in-memory cluster on the wall clock, bootstrapped as kubeadm leaves one (namespaces {@code default},
   * {@code kube-system}, …), with its garbage collector, namespace and CRD controllers: what {@code apply} would
   * do, shown without touching any real cluster. Nothing survives the command.
   */
  public static Cluster inMemory(long seed) {
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), seed);
    return new Cluster(cluster.backend(), "a new in-memory cluster (discarded on exit; give --kubeconfig for a real one)",
        true, () -> { });
  }

  public Backend backend() {
    return backend;
  }

  /** The kinds the cluster serves, custom resources included (discovery, for a kubeconfig's cluster). */
  public ResourceTypes types() {
    return backend.types();
  }

  /** {@code https://127.0.0.1:6443 (context kind-dev)}, or what the in-memory cluster is. */
  public String describe() {
    return description;
  }

  /** Whether this is a throw-away in-memory cluster. */
  public boolean isInMemory() {
    return inMemory;
  }

  @Override
  public void close() {
    onClose.run();
  }
}
