/**
 * The control loop: {@link dev.converge.core.loop.ControlLoop#reconcile} is one synchronous, level-triggered
 * pass over a primary (observe, plan, execute, observe, status; finalizer cleanup on deletion), and around it
 * the pieces a driver needs — the {@link dev.converge.core.loop.WorkQueue} with client-go's semantics, its
 * {@link dev.converge.core.loop.RateLimiter}s, and the {@link dev.converge.core.loop.EventRouter} that maps
 * watch events of primaries and owned objects to primary keys. Who calls {@code reconcile} and when is the
 * drivers' business ({@code dev.converge.core.drive}).
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.loop;

import org.jspecify.annotations.NullMarked;
