package dev.converge.testkit;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Records side effects as short tokens ({@code "apply ConfigMap/shop/web"}, {@code "R0.20"}) so a test asserts
 * the whole sequence at once instead of sleeping and sampling, as Guava's {@code RateLimiter} tests do:
 *
 * <pre>{@code
 * TranscriptRecorder transcript = new TranscriptRecorder();
 * cluster.requests().subscribe(transcript.recording(r -> r.verb() + " " + r.resource() + "/" + r.name()));
 * ...
 * assertThat(transcript.drain()).containsExactly("create configmaps/web", "delete configmaps/old");
 * }</pre>
 *
 * <p>Thread-safe: tokens may be recorded from a delivery thread while the test reads.
 */
public final class TranscriptRecorder {
  private final List<String> tokens = new ArrayList<>();

  /** Appends one token. */
  public synchronized void record(String token) {
    tokens.add(token);
  }

  /** A consumer that records {@code format(value)} for every value it is given. */
  public <T> Consumer<T> recording(Function<? super T, String> format) {
    return value -> record(format.apply(value));
  }

  /** Everything recorded so far, oldest first. */
  public synchronized ImmutableList<String> tokens() {
    return ImmutableList.copyOf(tokens);
  }

  /** Everything recorded since the last drain, oldest first, and forgets it: the next drain starts afresh. */
  public synchronized ImmutableList<String> drain() {
    ImmutableList<String> out = ImmutableList.copyOf(tokens);
    tokens.clear();
    return out;
  }

  public synchronized int size() {
    return tokens.size();
  }

  @Override
  public synchronized String toString() {
    return tokens.toString();
  }
}
