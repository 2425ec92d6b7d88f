/**
 * What every simulated component stands on: the shared {@link dev.converge.inmemory.sim.runtime.SimContext}
 * (clock, server, seeded randomness, trace), {@link dev.converge.inmemory.sim.runtime.SimClient} (a client
 * process with its own identity and client-side throttle, whose answers arrive after the modelled latency),
 * {@link dev.converge.inmemory.sim.runtime.Informer} (list, then watch, into a local cache), and the watch
 * dispatcher that delivers events on the virtual clock.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.inmemory.sim.runtime;

import org.jspecify.annotations.NullMarked;
