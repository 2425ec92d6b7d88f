package dev.converge.api.backend;

import dev.converge.api.Observed;
import dev.converge.api.ReadyGate;
import dev.converge.api.Readiness;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cluster the engine can read and write: the in-memory cluster, or a real one through the Kubernetes API.
 * A backend instance acts as one identity (a user or service account) and every request it makes is
 * authorized as that identity.
 *
 * <p>Every method may throw {@link BackendException}: {@link BackendException.Unavailable} when the server
 * cannot answer now, {@link BackendException.Forbidden} when the identity may not make the request. The
 * behaviour promised here is tested once, by the contract suite in testkit, against every backend.
 */
public interface Backend {

  /** {@return the kinds this backend serves, custom resources included, as of the last discovery} */
  ResourceTypes types();

  /**
   * Reads one object.
   *
   * @param key the object's key
   * @return the object, or empty if it does not exist
   * @throws BackendException.NotFound if its kind is not served
   */
  Optional<Resource> get(ResourceKey key);

  /**
   * Lists objects of one kind.
   *
   * @param request the kind, the scope, the selectors and the page
   * @return one page of objects, in namespace/name order, and the token of the next page
   * @throws BackendException.Gone if {@code request.continueToken()} has expired
   */
  ListResult list(ListRequest request);

  /**
   * Creates {@code resource} ({@code POST}): unlike {@link #apply}, it fails when the name is taken, which is
   * what a caller that must not adopt someone else's object needs (a generated token, a lock).
   *
   * <p>An optional operation: the engine itself only applies, so a backend may leave it out; the contract
   * suite skips its create tests for such a backend and says so. Both shipped backends implement it.
   *
   * @param resource the object to create, without server fields
   * @return the object as stored, with server fields
   * @throws BackendException.AlreadyExists if an object of that kind and name exists (also while it is being
   *     deleted)
   * @throws BackendException.NotFound if its namespace or kind does not exist
   * @throws BackendException.Invalid if it fails validation or admission rejects it
   * @throws UnsupportedOperationException if this backend cannot create without applying
   */
  default Resource create(Resource resource) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement create; use apply");
  }

  /**
   * Creates or updates {@code resource} by server-side apply: the fields {@code resource} sets become owned
   * by {@code options.fieldManager()}; fields it omits that the manager owned before are removed; fields
   * other managers own are left alone.
   *
   * @param resource the fields to apply, with {@code apiVersion}, {@code kind} and name
   * @param options the field manager, and whether to force
   * @return the object as stored, with server fields
   * @throws BackendException.Conflict if another manager owns a field {@code resource} sets with a different
   *     value and {@code options.force()} is false
   * @throws BackendException.Invalid if the result fails validation or admission rejects it
   */
  Resource apply(Resource resource, ApplyOptions options);

  /**
   * Replaces an object's main resource (everything but {@code status}), with optimistic concurrency: {@code
   * resource} must carry the {@code resourceVersion} it was read at.
   *
   * @param resource the whole object as it should be, with the {@code resourceVersion} it was read at
   * @return the object as stored, with its new {@code resourceVersion}
   * @throws BackendException.Conflict if the object changed since
   * @throws BackendException.NotFound if it does not exist
   */
  Resource update(Resource resource);

  /**
   * Replaces an object's {@code status} through the status subresource, with optimistic concurrency.
   *
   * @param resource the object with the new status and the {@code resourceVersion} it was read at
   * @return the object as stored, with its new {@code resourceVersion}
   * @throws BackendException.Conflict if the object changed since it was read
   */
  Resource updateStatus(Resource resource);

  /**
   * Deletes an object. An object with finalizers is only marked ({@code deletionTimestamp}) until they are
   * removed.
   *
   * @param key the object's key
   * @param options the propagation policy for its dependents and optional preconditions
   * @return true if the object existed (and is now deleted or being deleted), false if it did not
   */
  boolean delete(ResourceKey key, DeleteOptions options);

  /**
   * Starts a watch. Events arrive in {@code resourceVersion} order. Without a version, the current objects
   * arrive first as ADDED events.
   *
   * @param request the kind, the scope, the selectors, the version to start after, and whether to send
   *     bookmarks
   * @param listener where events arrive, and the close
   * @return the handle that stops the watch
   * @throws BackendException.Gone if {@code request.resourceVersion()} is older than the server's history
   */
  Subscription watch(WatchRequest request, WatchListener listener);

  /**
   * Observes the objects a selection names: each key read (absent keys are left out), and every object of
   * the selection's kinds that matches its labels. Backends with a cache (informers) override this to
   * answer without requests.
   *
   * @param selection the keys and the labelled kinds to observe
   * @return what exists of them, by key
   */
  default Observed observe(Selection selection) {
    List<Resource> found = new ArrayList<>();
    java.util.Set<ResourceKey> seen = new java.util.HashSet<>();
    for (var kind : selection.kinds()) {
      String token = null;
      do {
        ListResult page = list(ListRequest.all(kind).withLabels(selection.labels()).page(500, token));
        for (Resource item : page.items()) {
          if (seen.add(item.key())) {
            found.add(item);
          }
        }
        token = page.continueToken();
      } while (token != null);
    }
    for (ResourceKey key : selection.keys()) {
      if (!seen.contains(key)) {
        try {
          get(key).ifPresent(object -> {
            seen.add(object.key());
            found.add(object);
          });
        } catch (BackendException.NotFound kindNotServed) {
          // The kind is not served (yet): the object does not exist. A CRD created by this plan will serve it.
        }
      }
    }
    return Observed.of(found);
  }

  /**
   * {@return the readiness of the live object at {@code key} under {@code gate}; not ready if it does not
   * exist}
   *
   * @param key the object's key
   * @param gate the rule that decides readiness
   */
  default Readiness readiness(ResourceKey key, ReadyGate gate) {
    return get(key)
        .map(live -> gate.check(live, this::get))
        .orElseGet(() -> Readiness.notReady(key + " does not exist"));
  }
}
