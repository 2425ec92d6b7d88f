package dev.converge.guides.website;

import dev.converge.api.backend.Backend;
import dev.converge.k8s.LeaderElection;
import dev.converge.k8s.LeaderElectionSettings;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The Website operator run as several replicas, one of which works: each replica campaigns for the Lease
 * {@code website-operator} (client-go's leader election, through {@code backend-k8s}), and only the leader runs a
 * {@link WebsiteOperator}. A replica that loses the Lease stops its operator at once, so two replicas never
 * reconcile the same Website; the next leader starts a fresh one, which reconciles every Website first. The
 * election calls back on its own thread; starting and stopping, which wait, happen on this replica's one worker.
 */
public final class LeaderElectedOperator implements AutoCloseable {
  private final Backend backend;
  private final MeterRegistry registry;
  private final LeaderElection election;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "website-operator-leadership");
    thread.setDaemon(true);
    return thread;
  });
  private @Nullable WebsiteOperator running;

  /**
   * A replica named {@code identity} (its pod's name) that campaigns in {@code namespace}, not started.
   *
   * @param client the connection the Lease is written with
   * @param backend the cluster the operator reconciles, acting as the operator
   * @param settings the Lease to campaign for, and who this replica is
   * @param registry where the operator's meters and the leader gauge go
   */
  public LeaderElectedOperator(ApiClient client, Backend backend, LeaderElectionSettings settings, MeterRegistry registry) {
    this.backend = backend;
    this.registry = registry;
    // guide: begin leader
    this.election = new LeaderElection(client, settings,
        () -> worker.execute(this::startOperator),   // became leader: reconcile
        () -> worker.execute(this::stopOperator),    // lost the Lease or closing: stop before anyone else starts
        registry);
    // guide: end leader
  }

  /** Starts campaigning; returns at once. */
  public LeaderElectedOperator start() {
    election.start();
    return this;
  }

  /** Whether this replica holds the Lease now. */
  public boolean isLeader() {
    return election.isLeader();
  }

  private void startOperator() {
    WebsiteOperator operator = new WebsiteOperator(backend, registry);
    try {
      operator.start();
      running = operator;
    } catch (TimeoutException e) {
      operator.close();
      throw new IllegalStateException("the operator did not start within 30 s", e);
    }
  }

  private void stopOperator() {
    WebsiteOperator operator = running;
    running = null;
    if (operator != null) {
      operator.close();
    }
  }

  /** Stops the operator if it runs, then gives up the Lease. */
  @Override
  public void close() {
    election.close();
    worker.shutdown();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
