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

  /**
   * One requirement of a selector.
   *
   * @param key the label key
   * @param operator how the label's value is tested
   * @param values the values for {@code IN} and {@code NOT_IN}; empty for {@code EXISTS} and {@code
   *     DOES_NOT_EXIST}
   */
  public record Requirement(String key, Operator operator, ImmutableSortedSet<String> values) {
    /**
     * Checks that the key is not empty and that the values fit the operator, as {@code labels.NewRequirement}
     * does.
     *
     * @param key the label key
     * @param operator how the label's value is tested
     * @param values the values, as the operator needs them
     */
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
    /** The label is present with one of the values. */
    IN,
    /** The label is absent, or present with none of the values. */
    NOT_IN,
    /** The label is present, with any value. */
    EXISTS,
    /** The label is absent. */
    DOES_NOT_EXIST;

    /**
     * {@return the operator spelled as in {@code matchExpressions}}
     *
     * @param text {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}
     * @throws IllegalArgumentException for any other text
     */
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

  /** {@return the selector that matches every object} */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * {@return the conjunction of {@code requirements}}
   *
   * @param requirements the requirements, all of which must hold; none selects everything
   */
  public static LabelSelector of(List<Requirement> requirements) {
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(ImmutableList.copyOf(requirements));
  }

  /**
   * {@return the selector of objects whose labels include every entry of {@code labels}}
   *
   * @param labels label keys and the values they must have
   */
  public static LabelSelector matchLabels(Map<String, String> labels) {
    List<Requirement> requirements = new ArrayList<>();
    labels.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> requirements.add(new Requirement(e.getKey(), Operator.IN, ImmutableSortedSet.of(e.getValue()))));
    return of(requirements);
  }

  /**
   * {@return the selector {@code key=value}}
   *
   * @param key the label key
   * @param value the value it must have
   */
  public static LabelSelector equal(String key, String value) {
    return of(List.of(new Requirement(key, Operator.IN, ImmutableSortedSet.of(value))));
  }

  /**
   * {@return this selector and one more requirement}
   *
   * @param requirement the requirement to add
   */
  public LabelSelector and(Requirement requirement) {
    return new LabelSelector(ImmutableList.<Requirement>builder().addAll(requirements).add(requirement).build());
  }

  /**
   * The selector of a {@code metav1.LabelSelector} object ({@code {matchLabels: …, matchExpressions: […]}}).
   * A missing or null node is the empty selector.
   *
   * @param selector the object, as in a workload's {@code spec.selector}
   * @return the selector
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
   * @param text the selector, such as {@code app=web,env in (prod,staging),!legacy}
   * @return the selector
   * @throws IllegalArgumentException naming the position of the error
   */
  public static LabelSelector parse(String text) {
    return new LabelSelectorParser(text).parse();
  }

  /**
   * {@return whether every requirement holds for {@code labels}}
   *
   * @param labels an object's labels
   */
  public boolean matches(Map<String, String> labels) {
    for (int i = 0; i < requirements.size(); i++) {
      if (!requirements.get(i).matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return whether every requirement holds for the labels of {@code resource}}
   *
   * @param resource the object
   */
  public boolean matches(Resource resource) {
    return requirements.isEmpty() || matches(resource.labels());
  }

  /** {@return whether this selector has no requirements} */
  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /** {@return the requirements, in order} */
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
