package dev.converge.api;

import com.google.common.collect.ImmutableSet;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a {@link DesiredGraph}: a resource as the reconciler wants it, the resources it explicitly
 * depends on, the gate its dependents wait for, and whether the engine owns it.
 *
 * @param resource the desired object; only the fields it sets are compared with the live object
 * @param dependsOn explicit prerequisites, which must also be in the graph
 * @param readyWhen the gate dependents wait for, or null for none beyond the kind's default
 * @param ownership whether the engine labels and prunes it
 */
public record DesiredResource(
    Resource resource, ImmutableSet<ResourceKey> dependsOn, @Nullable ReadyGate readyWhen, Ownership ownership) {

  /**
   * {@return an owned entry with no explicit dependencies and its kind's default gate}
   *
   * @param resource the desired object
   */
  public static DesiredResource of(Resource resource) {
    return new DesiredResource(resource, ImmutableSet.of(), null, Ownership.OWNED);
  }

  /** {@return the resource's key} */
  public ResourceKey key() {
    return resource.key();
  }

  /**
   * {@return this entry, also depending on {@code prerequisites}}
   *
   * @param prerequisites keys of resources in the same graph that must be created (and ready) first
   */
  public DesiredResource dependsOn(ResourceKey... prerequisites) {
    return dependsOn(ImmutableSet.copyOf(prerequisites));
  }

  /**
   * {@return this entry, also depending on {@code prerequisites}}
   *
   * @param prerequisites keys of resources in the same graph that must be created (and ready) first
   */
  public DesiredResource dependsOn(Collection<ResourceKey> prerequisites) {
    return new DesiredResource(
        resource, ImmutableSet.<ResourceKey>builder().addAll(dependsOn).addAll(prerequisites).build(), readyWhen, ownership);
  }

  /**
   * {@return this entry with a readiness gate: its dependents wait until {@code gate} passes}
   *
   * @param gate the rule that decides readiness
   */
  public DesiredResource readyWhen(ReadyGate gate) {
    return new DesiredResource(resource, dependsOn, gate, ownership);
  }

  /**
   * {@return this entry, not owned: applied without the ownership label and never pruned (an object shared
   * with others, such as a namespace)}
   */
  public DesiredResource unowned() {
    return new DesiredResource(resource, dependsOn, readyWhen, Ownership.UNOWNED);
  }

  /**
   * {@return this entry with another object and the same dependencies, gate and ownership}
   *
   * @param replacement the object; it should have the same key
   */
  public DesiredResource withResource(Resource replacement) {
    return new DesiredResource(replacement, dependsOn, readyWhen, ownership);
  }

  /**
   * {@return the explicit gate, or the kind's default gate ({@link ReadyGates#defaultFor(GroupKind)}), or
   * null}
   */
  public @Nullable ReadyGate effectiveGate() {
    return readyWhen != null ? readyWhen : ReadyGates.defaultFor(resource.groupKind()).orElse(null);
  }
}
