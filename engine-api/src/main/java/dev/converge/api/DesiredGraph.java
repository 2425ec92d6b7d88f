package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The resources a reconciler wants to exist, keyed and validated. Built with {@link #builder()}; {@link
 * Builder#build()} rejects duplicate keys, invalid names, dependencies on resources outside the graph and
 * cycles among explicit dependencies (the planner adds the implicit edges and checks the whole).
 *
 * <p>When the graph has an owner (the primary), {@code build()} stamps every {@link Ownership#OWNED}
 * resource with the ownership label and annotation and, where Kubernetes allows it, an owner reference to
 * the primary: a namespaced dependent in the primary's namespace, or any dependent of a cluster-scoped
 * primary. Cluster-scoped dependents of a namespaced primary get no owner reference; the engine prunes them
 * by label.
 */
public final class DesiredGraph {
  private static final DesiredGraph EMPTY = new DesiredGraph(null, ImmutableSortedMap.of(), false);

  private final @Nullable ResourceKey owner;
  private final ImmutableSortedMap<ResourceKey, DesiredResource> resources;
  private final boolean explicitDependencies;

  private DesiredGraph(@Nullable ResourceKey owner, ImmutableSortedMap<ResourceKey, DesiredResource> resources,
      boolean explicitDependencies) {
    this.owner = owner;
    this.resources = resources;
    this.explicitDependencies = explicitDependencies;
  }

  /**
   * {@return whether any resource has an explicit dependency} Either {@link DesiredResource#dependsOn()} or the
   * annotation {@value Ownership#DEPENDS_ON_ANNOTATION}. Found while the graph is built, when every resource
   * is read anyway, so that a planner need not read each resource's annotations again to know whether it
   * must look for cycles.
   */
  public boolean hasExplicitDependencies() {
    return explicitDependencies;
  }

  /** {@return the graph with no resources and no owner} */
  public static DesiredGraph empty() {
    return EMPTY;
  }

  /** {@return a new, empty builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the primary whose graph this is, if any; pruning is scoped to it} */
  public Optional<ResourceKey> owner() {
    return Optional.ofNullable(owner);
  }

  /** {@return the entries, ordered by key} */
  public ImmutableSortedMap<ResourceKey, DesiredResource> resources() {
    return resources;
  }

  /**
   * {@return the entry for {@code key}, if the graph has one}
   *
   * @param key the resource's key
   */
  public Optional<DesiredResource> get(ResourceKey key) {
    return Optional.ofNullable(resources.get(key));
  }

  /**
   * {@return whether the graph has an entry for {@code key}}
   *
   * @param key the resource's key
   */
  public boolean contains(ResourceKey key) {
    return resources.containsKey(key);
  }

  /** {@return the number of resources} */
  public int size() {
    return resources.size();
  }

  /** {@return whether the graph has no resources} */
  public boolean isEmpty() {
    return resources.isEmpty();
  }

  /** Builds a {@link DesiredGraph}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Resource ownerResource;
    private @Nullable ResourceKey ownerKey;
    private final Map<ResourceKey, DesiredResource> entries = new LinkedHashMap<>();
    private final List<GraphProblem> problems = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the primary that owns the graph; with a uid, owned resources get an owner reference to it.
     *
     * @param primary the primary as stored
     * @return this builder
     */
    public Builder owner(Resource primary) {
      this.ownerResource = primary;
      this.ownerKey = primary.key();
      return this;
    }

    /**
     * Sets the key of the primary that owns the graph, when its object is not at hand (no owner references).
     *
     * @param primary the primary's key
     * @return this builder
     */
    public Builder owner(ResourceKey primary) {
      this.ownerResource = null;
      this.ownerKey = primary;
      return this;
    }

    /**
     * Adds an owned resource with no explicit dependencies and its kind's default gate.
     *
     * @param resource the desired object
     * @return this builder
     */
    public Builder add(Resource resource) {
      return add(DesiredResource.of(resource));
    }

    /**
     * Adds an entry; a second entry with the same key is reported by {@link #build()}.
     *
     * @param resource the entry
     * @return this builder
     */
    public Builder add(DesiredResource resource) {
      DesiredResource previous = entries.putIfAbsent(resource.key(), resource);
      if (previous != null) {
        problems.add(new GraphProblem(resource.key(), "", "duplicate resource: " + resource.key() + " is already in the graph"));
      }
      return this;
    }

    /**
     * Adds entries, in order.
     *
     * @param resources the entries
     * @return this builder
     */
    public Builder addAll(Iterable<DesiredResource> resources) {
      for (DesiredResource resource : resources) {
        add(resource);
      }
      return this;
    }

    /**
     * Validates and returns the graph.
     *
     * @return the graph, owned resources stamped with the owner's label, annotation and owner reference
     * @throws InvalidGraphException listing every problem found
     * @throws DependencyCycleException if explicit dependencies form a cycle
     */
    public DesiredGraph build() {
      List<GraphProblem> all = new ArrayList<>(problems);
      for (DesiredResource entry : entries.values()) {
        Names.check(entry.key()).ifPresent(problem ->
            all.add(new GraphProblem(entry.key(), problem.startsWith("metadata.namespace") ? "metadata.namespace" : "metadata.name", problem)));
        for (ResourceKey prerequisite : entry.dependsOn()) {
          if (!entries.containsKey(prerequisite)) {
            all.add(new GraphProblem(entry.key(), "dependsOn", "depends on " + prerequisite + ", which is not in the graph"));
          } else if (prerequisite.equals(entry.key())) {
            all.add(new GraphProblem(entry.key(), "dependsOn", "depends on itself"));
          }
        }
      }
      if (!all.isEmpty()) {
        throw new InvalidGraphException(ImmutableList.copyOf(all));
      }
      checkExplicitCycles();
      ImmutableSortedMap.Builder<ResourceKey, DesiredResource> result = ImmutableSortedMap.naturalOrder();
      boolean explicit = false;
      for (DesiredResource entry : entries.values()) {
        result.put(entry.key(), ownerKey != null && entry.ownership() == Ownership.OWNED ? stamp(entry) : entry);
        explicit |= !entry.dependsOn().isEmpty()
            || entry.resource().metadata().path("annotations").has(Ownership.DEPENDS_ON_ANNOTATION);
      }
      return new DesiredGraph(ownerKey, result.buildOrThrow(), explicit);
    }

    private DesiredResource stamp(DesiredResource entry) {
      ResourceKey owner = ownerKey;
      if (owner == null) {
        return entry;
      }
      Resource resource = entry.resource();
      String label = Ownership.labelValue(owner);
      boolean reference = wantsOwnerReference(resource.key());
      if (label.equals(resource.labels().get(Ownership.OWNER_LABEL))
          && owner.toString().equals(resource.annotations().get(Ownership.OWNER_ANNOTATION))
          && !reference) {
        return entry;
      }
      return entry.withResource(resource.edit(tree -> {
        ObjectNode metadata = tree.withObjectProperty("metadata");
        metadata.withObjectProperty("labels").put(Ownership.OWNER_LABEL, label);
        metadata.withObjectProperty("annotations").put(Ownership.OWNER_ANNOTATION, owner.toString());
        if (reference) {
          addOwnerReference(metadata, OwnerReference.controllerOf(requireOwnerResource()));
        }
      }));
    }

    private Resource requireOwnerResource() {
      Resource owner = ownerResource;
      if (owner == null) {
        throw new IllegalStateException("no owner resource");
      }
      return owner;
    }

    private boolean wantsOwnerReference(ResourceKey dependent) {
      Resource owner = ownerResource;
      if (owner == null || owner.uid() == null) {
        return false;
      }
      if (owner.key().isClusterScoped()) {
        return true;
      }
      return !dependent.isClusterScoped() && dependent.namespace().equals(owner.namespace());
    }

    private static void addOwnerReference(ObjectNode metadata, OwnerReference ref) {
      ArrayNode refs = metadata.withArrayProperty("ownerReferences");
      for (JsonNode existing : refs) {
        if (ref.uid().equals(existing.path("uid").asText())) {
          return;
        }
      }
      refs.addObject()
          .put("apiVersion", ref.apiVersion())
          .put("kind", ref.kind())
          .put("name", ref.name())
          .put("uid", ref.uid())
          .put("controller", ref.controller())
          .put("blockOwnerDeletion", ref.blockOwnerDeletion());
    }

    /** Depth-first search over explicit edges; reports the first cycle found, in key order for determinism. */
    private void checkExplicitCycles() {
      Map<ResourceKey, Integer> state = new HashMap<>(); // 1 = on stack, 2 = done
      List<ResourceKey> sorted = entries.keySet().stream().sorted().toList();
      for (ResourceKey start : sorted) {
        List<ResourceKey> stack = new ArrayList<>();
        visit(start, state, stack);
      }
    }

    private void visit(ResourceKey key, Map<ResourceKey, Integer> state, List<ResourceKey> stack) {
      Integer s = state.get(key);
      if (s != null && s == 2) {
        return;
      }
      if (s != null && s == 1) {
        List<ResourceKey> cycle = stack.subList(stack.indexOf(key), stack.size());
        ImmutableList.Builder<Edge> edges = ImmutableList.builder();
        // stack holds dependents followed by their prerequisites; an edge runs prerequisite -> dependent.
        for (int i = cycle.size() - 1; i >= 0; i--) {
          ResourceKey prerequisite = i == cycle.size() - 1 ? key : cycle.get(i + 1);
          edges.add(Edge.of(prerequisite, cycle.get(i), EdgeRule.EXPLICIT, ""));
        }
        // The walk above produced prerequisite->dependent edges starting from the dependency end; rotate so the
        // first edge starts at the smallest key, which keeps messages stable.
        throw new DependencyCycleException(rotate(edges.build()));
      }
      state.put(key, 1);
      stack.add(key);
      DesiredResource entry = entries.get(key);
      if (entry != null) {
        for (ResourceKey prerequisite : entry.dependsOn().stream().sorted().toList()) {
          visit(prerequisite, state, stack);
        }
      }
      stack.remove(stack.size() - 1);
      state.put(key, 2);
    }
  }

  /** Rotates a cycle of edges so that it starts at its smallest prerequisite. */
  static ImmutableList<Edge> rotate(ImmutableList<Edge> cycle) {
    int start = 0;
    for (int i = 1; i < cycle.size(); i++) {
      if (cycle.get(i).prerequisite().compareTo(cycle.get(start).prerequisite()) < 0) {
        start = i;
      }
    }
    ImmutableList.Builder<Edge> rotated = ImmutableList.builder();
    for (int i = 0; i < cycle.size(); i++) {
      rotated.add(cycle.get((start + i) % cycle.size()));
    }
    return rotated.build();
  }
}
