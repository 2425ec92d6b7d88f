package dev.converge.k8s;

import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a Kubernetes Lease, through client-java-extended's {@link LeaderElector}: only the
 * leader reconciles, and another replica takes over at most one lease duration after the leader stops
 * renewing (at once when the leader closes cleanly, because closing releases the lease).
 *
 * <p>{@link #start()} runs the election on its own thread; a candidate that loses the lease goes back to
 * trying to acquire it. {@code onStartLeading} and {@code onStopLeading} alternate strictly, starting with
 * {@code onStartLeading}, each called once per term; they run under this object's lock, so they must hand
 * long work to another thread. The gauge {@code converge.k8s.leader} (tags {@code lease}, {@code identity}) is
 * 1 while leading.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final ApiClient client;
  private final LeaderElectionSettings settings;
  private final Runnable onStartLeading;
  private final Runnable onStopLeading;
  private final Object lock = new Object();
  private final Thread thread;

  private volatile boolean closed;
  private boolean leading;
  private @Nullable LeaderElector elector;
  private @Nullable Term term;

  /** One attempt of the elector: a term whose stop came before its (asynchronous) start never starts. */
  private static final class Term {
    boolean stopped;
  }

  /**
   * @param client the connection whose identity writes the Lease; not modified
   * @param settings the Lease and the durations
   * @param onStartLeading called when this candidate becomes leader
   * @param onStopLeading called when it stops leading (lost the lease, or closed)
   * @param registry where the leader gauge goes
   */
  public LeaderElection(
      ApiClient client, LeaderElectionSettings settings, Runnable onStartLeading, Runnable onStopLeading,
      MeterRegistry registry) {
    this.client = client;
    this.settings = settings;
    this.onStartLeading = onStartLeading;
    this.onStopLeading = onStopLeading;
    this.thread = new Thread(this::campaign, "converge-leader-election-" + settings.name());
    this.thread.setDaemon(true);
    Gauge.builder("converge.k8s.leader", this, election -> election.isLeader() ? 1 : 0)
        .description("1 while this candidate leads")
        .tag("lease", settings.namespace() + "/" + settings.name())
        .tag("identity", settings.identity())
        .register(registry);
  }

  /** Starts campaigning; returns at once. */
  public LeaderElection start() {
    thread.start();
    return this;
  }

  public boolean isLeader() {
    synchronized (lock) {
      return leading;
    }
  }

  public LeaderElectionSettings settings() {
    return settings;
  }

  private void campaign() {
    while (!closed) {
      LeaderElectionConfig config = new LeaderElectionConfig(
          new TypedLeaseLock(settings.namespace(), settings.name(), settings.identity(), client),
          settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod());
      LeaderElector current = new LeaderElector(config, failure -> LOG.debug("lease {}/{}: {}",
          settings.namespace(), settings.name(), failure.toString()));
      Term mine = new Term();
      synchronized (lock) {
        if (closed) {
          return;
        }
        elector = current;
        term = mine;
      }
      try {
        current.run(() -> started(mine), () -> stopped(mine));
      } catch (RuntimeException e) {
        LOG.warn("leader election on {}/{} failed; campaigning again", settings.namespace(), settings.name(), e);
        stopped(mine);
      }
      if (!closed) {
        current.close(); // release the executors of this attempt before the next one
      }
    }
  }

  private void started(Term mine) {
    synchronized (lock) {
      if (mine.stopped || closed || leading) {
        return;
      }
      leading = true;
      onStartLeading.run();
    }
  }

  private void stopped(Term mine) {
    synchronized (lock) {
      mine.stopped = true;
      if (leading) {
        leading = false;
        onStopLeading.run();
      }
    }
  }

  /**
   * Stops campaigning: a leader gets {@code onStopLeading} first, then releases the Lease (so another candidate
   * takes over at its next try, never while {@code onStopLeading} runs). Waits for the election thread, at most a
   * lease duration. An embedding whose work must not overlap the next leader's waits in {@code onStopLeading}
   * until that work has ended.
   */
  @Override
  public void close() {
    LeaderElector current;
    Term currentTerm;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      current = elector;
      currentTerm = term;
    }
    boolean wasLeading = isLeader();
    // Stop leading before the Lease is given up: once it is released another candidate may start at its next
    // try, and two replicas must never reconcile at once (client-go cancels the leader's context, which stops its
    // controllers, before ReleaseOnCancel writes the empty holder).
    if (currentTerm != null) {
      stopped(currentTerm);
    }
    if (current != null) {
      current.close(); // shuts its workers down and, if it leads, writes an empty holder into the Lease
    }
    thread.interrupt();
    try {
      thread.join(settings.leaseDuration().plus(Duration.ofSeconds(1)).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (wasLeading) {
      releaseIfStillHeld();
    }
  }

  /**
   * Makes sure the Lease no longer names this candidate. The elector's own release can fail: with a retry
   * period under a second its close interrupts a renewal in flight, and the release then writes at a stale
   * {@code resourceVersion}. An empty holder lets the next candidate acquire at its next try, as client-go's
   * {@code ReleaseOnCancel} does, instead of waiting out the lease.
   */
  private void releaseIfStillHeld() {
    CoordinationV1Api api = new CoordinationV1Api(client);
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        V1Lease lease = api.readNamespacedLease(settings.name(), settings.namespace()).execute();
        V1LeaseSpec spec = lease.getSpec();
        if (spec == null || !settings.identity().equals(spec.getHolderIdentity())) {
          return;
        }
        spec.setHolderIdentity(null);
        api.replaceNamespacedLease(settings.name(), settings.namespace(), lease).execute();
        return;
      } catch (ApiException e) {
        if (e.getCode() != 409) {
          LOG.warn("could not release lease {}/{}: {}", settings.namespace(), settings.name(), e.getCode());
          return;
        }
      }
    }
  }
}
