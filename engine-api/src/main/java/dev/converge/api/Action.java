package dev.converge.api;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * One change a plan makes: {@link Create}, {@link Update}, {@link Delete} or {@link Replace}. Every action
 * carries its reasons, the edges that ordered it, and the keys of the actions it waits for.
 */
public sealed interface Action permits Action.Create, Action.Update, Action.Delete, Action.Replace {

  /** {@return the key of the resource acted upon} */
  ResourceKey key();

  /**
   * {@return the resource as it is meant to be after the action (desired), or, for deletes, as it is now
   * (live)}
   */
  Resource resource();

  /**
   * {@return why the action exists} For example {@code "not found"}, {@code "spec.replicas differs"} or
   * {@code "no longer desired"}.
   */
  ImmutableList<String> reasons();

  /**
   * Every ordering constraint on this action, prerequisites with and without actions of their own. The
   * executor holds the action until the gated prerequisites among them are ready.
   *
   * @return the edges into this action, prerequisites first
   */
  ImmutableList<Edge> orderedBy();

  /** {@return the keys of the actions in this plan that this action waits for, ordered} */
  ImmutableList<ResourceKey> after();

  /** {@return the verb: {@code create}, {@code update}, {@code delete} or {@code replace}} */
  String verb();

  /** {@return the field-level difference, for updates and replaces; empty for creates and deletes} */
  default Optional<Diff> diff() {
    return Optional.empty();
  }

  /**
   * Create an object that does not exist.
   *
   * @param desired the object to create
   * @param reasons why
   * @param orderedBy the edges that ordered it
   * @param after the keys of the actions it waits for
   */
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

  /**
   * Bring a live object in line with the desired one.
   *
   * @param desired the object as it should be
   * @param live the object as it is
   * @param changes what differs, field by field
   * @param reasons why
   * @param orderedBy the edges that ordered it
   * @param after the keys of the actions it waits for
   */
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

  /**
   * Delete a live object, with a propagation policy for its dependents.
   *
   * @param live the object as it is
   * @param why no longer desired, or orphaned
   * @param propagation what happens to its dependents (Kubernetes' {@code propagationPolicy})
   * @param reasons why, in words
   * @param orderedBy the edges that ordered it
   * @param after the keys of the actions it waits for
   */
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
   *
   * @param desired the object to create
   * @param live the object to delete first
   * @param changes what differs, field by field
   * @param immutableFields the paths among the changes that the server will not update in place
   * @param propagation the propagation policy of the delete
   * @param reasons why
   * @param orderedBy the edges that ordered it
   * @param after the keys of the actions it waits for
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
