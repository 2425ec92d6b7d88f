package dev.converge.testkit.proofs;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.drive.SimulatedDriver;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.faults.FaultInjector;
import dev.converge.inmemory.server.Identity;
import dev.converge.testkit.KubeObjects;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One simulated world of the proofs: a virtual clock, an in-memory cluster serving the Shop CRD, the
 * operator's service account bound to {@code cluster-admin}, and the real {@link ControlLoop} driven by the
 * {@link SimulatedDriver} as that service account. The test itself writes as {@code system:admin}, so the
 * request log tells the operator's requests from everyone else's.
 */
final class ProofWorld {
  static final String OPERATOR_NAMESPACE = "converge-system";
  static final Identity OPERATOR = Identity.serviceAccount(OPERATOR_NAMESPACE, "shop-operator");

  final VirtualScheduler clock = new VirtualScheduler();
  final InMemoryCluster cluster;
  final InMemoryBackend admin;
  final ControlLoop<ShopReconciler.Shop> loop;
  final SimulatedDriver driver;

  ProofWorld(long seed, @Nullable FaultInjector faults) {
    this(seed, faults, Duration.ZERO, new SimpleMeterRegistry());
  }

  /** A world whose driver resyncs every {@code resync} (zero: never) and publishes to {@code registry}. */
  ProofWorld(long seed, @Nullable FaultInjector faults, Duration resync, MeterRegistry registry) {
    this.cluster = faults == null
        ? InMemoryCluster.create(clock, seed)
        : InMemoryCluster.create(clock, seed, config -> config.interceptor(faults).watchFaults(faults));
    this.admin = cluster.backend();
    admin.create(Resource.of(dev.converge.api.Json.parse(ShopReconciler.CRD)));
    admin.create(KubeObjects.namespace(OPERATOR_NAMESPACE));
    admin.create(KubeObjects.namespace("shop"));
    admin.create(KubeObjects.serviceAccount(OPERATOR_NAMESPACE, "shop-operator"));
    admin.create(KubeObjects.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"shop-operator"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"kind":"ServiceAccount","name":"shop-operator","namespace":"%s"}]}""".formatted(OPERATOR_NAMESPACE)));
    this.loop = ControlLoop.builder(cluster.backend(OPERATOR), new ShopReconciler(), clock).seed(seed)
        .meterRegistry(registry).build();
    this.driver = SimulatedDriver.builder(loop, clock).resyncPeriod(resync).build();
  }

  ProofWorld(long seed) {
    this(seed, null);
  }

  /** Starts the driver and runs the simulation until nothing is left to do. */
  ProofWorld start() {
    driver.start();
    clock.runUntilIdle();
    return this;
  }

  void settle() {
    clock.runUntilIdle();
  }

  Resource live(ResourceKey key) {
    return admin.get(key).orElseThrow(() -> new AssertionError(key + " does not exist"));
  }
}
