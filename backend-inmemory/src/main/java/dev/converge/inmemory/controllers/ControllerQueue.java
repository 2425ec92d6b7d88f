package dev.converge.inmemory.controllers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A de-duplicating FIFO of work items with a deferred list for items that failed (client-go's workqueue,
 * without rate limiting: time is the driver's business).
 */
final class ControllerQueue<T> {
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<T> queued = new HashSet<>();
  private final List<T> deferred = new ArrayList<>();

  void add(T item) {
    if (queued.add(item)) {
      queue.addLast(item);
    }
  }

  @Nullable T poll() {
    T item = queue.pollFirst();
    if (item != null) {
      queued.remove(item);
    }
    return item;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  void defer(T item) {
    deferred.add(item);
  }

  void retryDeferred() {
    if (deferred.isEmpty()) {
      return; // the common case, after every request: nothing to copy
    }
    List<T> items = new ArrayList<>(deferred);
    deferred.clear();
    items.forEach(this::add);
  }
}
