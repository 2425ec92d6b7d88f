package dev.converge.api;

import com.google.common.collect.ImmutableList;

/**
 * The dependencies of a graph form a cycle. The message names every member and the rule behind every edge:
 * {@code dependency cycle: A -> B (explicit dependency) -> A (namespaced object)}.
 */
public final class DependencyCycleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  /** The edges of the cycle, in order, starting at its smallest prerequisite. */
  private final ImmutableList<Edge> cycle;

  /** @param cycle the edges of the cycle, each edge's dependent being the next edge's prerequisite */
  public DependencyCycleException(ImmutableList<Edge> cycle) {
    super(describe(cycle));
    this.cycle = cycle;
  }

  /** {@return the edges of the cycle, in order} */
  public ImmutableList<Edge> cycle() {
    return cycle;
  }

  /** {@return the members of the cycle, in order} */
  public ImmutableList<ResourceKey> members() {
    return cycle.stream().map(Edge::prerequisite).collect(ImmutableList.toImmutableList());
  }

  private static String describe(ImmutableList<Edge> cycle) {
    StringBuilder out = new StringBuilder("dependency cycle: ");
    out.append(cycle.get(0).prerequisite());
    for (Edge edge : cycle) {
      out.append(" -> ").append(edge.dependent()).append(" (").append(edge.explanation()).append(')');
    }
    return out.toString();
  }
}
