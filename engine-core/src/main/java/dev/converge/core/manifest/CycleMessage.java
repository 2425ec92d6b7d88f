package dev.converge.core.manifest;

import com.google.common.collect.ImmutableList;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.Edge;
import dev.converge.api.EdgeRule;
import dev.converge.api.ResourceKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Words a dependency cycle for the person who wrote the manifests. The cycle is read in the direction the
 * annotation is written ("A depends on B, which depends on A") and starts at the first resource, in
 * reading order, whose {@code depends-on} annotation is part of it, because that annotation is what the
 * user can change; the message's own prefix locates that resource. Every other member is named with its
 * file and document on first mention (only the document when it is in the same file).
 */
final class CycleMessage {
  private CycleMessage() {}

  /** The cycle as a located message; {@code entries} are the set's resources in reading order. */
  static ManifestException explain(DependencyCycleException cycle, List<ManifestEntry> entries) {
    Map<ResourceKey, ManifestSource> sources = new HashMap<>();
    Map<ResourceKey, Integer> order = new HashMap<>();
    for (ManifestEntry entry : entries) {
      sources.put(entry.key(), entry.source());
      order.put(entry.key(), order.size());
    }
    ImmutableList<Edge> edges = cycle.cycle();
    int n = edges.size();
    int start = startEdge(edges, order);
    Edge first = edges.get(start);
    ResourceKey origin = first.dependent();
    ManifestSource at = sources.get(origin);
    String file = at == null ? "" : at.file();
    StringBuilder out = new StringBuilder("dependency cycle: ").append(origin);
    // The message starts with the origin's file and document; the origin needs no other location.
    Set<ResourceKey> named = new HashSet<>();
    named.add(origin);
    for (int step = 0; step < n; step++) {
      // edges[i] runs prerequisite -> dependent and edges[i].dependent == edges[i + 1].prerequisite, so walking
      // backwards from an edge follows "depends on" links.
      Edge edge = edges.get(Math.floorMod(start - step, n));
      out.append(step == 0 ? " depends on " : ", which depends on ").append(edge.prerequisite());
      appendSource(out, edge.prerequisite(), file, sources, named);
      out.append(" (").append(edge.explanation()).append(')');
    }
    String field = first.rule() == EdgeRule.EXPLICIT ? DependsOnAnnotation.FIELD : "";
    return at == null
        ? ManifestException.input(out.toString())
        : ManifestException.document(at, field, out.toString(), cycle);
  }

  /** The explicit edge whose dependent comes first in reading order, or else any edge with the earliest dependent. */
  private static int startEdge(ImmutableList<Edge> edges, Map<ResourceKey, Integer> order) {
    int best = -1;
    for (int i = 0; i < edges.size(); i++) {
      if (edges.get(i).rule() == EdgeRule.EXPLICIT && (best < 0 || earlier(edges.get(i), edges.get(best), order))) {
        best = i;
      }
    }
    if (best >= 0) {
      return best;
    }
    best = 0;
    for (int i = 1; i < edges.size(); i++) {
      if (earlier(edges.get(i), edges.get(best), order)) {
        best = i;
      }
    }
    return best;
  }

  private static boolean earlier(Edge a, Edge b, Map<ResourceKey, Integer> order) {
    int ia = order.getOrDefault(a.dependent(), Integer.MAX_VALUE);
    int ib = order.getOrDefault(b.dependent(), Integer.MAX_VALUE);
    return ia != ib ? ia < ib : a.dependent().compareTo(b.dependent()) < 0;
  }

  /** {@code [b.yaml document 2]} on a member's first mention; {@code [document 2]} within the message's own file. */
  private static void appendSource(
      StringBuilder out, ResourceKey key, String file, Map<ResourceKey, ManifestSource> sources, Set<ResourceKey> named) {
    @Nullable ManifestSource source = sources.get(key);
    if (source != null && named.add(key)) {
      out.append(" [").append(source.file().equals(file) ? "document " + source.document() : source.toString()).append(']');
    }
  }
}
