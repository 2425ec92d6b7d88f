package dev.converge.core.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The loop's own writes to the primary: adding and removing its finalizer (an update with the
 * resourceVersion it read) and writing status through the status subresource. Each re-reads the primary and
 * tries again on a 409 Conflict, as client-go's {@code retry.RetryOnConflict} does, a bounded number of times.
 */
final class PrimaryWrites {
  private final Backend backend;
  private final Function<ResourceKey, Optional<Resource>> reread;
  private final int attempts;
  private final LoopMetrics metrics;

  /**
   * @param backend where the writes go
   * @param reread how the primary is read again after a conflict (from the server: a conflict means the copy
   *     the write was based on is stale, and a cache may still hold it)
   */
  PrimaryWrites(Backend backend, Function<ResourceKey, Optional<Resource>> reread, int attempts, LoopMetrics metrics) {
    this.backend = backend;
    this.reread = reread;
    this.attempts = attempts;
    this.metrics = metrics;
  }

  /**
   * The primary with {@code finalizer}, added if missing.
   *
   * @return the primary as stored, or null if it disappeared meanwhile
   */
  @Nullable Resource ensureFinalizer(Resource primary, String finalizer, Pass pass) {
    return retrying(primary, "finalizer-conflict", current -> {
      if (current.finalizers().contains(finalizer)) {
        return current;
      }
      pass.writes++;
      return backend.update(current.edit(tree -> finalizers(tree).add(finalizer)));
    });
  }

  /** Removes {@code finalizer} if present; the server then deletes the primary if no finalizer is left. */
  void removeFinalizer(Resource primary, String finalizer, Pass pass) {
    retrying(primary, "finalizer-conflict", current -> {
      if (!current.finalizers().contains(finalizer)) {
        return current;
      }
      pass.writes++;
      List<String> kept = current.finalizers().stream().filter(f -> !f.equals(finalizer)).toList();
      return backend.update(current.edit(tree -> {
        ObjectNode metadata = tree.withObjectProperty("metadata");
        if (kept.isEmpty()) {
          metadata.remove("finalizers");
        } else {
          ArrayNode list = metadata.putArray("finalizers");
          kept.forEach(list::add);
        }
      }));
    });
  }

  /**
   * Writes the status {@code compute} gives for the primary, only if it differs from the primary's current
   * status. On a conflict the primary is re-read and the status computed again from it (the reconciler keeps
   * {@code lastTransitionTime} from what it sees), so a condition never loses its history.
   *
   * @return whether a status was written
   */
  boolean writeStatus(Resource primary, Function<Resource, ObjectNode> compute, Pass pass) {
    boolean[] written = new boolean[1];
    retrying(primary, "status-conflict", current -> {
      JsonNode status = Json.freeze(compute.apply(current));
      if (sameStatus(current.status(), status)) {
        return current;
      }
      pass.writes++;
      Resource stored = backend.updateStatus(current.edit(tree -> tree.set("status", status.deepCopy())));
      written[0] = true;
      return stored;
    });
    return written[0];
  }

  /**
   * Equal trees, compared whole. A missing status and an empty object count as the same: servers drop an
   * empty status, and writing {@code {}} again every pass would never converge.
   */
  static boolean sameStatus(JsonNode current, JsonNode wanted) {
    boolean currentEmpty = current.isMissingNode() || current.isNull() || (current.isObject() && current.isEmpty());
    boolean wantedEmpty = wanted.isMissingNode() || wanted.isNull() || (wanted.isObject() && wanted.isEmpty());
    return currentEmpty && wantedEmpty || current.equals(wanted);
  }

  private static ArrayNode finalizers(ObjectNode tree) {
    return tree.withObjectProperty("metadata").withArrayProperty("finalizers");
  }

  private @Nullable Resource retrying(Resource primary, String reason, Function<Resource, Resource> write) {
    Resource current = primary;
    for (int attempt = 1; ; attempt++) {
      try {
        return write.apply(current);
      } catch (BackendException.Conflict conflict) {
        if (attempt >= attempts) {
          throw conflict;
        }
        metrics.retry(reason);
        Optional<Resource> fresh = reread.apply(current.key());
        if (fresh.isEmpty()) {
          return null;
        }
        current = fresh.get();
      }
    }
  }

  /** Counts one pass's writes to the primary. */
  static final class Pass {
    int writes;
  }
}
