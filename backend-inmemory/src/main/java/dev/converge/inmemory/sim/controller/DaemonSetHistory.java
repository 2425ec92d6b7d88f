package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A DaemonSet's ControllerRevisions ({@code constructHistory}, {@code cleanupHistory}): find the revision that
 * holds the current template or create it (revision number one above the highest old one), bump a re-used
 * revision's number, and delete the oldest old revisions beyond {@code revisionHistoryLimit} that no live pod
 * still uses.
 */
final class DaemonSetHistory {
  private final SimClient client;
  private final Informer revisions;

  DaemonSetHistory(SimClient client, Informer revisions) {
    this.client = client;
    this.revisions = revisions;
  }

  /**
   * Calls {@code then} with the current revision's hash and the old revisions, creating or renumbering the
   * current revision first if need be; {@code failed} gets the error of a failed request. The revisions are
   * the DaemonSet's after a claim of its namespace's ({@code controlledHistories}): orphans its selector
   * matches are adopted, and its own that the selector no longer matches are released.
   */
  void construct(DaemonSetView view, BiConsumer<String, List<Resource>> then, Consumer<Throwable> failed) {
    List<Resource> candidates = List.copyOf(revisions.inNamespace(view.ds.namespace()).values());
    new ControllerRefManager(client, view.ds, view.selector::matches, List.of()).claim(candidates, claim -> {
      if (claim.error() != null) {
        failed.accept(claim.error());
      } else {
        construct(view, claim.claimed(), then, failed);
      }
    });
  }

  private void construct(DaemonSetView view, List<Resource> owned, BiConsumer<String, List<Resource>> then,
      Consumer<Throwable> failed) {
    List<Resource> current = new ArrayList<>();
    List<Resource> old = new ArrayList<>();
    for (Resource revision : owned) {
      (Revisions.matches(view.ds, revision) ? current : old).add(revision);
    }
    long next = maxRevision(old) + 1;
    if (current.isEmpty()) {
      long collisions = view.ds.status().path("collisionCount").asLong(0);
      String hash = Revisions.hash(view.ds.spec().path("template"), collisions);
      client.create(Revisions.controllerRevision(view.ds, hash, next), response -> {
        // AlreadyExists: the informer has not seen our earlier create yet. Kubernetes re-reads it and bumps
        // collisionCount on a true hash collision; with a 32-bit hash of one template that does not happen here.
        if (response.ok() || response.failedWith(BackendException.AlreadyExists.class)) {
          then.accept(hash, old);
        } else {
          failed.accept(response.error());
        }
      });
      return;
    }
    current.sort(Comparator.comparingLong(DaemonSetHistory::revisionOf));
    Resource keep = current.get(current.size() - 1);
    String hash = keep.labels().getOrDefault(Revisions.HASH_LABEL, keep.name());
    if (revisionOf(keep) < next) {
      Resource renumbered = keep.edit(tree -> tree.put("revision", next));
      client.update(renumbered, response -> {
        if (response.ok()) {
          then.accept(hash, old);
        } else {
          failed.accept(response.error());
        }
      });
      return;
    }
    then.accept(hash, old);
  }

  /** Deletes old revisions beyond the history limit whose hash no live pod carries, oldest first. */
  void cleanup(DaemonSetView view, List<Resource> old, java.util.function.Supplier<Set<String>> live, Runnable then) {
    int toKill = old.size() - view.revisionHistoryLimit;
    if (toKill <= 0) {
      then.run();
      return;
    }
    Set<String> liveHashes = live.get();
    List<Resource> sorted = new ArrayList<>(old);
    sorted.sort(Comparator.comparingLong(DaemonSetHistory::revisionOf));
    List<Resource> victims = new ArrayList<>();
    for (Resource revision : sorted) {
      if (victims.size() == toKill) {
        break;
      }
      if (!liveHashes.contains(revision.labels().getOrDefault(Revisions.HASH_LABEL, ""))) {
        victims.add(revision);
      }
    }
    if (victims.isEmpty()) {
      then.run();
      return;
    }
    int[] pending = {victims.size()};
    for (Resource victim : victims) {
      client.delete(victim.key(), DeleteParams.defaults(), response -> {
        if (--pending[0] == 0) {
          then.run();
        }
      });
    }
  }

  private static long maxRevision(List<Resource> revisions) {
    long max = 0;
    for (Resource revision : revisions) {
      max = Math.max(max, revisionOf(revision));
    }
    return max;
  }

  static long revisionOf(Resource revision) {
    return revision.json().path("revision").asLong(0);
  }
}
