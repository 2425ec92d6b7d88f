package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A value rule of the diff, registered per kind and path in a {@link NormalizerRegistry}: where a desired
 * value and the live one differ, it may say that the live value satisfies the desired one anyway (the
 * server stored it in another form: {@code 1000m} as {@code 1}, {@code stringData} as base64 {@code data}),
 * or rewrite the desired value into the form the server would store, which is then compared again.
 *
 * <p>Rules are consulted only where the plain comparison found a difference, at the path of the difference
 * and at each enclosing path, innermost first; so a rule can remove differences, never add them, and
 * unchanged trees never reach it. Rules must be pure and deterministic.
 */
public interface Normalizer {

  /**
   * Whether {@code at.live()} satisfies {@code at.desired()} although they differ.
   *
   * @param at the two values and where they are
   * @return true to drop the difference
   */
  default boolean satisfies(ValueAt at) {
    return false;
  }

  /**
   * The desired value in the form the server stores it, compared again in place of the original; return
   * {@code at.desired()} itself (the same instance) to leave it alone.
   *
   * @param at the two values and where they are
   */
  default JsonNode rewrite(ValueAt at) {
    return at.desired();
  }

  /** A rule that drops the difference when {@code test} holds. */
  static Normalizer satisfiedWhen(Predicate<ValueAt> test) {
    return new Normalizer() {
      @Override
      public boolean satisfies(ValueAt at) {
        return test.test(at);
      }
    };
  }

  /** A rule that rewrites the desired value before it is compared again. */
  static Normalizer rewriting(UnaryOperator<JsonNode> rewrite) {
    return new Normalizer() {
      @Override
      public JsonNode rewrite(ValueAt at) {
        return rewrite.apply(at.desired());
      }
    };
  }
}
