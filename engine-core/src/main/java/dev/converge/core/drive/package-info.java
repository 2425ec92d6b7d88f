/**
 * Who runs the control loop, and when. {@link dev.converge.core.drive.SimulatedDriver} runs it on a {@link
 * dev.converge.core.time.VirtualScheduler}: one thread, virtual time, the same transcript for the same seed.
 * {@link dev.converge.core.drive.ThreadedDriver} runs it in real time with worker threads and a Guava {@link
 * com.google.common.util.concurrent.Service} lifecycle. Both feed the same {@link
 * dev.converge.core.loop.WorkQueue} from the same {@link dev.converge.core.loop.EventRouter} and apply a pass's
 * {@link dev.converge.core.loop.Requeue} the same way, so a reconciler behaves the same under both.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.core.drive;

import org.jspecify.annotations.NullMarked;
