package dev.converge.api;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector: a conjunction of requirements, equality-based ({@code app=web},
 * {@code tier!=db}) or set-based ({@code env in (prod,staging)}, {@code env notin (dev)}, {@code team},
 * {@code !legacy}). The empty selector matches everything.
 *
 * <p>Semantics follow {@code k8s.io/apimachinery/pkg/labels}: {@code !=} and {@code notin} match objects
 * that do not have the label at all.
 */
public final class LabelSelector {
  private static final LabelSelector EVERYTHING = new LabelSelector(ImmutableList.of());

  /** One requirement of a selector. */
  public record Requirement(String key, Operator operator, ImmutableSortedSet<String> values) {
    public Requirement {
      checkArgument(!key.isEmpty(), "label key must not be empty");
      switch (operator) {
        case IN, NOT_IN -> checkArgument(!values.isEmpty(), "operator %s needs values (key %s)", operator, key);
        case EXISTS, DOES_NOT_EXIST -> checkArgument(values.isEmpty(), "operator %s takes no values (key %s)", operator, key);
      }
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }

    @Override
    public String toString() {
      return switch (operator) {
        case IN -> values.size() == 1 ? key + "=" + values.first() : key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> values.size() == 1 ? key + "!=" + values.first() : key + " notin (" + String.join(",", values) + ")";
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
      };
    }
  }

  /** Set-based operators; equality is {@code IN} with one value, inequality {@code NOT_IN} with one. */
  public enum Operator {
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST;

    /** The operator as spelled in {@code matchExpressions}: {@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}. */
    public static Operator fromExpression(String text) {
      return switch (text) {
        case "In" -> IN;
        case "NotIn" -> NOT_IN;
        case "Exists" -> EXISTS;
        case "DoesNotExist" -> DOES_NOT_EXIST;
        default -> throw new IllegalArgumentException("unknown label selector operator '" + text + "'");
      };
    }
  }

  private final ImmutableList<Requirement> requirements;

  private LabelSelector(ImmutableList<Requirement> requirements) {
    this.requirements = requirements;
  }

  /** The selector that matches every object. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  public static LabelSelector of(List<Requirement> requirements) {
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(ImmutableList.copyOf(requirements));
  }

  /** Objects whose labels include every entry of {@code labels}. */
  public static LabelSelector matchLabels(Map<String, String> labels) {
    List<Requirement> requirements = new ArrayList<>();
    labels.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> requirements.add(new Requirement(e.getKey(), Operator.IN, ImmutableSortedSet.of(e.getValue()))));
    return of(requirements);
  }

  public static LabelSelector equal(String key, String value) {
    return of(List.of(new Requirement(key, Operator.IN, ImmutableSortedSet.of(value))));
  }

  /** This selector and one more requirement. */
  public LabelSelector and(Requirement requirement) {
    return new LabelSelector(ImmutableList.<Requirement>builder().addAll(requirements).add(requirement).build());
  }

  /**
   * The selector of a {@code metav1.LabelSelector} object ({@code {matchLabels: …, matchExpressions: […]}}).
   * A missing or null node is the empty selector.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  public static LabelSelector fromJson(JsonNode selector) {
    if (selector.isMissingNode() || selector.isNull()) {
      return EVERYTHING;
    }
    checkArgument(selector.isObject(), "selector must be an object");
    List<Requirement> requirements = new ArrayList<>();
    JsonNode matchLabels = selector.path("matchLabels");
    for (Map.Entry<String, JsonNode> e : matchLabels.properties()) {
      requirements.add(new Requirement(e.getKey(), Operator.IN, ImmutableSortedSet.of(e.getValue().asText())));
    }
    int index = 0;
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText("");
      checkArgument(!key.isEmpty(), "matchExpressions[%s].key is required", index);
      Operator operator = Operator.fromExpression(expression.path("operator").asText(""));
      ImmutableSortedSet.Builder<String> values = ImmutableSortedSet.naturalOrder();
      for (JsonNode value : expression.path("values")) {
        values.add(value.asText());
      }
      requirements.add(new Requirement(key, operator, values.build()));
      index++;
    }
    return of(requirements);
  }

  /**
   * Parses the string syntax of {@code kubectl -l} and the {@code labelSelector} query parameter.
   *
   * @throws IllegalArgumentException naming the position of the error
   */
  public static LabelSelector parse(String text) {
    return new LabelSelectorParser(text).parse();
  }

  public boolean matches(Map<String, String> labels) {
    for (int i = 0; i < requirements.size(); i++) {
      if (!requirements.get(i).matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public boolean matches(Resource resource) {
    return requirements.isEmpty() || matches(resource.labels());
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  public ImmutableList<Requirement> requirements() {
    return requirements;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LabelSelector that && requirements.equals(that.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** The string syntax, parseable by {@link #parse(String)}; empty for the empty selector. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Requirement requirement : requirements) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(requirement);
    }
    return out.toString();
  }
}
