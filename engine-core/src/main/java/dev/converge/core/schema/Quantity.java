package dev.converge.core.schema;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Kubernetes resource quantities ({@code 100m}, {@code 1.5}, {@code 128Mi}, {@code 1e3}, {@code 2G}) as exact
 * decimals, so that {@code 1000m} equals {@code 1} and {@code 1Gi} equals {@code 1024Mi}, as {@code
 * k8s.io/apimachinery/pkg/api/resource} compares them.
 */
public final class Quantity {
  private static final BigDecimal KI = BigDecimal.valueOf(1024);

  private Quantity() {}

  /** The value of {@code text}, or empty if it is not a quantity. */
  public static Optional<BigDecimal> parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    int end = s.length();
    while (end > 0 && !Character.isDigit(s.charAt(end - 1)) && s.charAt(end - 1) != '.') {
      end--;
    }
    String number = s.substring(0, end);
    String suffix = s.substring(end);
    BigDecimal base;
    try {
      // Exponent forms (1e3, 1E-2) have digits after the suffix letter; BigDecimal parses them directly.
      if (suffix.isEmpty() || isExponent(s)) {
        base = new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
        return Optional.of(base);
      }
      if (number.isEmpty() || number.equals("+") || number.equals("-")) {
        return Optional.empty();
      }
      base = new BigDecimal(number.startsWith("+") ? number.substring(1) : number);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    BigDecimal factor = switch (suffix) {
      case "n" -> BigDecimal.ONE.scaleByPowerOfTen(-9);
      case "u" -> BigDecimal.ONE.scaleByPowerOfTen(-6);
      case "m" -> BigDecimal.ONE.scaleByPowerOfTen(-3);
      case "k" -> BigDecimal.ONE.scaleByPowerOfTen(3);
      case "M" -> BigDecimal.ONE.scaleByPowerOfTen(6);
      case "G" -> BigDecimal.ONE.scaleByPowerOfTen(9);
      case "T" -> BigDecimal.ONE.scaleByPowerOfTen(12);
      case "P" -> BigDecimal.ONE.scaleByPowerOfTen(15);
      case "E" -> BigDecimal.ONE.scaleByPowerOfTen(18);
      case "Ki" -> KI;
      case "Mi" -> KI.pow(2);
      case "Gi" -> KI.pow(3);
      case "Ti" -> KI.pow(4);
      case "Pi" -> KI.pow(5);
      case "Ei" -> KI.pow(6);
      default -> null;
    };
    return factor == null ? Optional.empty() : Optional.of(base.multiply(factor));
  }

  private static boolean isExponent(String s) {
    int e = Math.max(s.indexOf('e'), s.indexOf('E'));
    if (e <= 0 || e == s.length() - 1) {
      return false;
    }
    for (int i = e + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isDigit(c) && !(i == e + 1 && (c == '-' || c == '+'))) {
        return false;
      }
    }
    return true;
  }

  /** Whether two quantity strings denote the same amount; false if either is not a quantity. */
  public static boolean sameAmount(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    Optional<BigDecimal> x = parse(a);
    Optional<BigDecimal> y = parse(b);
    return x.isPresent() && y.isPresent() && x.get().compareTo(y.get()) == 0;
  }
}
