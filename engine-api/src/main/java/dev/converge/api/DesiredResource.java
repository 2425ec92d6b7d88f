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

  /** An owned resource with no explicit dependencies and its kind's default gate. */
  public static DesiredResource of(Resource resource) {
    return new DesiredResource(resource, ImmutableSet.of(), null, Ownership.OWNED);
  }

  public ResourceKey key() {
    return resource.key();
  }

  public DesiredResource dependsOn(ResourceKey... prerequisites) {
    return dependsOn(ImmutableSet.copyOf(prerequisites));
  }

  public DesiredResource dependsOn(Collection<ResourceKey> prerequisites) {
    return new DesiredResource(
        resource, ImmutableSet.<ResourceKey>builder().addAll(dependsOn).addAll(prerequisites).build(), readyWhen, ownership);
  }

  public DesiredResource readyWhen(ReadyGate gate) {
    return new DesiredResource(resource, dependsOn, gate, ownership);
  }

  public DesiredResource unowned() {
    return new DesiredResource(resource, dependsOn, readyWhen, Ownership.UNOWNED);
  }

  public DesiredResource withResource(Resource replacement) {
    return new DesiredResource(replacement, dependsOn, readyWhen, ownership);
  }

  /** The explicit gate, or the kind's default gate ({@link ReadyGates#defaultFor(GroupKind)}), or null. */
  public @Nullable ReadyGate effectiveGate() {
    return readyWhen != null ? readyWhen : ReadyGates.defaultFor(resource.groupKind()).orElse(null);
  }
}
