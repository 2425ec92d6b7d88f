package dev.converge.testkit.assertions;

import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import org.assertj.core.api.AbstractAssert;

/** Checks on one stored object, reached through {@link ClusterAssert#object}; {@link #and()} returns to the cluster. */
public final class ObjectAssert extends AbstractAssert<ObjectAssert, Resource> {
  private final ClusterAssert cluster;

  ObjectAssert(ClusterAssert cluster, Resource object) {
    super(object, ObjectAssert.class);
    this.cluster = cluster;
  }

  public ClusterAssert and() {
    return cluster;
  }

  /** The object has label {@code name} with {@code value}. */
  public ObjectAssert hasLabel(String name, String value) {
    String found = actual.labels().get(name);
    if (!value.equals(found)) {
      failWithMessage("expected %s to have label %s=%s but it has %s", actual.key(), name, value,
          found == null ? "no such label" : name + "=" + found);
    }
    return this;
  }

  /** The text at the dotted path {@code path} is {@code value} ({@code "spec.template.spec.serviceAccountName"}). */
  public ObjectAssert hasText(String path, String value) {
    String found = actual.at(path).asText(null);
    if (!value.equals(found)) {
      failWithMessage("expected %s at %s to be \"%s\" but it is %s", actual.key(), path, value,
          found == null ? "absent" : "\"" + found + "\"");
    }
    return this;
  }

  /** The object carries both ownership marks of {@code primary}. */
  public ObjectAssert isOwnedBy(ResourceKey primary) {
    if (!Ownership.isOwnedBy(actual, primary)) {
      failWithMessage("expected %s to be owned by %s but its owner label is %s and its owner-key annotation %s",
          actual.key(), primary, actual.labels().get(Ownership.OWNER_LABEL), actual.annotations().get(Ownership.OWNER_ANNOTATION));
    }
    return this;
  }

  /** The object carries no ownership mark of Converge. */
  public ObjectAssert isUnowned() {
    if (actual.labels().containsKey(Ownership.OWNER_LABEL) || actual.annotations().containsKey(Ownership.OWNER_ANNOTATION)) {
      failWithMessage("expected %s to carry no ownership mark but it has %s / %s", actual.key(),
          actual.labels().get(Ownership.OWNER_LABEL), actual.annotations().get(Ownership.OWNER_ANNOTATION));
    }
    return this;
  }

  /** The object is marked for deletion ({@code deletionTimestamp} set). */
  public ObjectAssert isBeingDeleted() {
    if (!actual.isBeingDeleted()) {
      failWithMessage("expected %s to be marked for deletion but it has no deletionTimestamp", actual.key());
    }
    return this;
  }
}
