/**
 * The simulated cluster: one seed, one virtual clock ({@link dev.converge.core.time.VirtualScheduler}), and the
 * components that make a Kubernetes cluster move — kubelets, the scheduler, kube-controller-manager's
 * controllers — each making ordinary, accounted API requests under its own identity through a
 * {@link dev.converge.inmemory.sim.runtime.SimClient}. Everything significant is folded into a trace whose
 * hash is the same for the same seed and inputs.
 *
 * <p>Single-threaded by design: every component runs on the virtual scheduler's thread.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim;

import org.jspecify.annotations.NullMarked;
