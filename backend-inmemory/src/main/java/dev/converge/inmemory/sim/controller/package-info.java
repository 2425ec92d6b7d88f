/**
 * kube-controller-manager in the simulation: the DaemonSet, ReplicaSet and Deployment controllers (from
 * {@code pkg/controller/daemon}, {@code replicaset} and {@code deployment}), working from shared informer caches
 * and writing through one client, {@code system:kube-controller-manager}, whose client-side throttle all of them
 * share; plus the garbage collector and namespace controller stepped on the virtual clock.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim.controller;

import org.jspecify.annotations.NullMarked;
