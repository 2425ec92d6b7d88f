package dev.converge.k8s;

import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** A watch listener that records events as tokens ({@code ADDED ConfigMap/ns/a}) for transcript assertions. */
final class RecordingListener implements WatchListener {
  private final List<String> tokens = new ArrayList<>();
  private final List<WatchEvent> events = new ArrayList<>();
  final CompletableFuture<@Nullable BackendException> closed = new CompletableFuture<>();

  @Override
  public synchronized void onEvent(WatchEvent event) {
    events.add(event);
    tokens.add(event.type() + " " + event.object().key());
    notifyAll();
  }

  @Override
  public void onClose(@Nullable BackendException cause) {
    closed.complete(cause);
  }

  synchronized List<String> tokens() {
    return List.copyOf(tokens);
  }

  synchronized List<WatchEvent> events() {
    return List.copyOf(events);
  }

  /** Waits (an IT, with a deadline) until the recorded tokens satisfy {@code condition}; returns them. */
  synchronized List<String> awaitTokens(Predicate<List<String>> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(tokens)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(tokens);
  }
}
