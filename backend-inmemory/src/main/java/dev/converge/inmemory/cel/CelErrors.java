package dev.converge.inmemory.cel;

import dev.cel.common.exceptions.CelIterationLimitExceededException;
import dev.cel.runtime.CelEvaluationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * cel-java's evaluation errors in cel-go's words, which are the ones Kubernetes puts in its causes ({@code no such
 * key: name}, {@code division by zero}, {@code no such overload}, {@code index out of bounds: 3}).
 */
final class CelErrors {
  private static final Pattern LOCATION = Pattern.compile("^evaluation error(?: at [^:]*:\\d+)?: ");
  private static final Pattern NO_SUCH_KEY = Pattern.compile("key '(.*)' is not present in map\\.?");
  private static final Pattern INDEX = Pattern.compile("(?i)index out of bounds: (-?\\d+)\\.?");

  private CelErrors() {}

  static String goText(CelEvaluationException e) {
    String text = LOCATION.matcher(String.valueOf(e.getMessage())).replaceFirst("");
    Matcher key = NO_SUCH_KEY.matcher(text);
    if (key.matches()) {
      return "no such key: " + key.group(1);
    }
    Matcher index = INDEX.matcher(text);
    if (index.matches()) {
      return "index out of bounds: " + index.group(1);
    }
    if (text.equals("/ by zero")) {
      return "division by zero";
    }
    if (text.startsWith("No matching overload") || text.startsWith("no matching overload")) {
      return "no such overload";
    }
    return text;
  }

  static boolean isIterationLimit(CelEvaluationException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CelIterationLimitExceededException) {
        return true;
      }
    }
    return false;
  }
}
