package dev.converge.inmemory.sim.controller;

import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.controllers.ClusterRoleAggregationController;
import dev.converge.inmemory.controllers.Controller;
import dev.converge.inmemory.controllers.ControllerManager;
import dev.converge.inmemory.controllers.GarbageCollector;
import dev.converge.inmemory.controllers.NamespaceController;
import dev.converge.inmemory.controllers.RootCaPublisher;
import dev.converge.inmemory.controllers.ServiceAccountsController;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import dev.converge.inmemory.sim.runtime.ClientThrottle;

/**
 * The in-memory cluster's built-in controllers (garbage collector, namespace, ClusterRole aggregation, service
 * account and CRD controllers, root CA publisher), driven on the
 * virtual clock instead of run to completion after every request: after a request leaves them work, one step
 * of each runs as a scheduler event, and the requests a step made are charged to a client-side throttle of
 * kube-controller-manager's, which delays the next step accordingly ("pay after": a step's requests are only
 * known once it ran). They share that one throttle, where each has its own client in kube-controller-manager:
 * their steps are charged together. kube-controller-manager's controllers act as its credentials give them: their
 * service accounts (their default) with {@code --use-service-account-credentials}, the manager's own identity
 * without; the CRD controller is kube-apiserver's and keeps its identity.
 */
public final class ClockedBuiltins {
  private final InMemoryCluster cluster;
  private final VirtualScheduler clock;
  private final ClientThrottle throttle;
  private final Credentials credentials;
  private boolean scheduled;
  private long steps;

  public ClockedBuiltins(InMemoryCluster cluster, VirtualScheduler clock, ClientThrottle throttle,
      Credentials credentials) {
    this.cluster = cluster;
    this.clock = clock;
    this.throttle = throttle;
    this.credentials = credentials;
  }

  /**
   * Switches the built-ins to MANUAL mode, makes kube-controller-manager's act as its credentials give them, and
   * steps them from the server's post-request hook.
   */
  public void install() {
    if (credentials == Credentials.SHARED) {
      for (Controller controller : cluster.controllers().controllers()) {
        if (controller instanceof GarbageCollector gc) {
          gc.actAs(KubeControllerManager.IDENTITY);
        } else if (controller instanceof NamespaceController namespaces) {
          namespaces.actAs(KubeControllerManager.IDENTITY);
        } else if (controller instanceof ClusterRoleAggregationController aggregation) {
          aggregation.actAs(KubeControllerManager.IDENTITY);
        } else if (controller instanceof ServiceAccountsController accounts) {
          accounts.actAs(KubeControllerManager.IDENTITY);
        } else if (controller instanceof RootCaPublisher publisher) {
          publisher.actAs(KubeControllerManager.IDENTITY);
        }
      }
    }
    cluster.controllers().setMode(ControllerManager.Mode.MANUAL);
    cluster.server().setPostRequestHook(this::afterRequest);
  }

  /** Steps taken so far. */
  public long steps() {
    return steps;
  }

  private void afterRequest() {
    if (!scheduled && cluster.controllers().hasWork()) {
      scheduled = true;
      clock.scheduleAt(clock.nanoTime(), this::step);
    }
  }

  private void step() {
    scheduled = false;
    long before = cluster.requests().mark();
    boolean[] worked = new boolean[1];
    cluster.server().locked(() -> worked[0] = cluster.controllers().stepAll());
    if (worked[0]) {
      steps++;
    }
    long made = cluster.requests().mark() - before;
    long wait = 0;
    for (long i = 0; i < made; i++) {
      wait = throttle.reserve(clock.nanoTime());
    }
    if (!scheduled && cluster.controllers().hasWork()) {
      scheduled = true;
      clock.scheduleAt(clock.nanoTime() + wait, this::step);
    }
  }
}
