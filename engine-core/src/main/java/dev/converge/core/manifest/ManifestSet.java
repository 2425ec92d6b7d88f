package dev.converge.core.manifest;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A validated set of manifests: the resources as a {@link DesiredGraph} (no owner: nothing is stamped and
 * nothing pruned), each resource's source for messages, and the resource types the set was read with,
 * including the kinds its CustomResourceDefinitions add.
 */
public final class ManifestSet {
  private final ImmutableList<ManifestEntry> entries;
  private final ImmutableMap<ResourceKey, ManifestSource> sources;
  private final DesiredGraph graph;
  private final ResourceTypes types;

  ManifestSet(ImmutableList<ManifestEntry> entries, DesiredGraph graph, ResourceTypes types) {
    this.entries = entries;
    Map<ResourceKey, ManifestSource> sources = new LinkedHashMap<>();
    for (ManifestEntry entry : entries) {
      sources.put(entry.key(), entry.source());
    }
    this.sources = ImmutableMap.copyOf(sources);
    this.graph = graph;
    this.types = types;
  }

  /** The resources, validated, without an owner. */
  public DesiredGraph graph() {
    return graph;
  }

  /** The resources in reading order (files in the order given, documents in file order). */
  public ImmutableList<ManifestEntry> entries() {
    return entries;
  }

  /**
   * The desired resources in reading order, to build a graph with an owner: {@code
   * DesiredGraph.builder().owner(primary).addAll(set.desiredResources()).build()}.
   */
  public ImmutableList<DesiredResource> desiredResources() {
    return entries.stream().map(ManifestEntry::desired).collect(ImmutableList.toImmutableList());
  }

  /** Where {@code key} was written, if it is in the set. */
  public Optional<ManifestSource> source(ResourceKey key) {
    return Optional.ofNullable(sources.get(key));
  }

  /** The built-in types plus the kinds defined by CustomResourceDefinitions in the set. */
  public ResourceTypes types() {
    return types;
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The cycle as a manifest error naming each member's file and document. Planning adds implicit edges
   * (a namespace before its contents, …) that can close a cycle with {@code depends-on} annotations the
   * reader accepted; callers that plan this set use this to report such a cycle like any other bad input.
   */
  public ManifestException explain(DependencyCycleException cycle) {
    return CycleMessage.explain(cycle, entries);
  }
}
