/**
 * The testkit's small tools: a manually advanced {@link dev.converge.testkit.FakeTicker}, transcripts of side
 * effects ({@link dev.converge.testkit.TranscriptRecorder}, {@link dev.converge.testkit.WatchRecorder}) to assert
 * whole sequences instead of sleeping, {@link dev.converge.testkit.KubeObjects}, builders of the objects tests use,
 * and {@link dev.converge.testkit.LoopbackWebhookServer}, a webhook server over real HTTPS on loopback.
 *
 * <p>Null rules: every type, parameter and return value is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.converge.testkit;

import org.jspecify.annotations.NullMarked;
