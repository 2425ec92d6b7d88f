/**
 * kube-controller-manager in the simulation: the DaemonSet, ReplicaSet, Deployment, StatefulSet, disruption,
 * endpoints, node lifecycle, taint eviction and pod GC controllers (from {@code pkg/controller/…}), working from
 * shared informer caches and writing each through a client with a client-side throttle of its own, as {@code
 * system:kube-controller-manager} or, with {@code --use-service-account-credentials}, as its service account
 * ({@link dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials}); plus the garbage collector
 * and namespace controller stepped on the virtual clock.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim.controller;

import org.jspecify.annotations.NullMarked;
