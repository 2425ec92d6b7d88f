package dev.converge.inmemory.cel;

import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.converge.core.schema.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' quantity functions ({@code library/quantity.go}, as in 1.32): {@code quantity(s)}, {@code
 * isQuantity(s)}, {@code sign(q)} (a global function), {@code isGreaterThan}, {@code isLessThan}, {@code
 * compareTo}, {@code add} and {@code sub} (of a quantity or an int), {@code asInteger()}, {@code isInteger()},
 * {@code asApproximateFloat()}.
 */
final class QuantityFunctions {
  static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");

  private QuantityFunctions() {}

  /** A resource quantity ({@code resource.Quantity}) by its exact amount. */
  record KubeQuantity(BigDecimal amount) {}

  static void register(FunctionTable table) {
    table.global("quantity", "string_to_quantity", QUANTITY, List.of(SimpleType.STRING),
        args -> parseQuantity((String) args[0]));
    table.global("isQuantity", "is_quantity_string", SimpleType.BOOL, List.of(SimpleType.STRING),
        args -> Quantity.parse((String) args[0]).isPresent());
    table.global("sign", "quantity_sign", SimpleType.INT, List.of(QUANTITY),
        args -> (long) ((KubeQuantity) args[0]).amount().signum());
    table.member("isGreaterThan", "quantity_is_greater_than", SimpleType.BOOL, List.of(QUANTITY, QUANTITY),
        args -> amount(args[0]).compareTo(amount(args[1])) > 0);
    table.member("isLessThan", "quantity_is_less_than", SimpleType.BOOL, List.of(QUANTITY, QUANTITY),
        args -> amount(args[0]).compareTo(amount(args[1])) < 0);
    table.member("compareTo", "quantity_compare_to", SimpleType.INT, List.of(QUANTITY, QUANTITY),
        args -> (long) Integer.signum(amount(args[0]).compareTo(amount(args[1]))));
    table.member("add", "quantity_add", QUANTITY, List.of(QUANTITY, QUANTITY),
        args -> new KubeQuantity(amount(args[0]).add(amount(args[1]))));
    table.member("add", "quantity_add_int", QUANTITY, List.of(QUANTITY, SimpleType.INT),
        args -> new KubeQuantity(amount(args[0]).add(BigDecimal.valueOf((Long) args[1]))));
    table.member("sub", "quantity_sub", QUANTITY, List.of(QUANTITY, QUANTITY),
        args -> new KubeQuantity(amount(args[0]).subtract(amount(args[1]))));
    table.member("sub", "quantity_sub_int", QUANTITY, List.of(QUANTITY, SimpleType.INT),
        args -> new KubeQuantity(amount(args[0]).subtract(BigDecimal.valueOf((Long) args[1]))));
    table.member("isInteger", "quantity_is_integer", SimpleType.BOOL, List.of(QUANTITY),
        args -> asLong(amount(args[0])).isPresent());
    table.member("asInteger", "quantity_get_int", SimpleType.INT, List.of(QUANTITY), args -> {
      Optional<Long> value = asLong(amount(args[0]));
      if (value.isEmpty()) {
        throw FunctionTable.error("cannot convert value to integer");
      }
      return value.get();
    });
    table.member("asApproximateFloat", "quantity_get_float", SimpleType.DOUBLE, List.of(QUANTITY),
        args -> amount(args[0]).doubleValue());
  }

  private static KubeQuantity parseQuantity(String text) throws CelEvaluationException {
    Optional<BigDecimal> amount = Quantity.parse(text);
    if (amount.isEmpty()) {
      throw FunctionTable.error("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    return new KubeQuantity(amount.get());
  }

  private static BigDecimal amount(Object quantity) {
    return ((KubeQuantity) quantity).amount();
  }

  /** {@code Quantity.AsInt64}: a whole amount that fits in an int64. */
  private static Optional<Long> asLong(BigDecimal amount) {
    try {
      BigInteger whole = amount.toBigIntegerExact();
      return whole.bitLength() < 64 ? Optional.of(whole.longValue()) : Optional.empty();
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }
}
