package dev.converge.api;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * One change a plan makes: {@link Create}, {@link Update}, {@link Delete} or {@link Replace}. Every action
 * carries its reasons, the edges that ordered it, and the keys of the actions it waits for.
 */
public sealed interface Action permits Action.Create, Action.Update, Action.Delete, Action.Replace {

  /** The resource acted upon. */
  ResourceKey key();

  /** The resource as it is meant to be after the action (desired), or, for deletes, as it is now (live). */
  Resource resource();

  /** Why the action exists ({@code "not found"}, {@code "spec.replicas differs"}, {@code "no longer desired"}). */
  ImmutableList<String> reasons();

  /**
   * Every ordering constraint on this action, prerequisites with and without actions of their own. The
   * executor holds the action until the gated prerequisites among them are ready.
   */
  ImmutableList<Edge> orderedBy();

  /** The keys of the actions in this plan that this action waits for, ordered. */
  ImmutableList<ResourceKey> after();

  /** {@code create}, {@code update}, {@code delete} or {@code replace}. */
  String verb();

  /** The field-level difference, for updates and replaces. */
  default Optional<Diff> diff() {
    return Optional.empty();
  }

  /** Create an object that does not exist. */
  record Create(Resource desired, ImmutableList<String> reasons, ImmutableList<Edge> orderedBy, ImmutableList<ResourceKey> after)
      implements Action {
    @Override
    public ResourceKey key() {
      return desired.key();
    }

    @Override
    public Resource resource() {
      return desired;
    }

    @Override
    public String verb() {
      return "create";
    }
  }

  /** Bring a live object in line with the desired one; {@code diff} lists what differs. */
  record Update(
      Resource desired, Resource live, Diff changes, ImmutableList<String> reasons, ImmutableList<Edge> orderedBy, ImmutableList<ResourceKey> after)
      implements Action {
    @Override
    public ResourceKey key() {
      return desired.key();
    }

    @Override
    public Resource resource() {
      return desired;
    }

    @Override
    public String verb() {
      return "update";
    }

    @Override
    public Optional<Diff> diff() {
      return Optional.of(changes);
    }
  }

  /** Delete a live object, with a propagation policy for its dependents. */
  record Delete(
      Resource live, DeleteReason why, Propagation propagation, ImmutableList<String> reasons, ImmutableList<Edge> orderedBy, ImmutableList<ResourceKey> after)
      implements Action {
    @Override
    public ResourceKey key() {
      return live.key();
    }

    @Override
    public Resource resource() {
      return live;
    }

    @Override
    public String verb() {
      return "delete";
    }
  }

  /**
   * Delete then create, because a field that changed is immutable ({@code spec.selector} of a workload,
   * {@code spec.clusterIP} of a Service). Workloads are deleted with {@link Propagation#ORPHAN} so their pods
   * keep running until the new object adopts or replaces them.
   */
  record Replace(
      Resource desired,
      Resource live,
      Diff changes,
      ImmutableList<String> immutableFields,
      Propagation propagation,
      ImmutableList<String> reasons,
      ImmutableList<Edge> orderedBy,
      ImmutableList<ResourceKey> after)
      implements Action {
    @Override
    public ResourceKey key() {
      return desired.key();
    }

    @Override
    public Resource resource() {
      return desired;
    }

    @Override
    public String verb() {
      return "replace";
    }

    @Override
    public Optional<Diff> diff() {
      return Optional.of(changes);
    }
  }
}
