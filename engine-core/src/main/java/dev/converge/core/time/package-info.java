/**
 * Time as a value the engine is handed, never one it reads: {@link dev.converge.core.time.VirtualScheduler}
 * is a discrete-event scheduler over a virtual clock (it is the {@link dev.converge.api.Ticker} of a
 * simulation), and {@link dev.converge.core.time.TaskScheduler} is the small seam through which drivers and
 * watches ask for "run this later", whether later is virtual or real.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.time;

import org.jspecify.annotations.NullMarked;
