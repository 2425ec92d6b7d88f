package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.POD;
import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.controller.KubeControllerManager;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The garbage collector and the namespace controller on the virtual clock: nothing happens inside the delete
 * request any more (the in-memory cluster's run-to-completion default is off); their steps run as scheduler
 * events, and the pods they delete go through their kubelets' graceful termination.
 */
class GarbageAndNamespaceScenarioTest {

  private static final String GC_ACCOUNT = "system:serviceaccount:kube-system:generic-garbage-collector";
  private static final String NAMESPACE_ACCOUNT = "system:serviceaccount:kube-system:namespace-controller";
  private static final String MANAGER = KubeControllerManager.IDENTITY.name();

  /** Deletes DaemonSet {@code agent} of 3 pods and lets the collector delete them; returns the simulation. */
  private static Simulation collectDaemonSetPods(Credentials credentials) {
    Simulation sim = Simulation.builder().seed(2).kubelet(fixedKubelet()).pool(NodePool.plain(3))
        .controllerCredentials(credentials).build().start();
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofSeconds(30));
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(3);

    sim.server().delete(Identity.admin(), ResourceKey.namespaced("apps", "DaemonSet", "default", "agent"),
        DeleteParams.of(Propagation.BACKGROUND));
    // Right after the request the pods are untouched: the collector has not run yet.
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(3).noneMatch(p -> p.isBeingDeleted());
    sim.runFor(Duration.ZERO);
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(3).allMatch(p -> p.isBeingDeleted());
    sim.runFor(Duration.ofSeconds(5));

    assertThat(podsOf(sim, "DaemonSet", "agent")).isEmpty();
    assertThat(sim.controllerManager().builtins().steps()).isPositive();
    return sim;
  }

  @Test
  void deletingADaemonSet_theGarbageCollectorDeletesItsPods_onTheClock() {
    // Without --use-service-account-credentials the collector acts as kube-controller-manager itself, with it as
    // its account: the ControllerRevision and the three pods either way.
    Simulation shared = collectDaemonSetPods(Credentials.SHARED);
    assertThat(shared.cluster().requests().count(MANAGER, "delete")).isEqualTo(4);
    assertThat(shared.cluster().requests().count(GC_ACCOUNT, "delete")).isZero();
    Simulation accounts = collectDaemonSetPods(Credentials.SERVICE_ACCOUNTS);
    assertThat(accounts.cluster().requests().count(GC_ACCOUNT, "delete")).isEqualTo(4);
    assertThat(accounts.cluster().requests().count(MANAGER, "delete")).isZero();
  }

  @Test
  void deletingANamespace_removesEverythingInIt_thenTheNamespace() {
    Simulation sim = Simulation.builder().seed(2).kubelet(fixedKubelet()).pool(NodePool.plain(2))
        .controllerCredentials(Credentials.SERVICE_ACCOUNTS).build().start();
    sim.create("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"}}");
    sim.create(deployment("web", 3, "nginx:1").replace("\"namespace\":\"default\"", "\"namespace\":\"shop\""));
    sim.runFor(Duration.ofSeconds(30));
    assertThat(sim.server().cache().inNamespace(POD, "shop")).hasSize(3);

    sim.server().delete(Identity.admin(), ResourceKey.cluster("", "Namespace", "shop"), DeleteParams.defaults());
    assertThat(sim.server().cache().get(GroupKind.of("", "Namespace"), "", "shop").isBeingDeleted()).isTrue();
    sim.runFor(Duration.ofSeconds(30));

    assertThat(sim.server().cache().inNamespace(POD, "shop")).isEmpty();
    assertThat(sim.server().cache().inNamespace(GroupKind.of("apps", "Deployment"), "shop")).isEmpty();
    assertThat(sim.server().cache().get(GroupKind.of("", "Namespace"), "", "shop")).isNull();
    // The namespace controller emptied it and removed its finalizer as its own account.
    assertThat(sim.cluster().requests().count(NAMESPACE_ACCOUNT, "delete")).isPositive();
    assertThat(sim.cluster().requests().count(NAMESPACE_ACCOUNT, "update")).isEqualTo(1);
  }
}
