package dev.converge.inmemory.json;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeParseException;

/**
 * RFC 3339 timestamps read as {@link Instant#parse} reads them, without its formatter for the two forms the API
 * server writes: {@code metav1.Time} ({@code 2025-01-01T00:00:10Z}) and {@code metav1.MicroTime} ({@code
 * 2025-01-01T00:00:10.250000Z}), upper-case {@code T} and {@code Z}, seconds below 60. Every other text (offsets,
 * lower case, a leap second, anything invalid) goes to {@link Instant#parse}, so the answer and the exception are
 * always {@code Instant.parse}'s. Managed-field entries are ordered by their times on every write of an object
 * with several writers, and the formatter's parse was a visible share of a simulated rollout.
 */
public final class Rfc3339 {
  private Rfc3339() {}

  /**
   * {@code Instant.parse(text)}.
   *
   * @throws DateTimeParseException as {@link Instant#parse} throws it
   */
  public static Instant parse(String text) {
    long seconds = wholeSeconds(text);
    if (seconds == NOT_FAST) {
      return Instant.parse(text);
    }
    return text.length() == 20 ? Instant.ofEpochSecond(seconds) : Instant.ofEpochSecond(seconds, nanos(text));
  }

  /**
   * {@code Instant.parse(text).getEpochSecond()}.
   *
   * @throws DateTimeParseException as {@link Instant#parse} throws it
   */
  public static long epochSeconds(String text) {
    long seconds = wholeSeconds(text);
    return seconds == NOT_FAST ? Instant.parse(text).getEpochSecond() : seconds;
  }

  /** Not a value {@link #wholeSeconds} can return for a fast form: years 0000–9999 are far from it. */
  private static final long NOT_FAST = Long.MIN_VALUE;

  /** The epoch seconds of {@code text} in one of the fast forms, or {@link #NOT_FAST}. */
  private static long wholeSeconds(String text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
        || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return NOT_FAST;
    }
    if (length > 20 && (text.charAt(19) != '.' || length == 21 || !digits(text, 20, length - 1))) {
      return NOT_FAST;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 7);
    int day = number(text, 8, 10);
    int hour = number(text, 11, 13);
    int minute = number(text, 14, 16);
    int second = number(text, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || day > Month.of(month).length(Year.isLeap(year))) {
      return NOT_FAST;
    }
    return LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
  }

  /** The fraction's digits (one to nine, after the dot at 19) as nanoseconds. */
  private static int nanos(String text) {
    int nanos = 0;
    int end = text.length() - 1;
    for (int i = 20; i < 29; i++) {
      nanos = nanos * 10 + (i < end ? text.charAt(i) - '0' : 0);
    }
    return nanos;
  }

  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The decimal number in {@code [from, to)}; -1 when a character is not a digit. */
  private static int number(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
