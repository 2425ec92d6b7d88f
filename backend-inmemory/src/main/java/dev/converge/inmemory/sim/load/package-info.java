/**
 * The load model of the simulated cluster: what limits and measures the traffic simulated components send
 * to the in-memory API server.
 *
 * <ul>
 *   <li>{@link dev.converge.inmemory.sim.load.PriorityAndFairness}: API priority and fairness as a {@link
 *       dev.converge.inmemory.server.RequestInterceptor} — flow schemas, priority levels sharing 600 seats,
 *       shuffle-sharded queues with fair queuing, LIST width by objects scanned, 429 with {@code
 *       Retry-After} — and the {@link dev.converge.inmemory.sim.load.LatencyModel} that turns objects
 *       scanned and returned into service time. It is also the simulation's {@code RequestAdmission}: a {@code
 *       SimClient} request (after its client-side throttle, Kubernetes' defaults from the simulation's {@code
 *       ThrottleFactory}) waits in its queue on the virtual clock and runs when dispatched;
 *   <li>{@link dev.converge.inmemory.sim.load.LoadAccounting}: requests per identity, verb and resource, rates
 *       per minute, p99 latency per SLO class, rejections and SLO breaches, as a {@link
 *       dev.converge.inmemory.sim.load.LoadReport}.
 * </ul>
 *
 * <p>{@link dev.converge.inmemory.sim.load.LoadModel} wires them onto one simulation's context.
 * Single-threaded, like the simulation it belongs to; no wall clock, no unseeded randomness.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim.load;

import org.jspecify.annotations.NullMarked;
