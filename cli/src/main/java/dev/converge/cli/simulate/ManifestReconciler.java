package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.StatusContext;

/**
 * A reconciler whose desired graph is a fixed set of manifests: what {@code converge apply -f} is, run as a
 * level-triggered control loop. Its primary is a ConfigMap standing for "this install" ({@link #PRIMARY}):
 * the engine stamps what it creates as owned by it, prunes nothing else, and writes no status.
 */
final class ManifestReconciler implements Reconciler<ImmutableList<DesiredResource>> {
  /** The object standing for the install. */
  static final ResourceKey PRIMARY = ResourceKey.namespaced("", "ConfigMap", "default", "converge-simulate");

  private final ImmutableList<DesiredResource> resources;
  private final ImmutableSet<GroupKind> kinds;

  ManifestReconciler(ImmutableList<DesiredResource> resources) {
    this.resources = resources;
    this.kinds = resources.stream().map(r -> r.key().groupKind()).collect(ImmutableSet.toImmutableSet());
  }

  /** The primary to create so that the loop has something to reconcile. */
  static Resource primary() {
    return Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + PRIMARY.name() + "\",\"namespace\":\"" + PRIMARY.namespace() + "\"}}"));
  }

  @Override
  public GroupKind primaryKind() {
    return PRIMARY.groupKind();
  }

  /**
   * Only the install's stand-in: every other ConfigMap (the manifests' own, a user's, an operator's) is no install,
   * and taking one on would apply the manifests again as owned by it and delete them all with it.
   */
  @Override
  public boolean manages(Resource primary) {
    return primary.key().equals(PRIMARY);
  }

  @Override
  public ImmutableSet<GroupKind> ownedKinds() {
    return kinds;
  }

  @Override
  public ImmutableList<DesiredResource> decode(Resource primary) {
    return resources;
  }

  @Override
  public DesiredGraph desired(ImmutableList<DesiredResource> primary, Context context) {
    return DesiredGraph.builder().owner(context.primary()).addAll(primary).build();
  }

  @Override
  public ObjectNode status(StatusContext<ImmutableList<DesiredResource>> context) {
    // An empty status is never written: the install has nothing to report on its stand-in object.
    return Json.object();
  }
}
