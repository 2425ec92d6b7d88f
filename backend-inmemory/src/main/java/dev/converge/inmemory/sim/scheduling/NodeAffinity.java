package dev.converge.inmemory.sim.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A pod's required node constraints: {@code spec.nodeSelector} and
 * {@code spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution}
 * ({@code nodeaffinity.GetRequiredNodeAffinity}). Both must match. The terms of the required affinity are ORed;
 * inside a term, label expressions and field expressions are ANDed; a term with no requirement matches no node,
 * as {@code nodeSelectorTerms} are documented to behave.
 */
public final class NodeAffinity {
  private static final NodeAffinity NONE = new NodeAffinity(ImmutableMap.of(), null);

  /** One requirement of a term ({@code v1.NodeSelectorRequirement}). */
  record Requirement(String key, String operator, ImmutableSet<String> values) {
    boolean matches(@Nullable String actual) {
      switch (operator) {
        case "In":
          return actual != null && values.contains(actual);
        case "NotIn":
          return actual == null || !values.contains(actual);
        case "Exists":
          return actual != null;
        case "DoesNotExist":
          return actual == null;
        case "Gt":
        case "Lt":
          if (actual == null || values.size() != 1) {
            return false;
          }
          try {
            long have = Long.parseLong(actual);
            long bound = Long.parseLong(values.iterator().next());
            return operator.equals("Gt") ? have > bound : have < bound;
          } catch (NumberFormatException e) {
            return false;
          }
        default:
          return false;
      }
    }
  }

  /** One {@code nodeSelectorTerm}. */
  record Term(ImmutableList<Requirement> expressions, ImmutableList<Requirement> fields) {
    boolean matches(NodeInfo node) {
      if (expressions.isEmpty() && fields.isEmpty()) {
        return false;
      }
      for (Requirement requirement : expressions) {
        if (!requirement.matches(node.labels().get(requirement.key()))) {
          return false;
        }
      }
      for (Requirement requirement : fields) {
        // metadata.name is the only node field a selector term may use.
        String actual = requirement.key().equals("metadata.name") ? node.name() : null;
        if (!requirement.matches(actual)) {
          return false;
        }
      }
      return true;
    }
  }

  private final ImmutableMap<String, String> nodeSelector;
  private final @Nullable ImmutableList<Term> terms;

  private NodeAffinity(ImmutableMap<String, String> nodeSelector, @Nullable ImmutableList<Term> terms) {
    this.nodeSelector = nodeSelector;
    this.terms = terms;
  }

  /** No constraint: every node matches. */
  public static NodeAffinity none() {
    return NONE;
  }

  /** The required constraints of a pod spec. */
  public static NodeAffinity of(JsonNode podSpec) {
    JsonNode selector = podSpec.path("nodeSelector");
    ImmutableMap<String, String> labels = ImmutableMap.of();
    if (selector.isObject() && !selector.isEmpty()) {
      ImmutableMap.Builder<String, String> builder = ImmutableMap.builder();
      for (java.util.Map.Entry<String, JsonNode> e : selector.properties()) {
        builder.put(e.getKey(), e.getValue().asText());
      }
      labels = builder.build();
    }
    JsonNode required = podSpec.path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution");
    ImmutableList<Term> terms = null;
    if (required.isObject()) {
      ImmutableList.Builder<Term> builder = ImmutableList.builder();
      for (JsonNode term : required.path("nodeSelectorTerms")) {
        builder.add(new Term(requirements(term.path("matchExpressions")), requirements(term.path("matchFields"))));
      }
      terms = builder.build();
    }
    if (labels.isEmpty() && terms == null) {
      return NONE;
    }
    return new NodeAffinity(labels, terms);
  }

  private static ImmutableList<Requirement> requirements(JsonNode list) {
    if (!list.isArray() || list.isEmpty()) {
      return ImmutableList.of();
    }
    ImmutableList.Builder<Requirement> out = ImmutableList.builder();
    for (JsonNode r : list) {
      ImmutableSet.Builder<String> values = ImmutableSet.builder();
      for (JsonNode v : r.path("values")) {
        values.add(v.asText());
      }
      out.add(new Requirement(r.path("key").asText(), r.path("operator").asText(), values.build()));
    }
    return out.build();
  }

  /** Whether {@code node} satisfies the node selector and the required affinity. */
  public boolean matches(NodeInfo node) {
    if (!nodeSelector.isEmpty()) {
      Map<String, String> labels = node.labels();
      for (Map.Entry<String, String> entry : nodeSelector.entrySet()) {
        if (!entry.getValue().equals(labels.get(entry.getKey()))) {
          return false;
        }
      }
    }
    if (terms == null) {
      return true;
    }
    for (Term term : terms) {
      if (term.matches(node)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The only node this pod may run on when its required affinity is a single {@code matchFields metadata.name
   * In [<node>]} — what the DaemonSet controller writes. The scheduler's NodeAffinity PreFilter narrows the
   * candidate nodes to it, so placing a DaemonSet pod looks at one node, not all of them.
   */
  public @Nullable String pinnedNode() {
    if (terms == null || terms.size() != 1) {
      return null;
    }
    Term term = terms.get(0);
    for (Requirement field : term.fields()) {
      if (field.key().equals("metadata.name") && field.operator().equals("In") && field.values().size() == 1) {
        return field.values().iterator().next();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "NodeAffinity[selector=" + nodeSelector + ", terms=" + terms + "]";
  }
}
