package dev.converge.core.plan;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Action;
import dev.converge.api.DeleteReason;
import dev.converge.api.Diff;
import dev.converge.api.Edge;
import dev.converge.api.FieldChange;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import org.jspecify.annotations.Nullable;

/** An action before it is ordered: what to do and why, without its edges. */
record Pending(
    Verb verb,
    Resource resource,
    @Nullable Resource live,
    Diff diff,
    ImmutableList<String> immutableFields,
    Propagation propagation,
    DeleteReason why) {

  enum Verb {
    CREATE,
    UPDATE,
    REPLACE,
    DELETE
  }

  static Pending create(Resource desired) {
    return new Pending(Verb.CREATE, desired, null, Diff.none(), ImmutableList.of(), Propagation.BACKGROUND, DeleteReason.NO_LONGER_DESIRED);
  }

  static Pending update(Resource desired, Resource live, Diff diff) {
    return new Pending(Verb.UPDATE, desired, live, diff, ImmutableList.of(), Propagation.BACKGROUND, DeleteReason.NO_LONGER_DESIRED);
  }

  static Pending replace(Resource desired, Resource live, Diff diff, ImmutableList<String> immutableFields) {
    return new Pending(Verb.REPLACE, desired, live, diff, immutableFields,
        ImmutableFields.replacePropagation(desired.groupKind()), DeleteReason.NO_LONGER_DESIRED);
  }

  static Pending delete(Resource live, DeleteReason why) {
    return new Pending(Verb.DELETE, live, live, Diff.none(), ImmutableList.of(), Propagation.BACKGROUND, why);
  }

  ResourceKey key() {
    return resource.key();
  }

  /** The reasons the plan prints: {@code not found}, {@code spec.replicas differs}, {@code no longer desired}. */
  ImmutableList<String> reasons() {
    switch (verb) {
      case CREATE:
        return ImmutableList.of("not found");
      case UPDATE: {
        ImmutableList.Builder<String> reasons = ImmutableList.builder();
        for (FieldChange change : diff.changes()) {
          reasons.add(change.path() + " differs");
        }
        return reasons.build();
      }
      case REPLACE: {
        ImmutableList.Builder<String> reasons = ImmutableList.builder();
        for (String field : immutableFields) {
          reasons.add("immutable field " + field + " differs");
        }
        return reasons.build();
      }
      default:
        return ImmutableList.of(why.phrase());
    }
  }

  Action toAction(ImmutableList<Edge> orderedBy, ImmutableList<ResourceKey> after) {
    Resource old = live;
    switch (verb) {
      case CREATE:
        return new Action.Create(resource, reasons(), orderedBy, after);
      case UPDATE:
        return new Action.Update(resource, requireLive(old), diff, reasons(), orderedBy, after);
      case REPLACE:
        return new Action.Replace(resource, requireLive(old), diff, immutableFields, propagation, reasons(), orderedBy, after);
      default:
        return new Action.Delete(resource, why, propagation, reasons(), orderedBy, after);
    }
  }

  private static Resource requireLive(@Nullable Resource live) {
    if (live == null) {
      throw new IllegalStateException("update without a live object");
    }
    return live;
  }
}
