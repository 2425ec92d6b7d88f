package dev.converge.cli.cluster;

import dev.converge.api.GroupKind;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Selection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads what a command plans against: the selection's kinds by label (the objects {@code --prune} may delete),
 * then every desired object by key. Unlike {@link Backend#observe}, a kind that cannot be listed — forbidden to
 * this identity, or served without {@code list} — does not stop the command: it is reported and its objects are
 * simply not pruned. Missing data can only mean fewer deletes, never more.
 */
public final class LiveObjects {
  private static final int PAGE = 500;

  private LiveObjects() {}

  /** The live objects {@code selection} names; {@code warn} receives one line per kind that could not be listed. */
  public static Observed observe(Backend backend, Selection selection, Consumer<String> warn) {
    Map<ResourceKey, Resource> found = new LinkedHashMap<>();
    for (GroupKind kind : selection.kinds()) {
      try {
        String token = null;
        do {
          ListResult page = backend.list(ListRequest.all(kind).withLabels(selection.labels()).page(PAGE, token));
          page.items().forEach(item -> found.putIfAbsent(item.key(), item));
          token = page.continueToken();
        } while (token != null);
      } catch (BackendException.Forbidden | BackendException.NotFound | BackendException.Invalid cannotList) {
        warn.accept("cannot list " + kind + " (" + cannotList.getClass().getSimpleName() + "): its objects are not pruned");
      }
    }
    for (ResourceKey key : selection.keys()) {
      if (!found.containsKey(key)) {
        try {
          backend.get(key).ifPresent(object -> found.put(object.key(), object));
        } catch (BackendException.NotFound kindNotServed) {
          // The kind is not served (yet): the object does not exist. A CRD in the same files will serve it.
        }
      }
    }
    return Observed.of(found.values());
  }
}
