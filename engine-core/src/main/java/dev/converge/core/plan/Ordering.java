package dev.converge.core.plan;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Action;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Edge;
import dev.converge.api.EdgeRule;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Orders pending actions into steps (DESIGN.md §3, "Order").
 *
 * <p><b>Applies.</b> The hard edges (explicit {@code dependsOn} and the implicit edges of {@link EdgeFinder})
 * are found over the whole desired graph, which must be acyclic. The actions are then layered by {@link
 * Layering} over those edges, an edge through resources without an action counting as an edge between the
 * actions at its ends, with the install kind rank.
 *
 * <p><b>Deletes.</b> The same layering over the reversed implicit edges found among the live objects being
 * deleted, with the reversed kind rank: dependents go first, a Namespace last, custom resources before their
 * CRD.
 *
 * <p><b>What an action records.</b> {@code orderedBy}: every hard edge into it, sorted by prerequisite, rule
 * and detail, including edges from prerequisites without an action (the executor checks their gates), and,
 * when the kind order held it back (it was ready a step earlier), a {@link EdgeRule#KIND_ORDER} edge from the
 * first action of the step before its own, whose detail names the two kinds. {@code after}: the keys of the
 * actions it waits for, sorted: those its hard edges lead to (directly or through resources without an
 * action) and that kind-order prerequisite. Waiting for a whole step is written as waiting for its first
 * action so that a plan stays linear in size. Phases (hoisted deletes, applies, deletes) follow one another
 * as wholes and no edge is recorded between them.
 */
final class Ordering {
  private static final Comparator<Edge> EDGE_ORDER = Comparator.comparing(Edge::prerequisite)
      .thenComparing(Edge::rule)
      .thenComparing(Edge::detail);

  private Ordering() {}

  /**
   * The apply steps.
   *
   * @param entries the desired graph's entries, in key order
   * @param pending the action on each entry, or null where there is none
   * @param explicit whether any entry has an explicit dependency ({@link DesiredGraph#hasExplicitDependencies},
   *     found when the graph was built, so that 100,000 entries are not read again here)
   * @throws DependencyCycleException if the desired graph's hard edges form a cycle
   */
  static List<Step> applies(List<DesiredResource> entries, @Nullable Pending[] pending, boolean explicit, ResourceTypes types) {
    int n = entries.size();
    boolean anyAction = false;
    for (int i = 0; i < n && !anyAction; i++) {
      anyAction = pending[i] != null;
    }
    // The implicit rules alone cannot close a cycle: their prerequisites (Namespace, CRD, ServiceAccount,
    // Secret, ConfigMap, PVC, Role, ClusterRole, Service) are never the dependents of another implicit rule,
    // except of a Namespace, which nothing implicit points back to. A cycle needs an explicit edge, so a graph
    // without one is checked for free, and one with nothing to do needs no edges at all.
    if (!explicit && !anyAction) {
      return List.of();
    }
    List<Resource> resources = new ArrayList<>(n);
    for (DesiredResource entry : entries) {
      resources.add(entry.resource());
    }
    KeyIndex index = new KeyIndex(resources);
    EdgeFinder finder = new EdgeFinder(index, types);
    Collector collector = new Collector(index);
    int[][] preds = new int[n][];
    IntFunction<int[]> prerequisites = i -> {
      if (preds[i] == null) {
        collector.start(i, false);
        explicit(entries.get(i), index, collector);
        finder.scan(resources.get(i), collector);
        preds[i] = collector.prerequisites();
      }
      return preds[i];
    };
    IntFunction<List<Edge>> detailed = i -> {
      collector.start(i, true);
      explicit(entries.get(i), index, collector);
      finder.scan(resources.get(i), collector);
      return collector.edges();
    };
    if (explicit) {
      for (int i = 0; i < n; i++) {
        prerequisites.apply(i);
      }
      boolean[] cyclic = Layering.unplaceable(preds);
      if (cyclic != null) {
        throw cycle(preds, cyclic, (prerequisite, dependent) -> edgeFrom(detailed.apply(dependent), index.key(prerequisite)));
      }
    }
    int[] local = new int[n];
    Arrays.fill(local, -1);
    Layering.IntBuffer actions = new Layering.IntBuffer();
    for (int i = 0; i < n; i++) {
      if (pending[i] != null) {
        local[i] = actions.size();
        actions.add(i);
      }
    }
    int m = actions.size();
    if (m == 0) {
      return List.of();
    }
    int[][] actionPreds = contract(prerequisites, n, actions, local);
    int[] rank = new int[m];
    for (int a = 0; a < m; a++) {
      rank[a] = KindOrder.rank(resources.get(actions.get(a)).groupKind());
    }
    Layering.Result layers = Layering.layer(actionPreds, rank, KindOrder.LAST);
    List<Pending> byLocal = new ArrayList<>(m);
    List<List<Edge>> edges = new ArrayList<>(m);
    for (int a = 0; a < m; a++) {
      byLocal.add(pending[actions.get(a)]);
      edges.add(detailed.apply(actions.get(a)));
    }
    return assemble(layers, byLocal, actionPreds, edges);
  }

  /**
   * The delete steps for {@code deletes} (sorted by key), ordered among themselves.
   *
   * @throws DependencyCycleException if the live objects' implicit edges form a cycle
   */
  static List<Step> deletes(List<Pending> deletes, ResourceTypes types) {
    int n = deletes.size();
    if (n == 0) {
      return List.of();
    }
    List<Resource> resources = new ArrayList<>(n);
    for (Pending delete : deletes) {
      resources.add(delete.resource());
    }
    KeyIndex index = new KeyIndex(resources);
    EdgeFinder finder = new EdgeFinder(index, types);
    Collector collector = new Collector(index);
    List<Layering.IntBuffer> reversed = new ArrayList<>(n);
    List<List<Edge>> edges = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      reversed.add(new Layering.IntBuffer());
      edges.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      collector.start(i, true);
      finder.scan(resources.get(i), collector);
      // An apply edge p -> i (i needs p) becomes a delete edge i -> p: i goes first.
      for (Edge edge : collector.edges()) {
        int p = index.find(edge.prerequisite());
        if (!reversed.get(p).contains(i)) {
          reversed.get(p).add(i);
        }
        edges.get(p).add(Edge.of(edge.dependent(), edge.prerequisite(), edge.rule(), edge.detail()));
      }
    }
    int[][] preds = new int[n][];
    int[] rank = new int[n];
    for (int i = 0; i < n; i++) {
      preds[i] = reversed.get(i).toArray();
      rank[i] = KindOrder.deleteRank(resources.get(i).groupKind());
    }
    Layering.Result layers = Layering.layer(preds, rank, KindOrder.LAST);
    if (layers.cyclic()) {
      throw cycle(preds, layers.remaining(), (prerequisite, dependent) -> edgeFrom(edges.get(dependent), index.key(prerequisite)));
    }
    return assemble(layers, deletes, preds, edges);
  }

  private static List<Step> assemble(Layering.Result layers, List<Pending> pending, int[][] preds, List<List<Edge>> edges) {
    List<Step> steps = new ArrayList<>(layers.steps().size());
    for (int[] step : layers.steps()) {
      ImmutableList.Builder<Action> actions = ImmutableList.builderWithExpectedSize(step.length);
      for (int node : step) {
        Pending action = pending.get(node);
        List<Edge> orderedBy = new ArrayList<>(edges.get(node));
        orderedBy.sort(EDGE_ORDER);
        List<ResourceKey> after = new ArrayList<>(preds[node].length + 1);
        for (int p : preds[node]) {
          after.add(pending.get(p).key());
        }
        int held = layers.heldBy()[node];
        if (held >= 0) {
          Pending first = pending.get(held);
          orderedBy.add(Edge.of(first.key(), action.key(), EdgeRule.KIND_ORDER,
              first.key().kind() + " before " + action.key().kind()));
          if (!after.contains(first.key())) {
            after.add(first.key());
          }
        }
        after.sort(Comparator.naturalOrder());
        actions.add(action.toAction(ImmutableList.copyOf(orderedBy), ImmutableList.copyOf(after)));
      }
      steps.add(new Step(actions.build()));
    }
    return steps;
  }

  /** For each action, the actions its hard edges lead to, directly or through resources without an action. */
  private static int[][] contract(IntFunction<int[]> preds, int n, Layering.IntBuffer actions, int[] local) {
    int m = actions.size();
    int[][] result = new int[m][];
    int[] visited = new int[n];
    Arrays.fill(visited, -1);
    Layering.IntBuffer found = new Layering.IntBuffer();
    Layering.IntBuffer stack = new Layering.IntBuffer();
    for (int a = 0; a < m; a++) {
      found.clear();
      stack.clear();
      for (int p : preds.apply(actions.get(a))) {
        stack.add(p);
      }
      while (stack.size() > 0) {
        int p = stack.get(stack.size() - 1);
        stack.drop();
        if (visited[p] == a) {
          continue;
        }
        visited[p] = a;
        if (local[p] >= 0) {
          found.add(local[p]);
        } else {
          for (int q : preds.apply(p)) {
            stack.add(q);
          }
        }
      }
      int[] sorted = found.toArray();
      Arrays.sort(sorted);
      result[a] = sorted;
    }
    return result;
  }

  private static void explicit(DesiredResource entry, KeyIndex index, Collector collector) {
    if (entry.dependsOn().isEmpty()) {
      return;
    }
    for (ResourceKey prerequisite : entry.dependsOn()) {
      collector.add(index.find(prerequisite), EdgeRule.EXPLICIT, "");
    }
  }

  private static Edge edgeFrom(List<Edge> edges, ResourceKey prerequisite) {
    Edge best = null;
    for (Edge edge : edges) {
      if (edge.prerequisite().equals(prerequisite) && (best == null || EDGE_ORDER.compare(edge, best) < 0)) {
        best = edge;
      }
    }
    if (best == null) {
      throw new IllegalStateException("no edge from " + prerequisite);
    }
    return best;
  }

  private interface EdgeLookup {
    Edge between(int prerequisite, int dependent);
  }

  private static DependencyCycleException cycle(int[][] preds, boolean[] remaining, EdgeLookup lookup) {
    int[] nodes = Layering.cycle(preds, remaining);
    int start = 0;
    for (int k = 1; k < nodes.length; k++) {
      if (nodes[k] < nodes[start]) {
        start = k;
      }
    }
    ImmutableList.Builder<Edge> edges = ImmutableList.builder();
    for (int k = 0; k < nodes.length; k++) {
      int prerequisite = nodes[(start + k) % nodes.length];
      int dependent = nodes[(start + k + 1) % nodes.length];
      edges.add(lookup.between(prerequisite, dependent));
    }
    return new DependencyCycleException(edges.build());
  }

  /** Collects the edges into one object: prerequisite numbers only, or full edges with their details. */
  private static final class Collector implements EdgeFinder.Sink {
    private final KeyIndex index;
    private final Layering.IntBuffer prerequisites = new Layering.IntBuffer();
    private final List<Edge> edges = new ArrayList<>();
    private int self;
    private boolean details;

    Collector(KeyIndex index) {
      this.index = index;
    }

    void start(int object, boolean withDetails) {
      self = object;
      details = withDetails;
      prerequisites.clear();
      edges.clear();
    }

    @Override
    public void edge(int prerequisite, EdgeRule rule, DiffPath where) {
      if (details) {
        add(prerequisite, rule, where.toString());
      } else if (prerequisite >= 0 && prerequisite != self && !prerequisites.contains(prerequisite)) {
        prerequisites.add(prerequisite);
      }
    }

    void add(int prerequisite, EdgeRule rule, String detail) {
      if (prerequisite < 0 || prerequisite == self) {
        return;
      }
      if (!details) {
        if (!prerequisites.contains(prerequisite)) {
          prerequisites.add(prerequisite);
        }
        return;
      }
      ResourceKey key = index.key(prerequisite);
      for (Edge edge : edges) {
        if (edge.prerequisite().equals(key) && edge.rule() == rule) {
          return;
        }
      }
      edges.add(Edge.of(key, index.key(self), rule, detail));
    }

    int[] prerequisites() {
      return prerequisites.toArray();
    }

    List<Edge> edges() {
      return new ArrayList<>(edges);
    }
  }
}
