package dev.converge.inmemory.watch;

import dev.converge.api.backend.WatchEvent;

/**
 * Counts the events the server sends to watches, as kube-apiserver's {@code apiserver_watch_events_total} does:
 * every event a watch is sent, the initial ADDED events of a watch without a version, the replay of one from a
 * version and the BOOKMARKs included ({@code WatchServer.HandleHTTP} counts each event it reads from the watch's
 * result channel before encoding it). Registered with {@code ApiServer.addWatchEventCounter}; only watches opened
 * after that are counted.
 */
@FunctionalInterface
public interface WatchEventCounter {

  /**
   * Called once, under the server's lock, when {@code watcher} opens; the returned tally is called, under the
   * lock, with the type of each event queued for that watch.
   */
  Tally counterFor(Watcher watcher);

  /** The events of one watch. */
  @FunctionalInterface
  interface Tally {
    void sent(WatchEvent.Type type);
  }
}
