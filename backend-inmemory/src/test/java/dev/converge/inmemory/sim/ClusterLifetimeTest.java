package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodePool;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A cluster the embedding has dropped is garbage, whatever identities it served. Identities outlive clusters
 * (an embedding's own is a constant, as {@code converge simulate}'s is), and the per-identity state the
 * server's components attach to them once kept every one of those components, and through them their whole
 * cluster, reachable: a process that made a simulated cluster per test or per run grew by a cluster each
 * time (about 90 MB per 2,000-node run, in {@code Quick simulate --runs 5 --nodes 2000}).
 */
class ClusterLifetimeTest {
  /** Long-lived, as an embedding's identity is: both a member of system:masters and one RBAC must judge. */
  private static final Identity OPERATOR = Identity.user("operator", Identity.MASTERS);
  private static final Identity READER = Identity.user("reader");

  @Test
  void aDroppedSimulation_isCollected_althoughTheIdentitiesItServedLiveOn() {
    WeakReference<Simulation> dropped = runAndDrop();

    for (int i = 0; i < 5 && dropped.get() != null; i++) {
      System.gc();
    }

    assertThat(dropped.get()).as("the dropped simulation is unreachable").isNull();
    // The identities still serve a new cluster (the attachments they lost are caches).
    Simulation next = Simulation.builder().seed(7).kubelet(fixedKubelet()).pool(NodePool.plain(1)).build().start();
    next.runFor(Duration.ofSeconds(30));
    assertThat(next.server().get(OPERATOR, ResourceKey.cluster("", "Namespace", "default")).name())
        .isEqualTo("default");
    assertThatThrownBy(() -> next.server().get(READER, ResourceKey.cluster("", "Namespace", "default")))
        .isInstanceOf(BackendException.class).hasMessageContaining("forbidden");
  }

  /** A simulation that served both identities, and ran its controllers and kubelets for a while; then dropped. */
  private static WeakReference<Simulation> runAndDrop() {
    Simulation sim = Simulation.builder().seed(7).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.runFor(Duration.ofSeconds(1));
    sim.server().create(OPERATOR, Resource.of(Json.parse(daemonSet("agent", "", ""))));
    sim.runFor(Duration.ofMinutes(2));
    ResourceKey defaultNamespace = ResourceKey.cluster("", "Namespace", "default");
    assertThat(sim.server().get(OPERATOR, defaultNamespace).name()).isEqualTo("default");
    assertThatThrownBy(() -> sim.server().get(READER, defaultNamespace)).isInstanceOf(BackendException.class);
    return new WeakReference<>(sim);
  }
}
