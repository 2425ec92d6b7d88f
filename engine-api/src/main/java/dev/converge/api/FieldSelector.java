package dev.converge.api;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Kubernetes field selector: a conjunction of {@code field=value} and {@code field!=value} terms over
 * dotted paths ({@code spec.nodeName=node-7,status.phase!=Succeeded}). Which fields a server supports is the
 * server's business; this type only parses and evaluates.
 */
public final class FieldSelector {
  private static final FieldSelector EVERYTHING = new FieldSelector(ImmutableList.of());

  /**
   * One term: {@code field=value} or, negated, {@code field!=value}.
   *
   * @param field the dotted path
   * @param value the value compared with the field's text (a missing field reads as empty)
   * @param negated whether the term is {@code !=}
   */
  public record Term(String field, String value, boolean negated) {
    /**
     * Checks that the term names a field.
     *
     * @param field the dotted path, not empty
     * @param value the value
     * @param negated whether the term is {@code !=}
     */
    public Term {
      checkArgument(!field.isEmpty(), "field selector term has no field");
    }

    boolean matches(Resource resource) {
      String actual = resource.at(field).asText("");
      return actual.equals(value) != negated;
    }

    @Override
    public String toString() {
      return field + (negated ? "!=" : "=") + value;
    }
  }

  private final ImmutableList<Term> terms;

  private FieldSelector(ImmutableList<Term> terms) {
    this.terms = terms;
  }

  /** {@return the selector with no terms, which matches every object} */
  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * {@return the selector {@code field=value}}
   *
   * @param field the dotted path
   * @param value the required value
   */
  public static FieldSelector equal(String field, String value) {
    return new FieldSelector(ImmutableList.of(new Term(field, value, false)));
  }

  /**
   * Parses {@code a=b,c!=d} ({@code ==} is accepted for {@code =}).
   *
   * @param text the selector as a query parameter carries it; blank selects everything
   * @return the selector
   * @throws IllegalArgumentException naming the term that does not parse
   */
  public static FieldSelector parse(String text) {
    if (text.isBlank()) {
      return EVERYTHING;
    }
    List<Term> terms = new ArrayList<>();
    for (String term : Splitter.on(',').trimResults().split(text)) {
      int neq = term.indexOf("!=");
      int eq = term.indexOf('=');
      if (neq > 0) {
        terms.add(new Term(term.substring(0, neq), term.substring(neq + 2), true));
      } else if (eq > 0) {
        String value = term.startsWith("=", eq + 1) ? term.substring(eq + 2) : term.substring(eq + 1);
        terms.add(new Term(term.substring(0, eq), value, false));
      } else {
        throw new IllegalArgumentException("invalid field selector '" + text + "': term '" + term + "' has no '=' or '!='");
      }
    }
    return new FieldSelector(ImmutableList.copyOf(terms));
  }

  /**
   * {@return whether every term holds for {@code resource}}
   *
   * @param resource the object
   */
  public boolean matches(Resource resource) {
    for (int i = 0; i < terms.size(); i++) {
      if (!terms.get(i).matches(resource)) {
        return false;
      }
    }
    return true;
  }

  /** {@return whether this selector has no terms} */
  public boolean isEverything() {
    return terms.isEmpty();
  }

  /** {@return the terms, in the order written} */
  public ImmutableList<Term> terms() {
    return terms;
  }

  /**
   * {@return the value this selector requires {@code field} to equal, if it has such a term} Servers use it to
   * pick an index ({@code spec.nodeName} for pods).
   *
   * @param field the dotted path
   */
  public Optional<String> requiredValue(String field) {
    for (Term term : terms) {
      if (!term.negated() && term.field().equals(field)) {
        return Optional.of(term.value());
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FieldSelector that && terms.equals(that.terms);
  }

  @Override
  public int hashCode() {
    return terms.hashCode();
  }

  @Override
  public String toString() {
    return String.join(",", terms.stream().map(Term::toString).toList());
  }
}
