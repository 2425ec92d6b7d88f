package dev.converge.inmemory.batch;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A CronJob's {@code spec.schedule} as Kubernetes 1.32 accepts and runs it: {@code cron.ParseStandard} of
 * github.com/robfig/cron/v3 v3.0.1 ({@code parser.go}, {@code spec.go}, {@code constantdelay.go}) plus the
 * schedule rules of {@code pkg/apis/batch/validation/validation.go} ({@code validateScheduleFormat}, {@code
 * validateTimeZone}). Written from those sources, not copied.
 *
 * <p>Five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or {@code jan}-{@code dec}, day of week
 * 0-6 or {@code sun}-{@code sat}; names in any case; 7 is not Sunday, as robfig's {@code dow} bounds are 0-6),
 * each a comma list of {@code *}, {@code ?} (same as {@code *}, in any field), {@code n}, {@code a-b}, {@code
 * x/n}, {@code a-b/n} and {@code a/n} (a to the field's maximum). Or one of the descriptors
 * {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight},
 * {@code @hourly}, or {@code @every} and a Go duration, which the apiserver accepts and the controller runs (its
 * {@code mostRecentScheduleTime} speaks of "schedules specified with @every form"). A schedule containing
 * {@code TZ} anywhere is refused, as validation does on create: the zone comes from {@code spec.timeZone}
 * ({@link #zone}).
 *
 * <p>Day of month and day of week: if either field carries robfig's star bit (it starts with {@code *} or {@code
 * ?} and has no step above 1), a day must match both; otherwise either (so {@code 0 0 13 * FRI} is the 13th and
 * every Friday).
 *
 * <p>Daylight saving, as robfig's {@code SpecSchedule.Next} does it (hours are stepped in absolute time, wall
 * times rebuilt the way Go's {@code time.Date} resolves them): a time inside a spring-forward gap does not run
 * that day ({@code 30 2 * * *} in America/New_York skips 2024-03-10); a time inside a fall-back overlap runs
 * twice, once per offset ({@code 30 1 * * *} runs at 01:30 EDT and 01:30 EST on 2024-11-03); {@code 0 * * * *}
 * runs every real hour across both.
 */
public final class CronSchedule {
  // spec.go: the top bit records a "*" or "?" in the field (the star bit).
  private static final long STAR = 1L << 63;
  private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
      Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
      Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
  private static final Map<String, Integer> DAYS =
      Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6);
  // validation.go: validTimeZoneCharacters, applied to each "/"-separated part of spec.timeZone.
  private static final Pattern TIME_ZONE_PART = Pattern.compile("[A-Za-z.\\-_0-9+]{1,14}");
  private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L,
      "\u03bcs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
  // strings.Fields: Go's white space.
  private static final Pattern GO_SPACE = Pattern.compile("[\\t-\\r \\x85\\p{Z}]+");
  // time.ParseDuration: [0-9]*(.[0-9]*)? then a unit, repeated.
  private static final Pattern DURATION_PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)([^0-9.]*)");

  private final String spec;
  private final long minute;
  private final long hour;
  private final long dom;
  private final long month;
  private final long dow;
  /** For {@code @every}: the delay in whole seconds (at least 1); 0 for a field schedule. */
  private final long everySeconds;

  private CronSchedule(String spec, long minute, long hour, long dom, long month, long dow, long everySeconds) {
    this.spec = spec;
    this.minute = minute;
    this.hour = hour;
    this.dom = dom;
    this.month = month;
    this.dow = dow;
    this.everySeconds = everySeconds;
  }

  /**
   * {@code cron.ParseStandard} (robfig {@code Parser.Parse}, {@code getField}, {@code getRange}, {@code
   * parseDescriptor}) behind validation's {@code TZ} check. The message is robfig's error text (validation
   * reports it as {@code spec.schedule: Invalid value: "<schedule>": <message>}).
   *
   * @throws IllegalArgumentException e.g. {@code expected exactly 5 fields, found 1: [x]}, {@code end of range
   *     (60) above maximum (59): 60}, {@code cannot use TZ or CRON_TZ in schedule, use timeZone field instead}
   */
  public static CronSchedule parse(String spec) {
    // validateScheduleFormat on create (allowTZInSchedule false): "TZ" anywhere.
    check(!spec.contains("TZ"), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    check(!spec.isEmpty(), "empty spec string");
    if (spec.startsWith("@")) {
      return descriptor(spec);
    }
    List<String> fields = Arrays.stream(GO_SPACE.split(spec)).filter(f -> !f.isEmpty()).toList();
    check(fields.size() == 5, "expected exactly 5 fields, found %d: [%s]", fields.size(), String.join(" ", fields));
    return of(spec, fields, 0);
  }

  private static CronSchedule of(String spec, List<String> fields, long everySeconds) {
    return new CronSchedule(spec, field(fields.get(0), 0, 59, null), field(fields.get(1), 0, 23, null),
        field(fields.get(2), 1, 31, null), field(fields.get(3), 1, 12, MONTHS), field(fields.get(4), 0, 6, DAYS),
        everySeconds);
  }

  /** robfig {@code parseDescriptor}: exact, case-sensitive names (the same bits as these fields); {@code Every}. */
  private static CronSchedule descriptor(String spec) {
    String fields = switch (spec) {
      case "@yearly", "@annually" -> "0 0 1 1 *";
      case "@monthly" -> "0 0 1 * *";
      case "@weekly" -> "0 0 * * 0";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@hourly" -> "0 * * * *";
      default -> null;
    };
    if (fields != null) {
      return of(spec, List.of(fields.split(" ")), 0);
    }
    check(spec.startsWith("@every "), "unrecognized descriptor: %s", spec);
    long nanos;
    try {
      nanos = goDuration(spec.substring("@every ".length()));
    } catch (IllegalArgumentException e) {
      throw bad("failed to parse duration %s: %s", spec, e.getMessage());
    }
    // constantdelay.go Every: below a second becomes a second; the rest is truncated to whole seconds.
    return of(spec, List.of("*", "*", "*", "*", "*"), Math.max(1, nanos / 1_000_000_000L));
  }

  /** robfig {@code getField} and {@code getRange}: a comma list (empty items dropped) of ranges, as bits. */
  private static long field(String field, int min, int max, @Nullable Map<String, Integer> names) {
    long result = 0;
    for (String expr : field.split(",")) {
      if (expr.isEmpty()) {
        continue;
      }
      String[] rangeAndStep = expr.split("/", -1);
      String[] lowAndHigh = rangeAndStep[0].split("-", -1);
      long start;
      long end;
      long extra = 0;
      if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) { // anything after "*-" is ignored, as upstream
        start = min;
        end = max;
        extra = STAR;
      } else {
        start = intOrName(lowAndHigh[0], names);
        check(lowAndHigh.length <= 2, "too many hyphens: %s", expr);
        end = lowAndHigh.length == 2 ? intOrName(lowAndHigh[1], names) : start;
      }
      long step = 1;
      check(rangeAndStep.length <= 2, "too many slashes: %s", expr);
      if (rangeAndStep.length == 2) {
        step = goInt(rangeAndStep[1]);
        end = lowAndHigh.length == 1 ? max : end; // "N/step" means "N-max/step"
        extra = step > 1 ? 0 : extra; // "*/2" is not a star for the day-of-month/day-of-week rule
      }
      check(start >= min, "beginning of range (%d) below minimum (%d): %s", start, min, expr);
      check(end <= max, "end of range (%d) above maximum (%d): %s", end, max, expr);
      check(start <= end, "beginning of range (%d) beyond end of range (%d): %s", start, end, expr);
      check(step != 0, "step of range should be a positive number: %s", expr);
      result |= bits(start, end, step) | extra;
    }
    return result;
  }

  private static long intOrName(String expr, @Nullable Map<String, Integer> names) {
    Integer named = names == null ? null : names.get(expr.toLowerCase(Locale.ROOT));
    return named != null ? named : goInt(expr);
  }

  /** robfig {@code mustParseInt}: Go's {@code strconv.Atoi} (ASCII digits, optional sign, 64-bit), then >= 0. */
  private static long goInt(String expr) {
    String atoi = "failed to parse int from %s: strconv.Atoi: parsing \"%s\": ";
    String quoted = expr.replace("\\", "\\\\").replace("\"", "\\\"");
    check(expr.matches("[+-]?[0-9]+"), atoi + "invalid syntax", expr, quoted);
    long num;
    try {
      num = Long.parseLong(expr);
    } catch (NumberFormatException e) {
      throw bad(atoi + "value out of range", expr, quoted);
    }
    check(num >= 0, "negative number (%d) not allowed: %s", num, expr);
    return num;
  }

  private static long bits(long start, long end, long step) {
    long result = 0;
    for (long i = start; i <= end; i += Math.min(step, 64)) {
      result |= 1L << i;
    }
    return result;
  }

  /** Go's {@code time.ParseDuration}, in nanoseconds; the message is Go's error text. */
  private static long goDuration(String text) {
    String quoted = goQuote(text);
    IllegalArgumentException invalid = bad("time: invalid duration %s", quoted);
    boolean negative = text.startsWith("-");
    String s = negative || text.startsWith("+") ? text.substring(1) : text;
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw invalid;
    }
    BigDecimal total = BigDecimal.ZERO;
    BigDecimal limit = new BigDecimal(BigInteger.ONE.shiftLeft(63));
    Matcher m = DURATION_PART.matcher(s);
    for (int i = 0; i < s.length(); i = m.end()) {
      m.region(i, s.length()).lookingAt();
      String number = m.group(1);
      if (number.replace(".", "").isEmpty()) {
        throw invalid; // no digits, or not starting with [0-9.]
      } else if (m.group(2).isEmpty()) {
        throw bad("time: missing unit in duration %s", quoted);
      } else if (!UNITS.containsKey(m.group(2))) {
        throw bad("time: unknown unit %s in duration %s", goQuote(m.group(2)), quoted);
      }
      BigDecimal value = new BigDecimal("0" + number + (number.endsWith(".") ? "0" : ""));
      total = total.add(value.multiply(BigDecimal.valueOf(UNITS.get(m.group(2)))).setScale(0, RoundingMode.DOWN));
      if (total.compareTo(limit) > (negative ? 0 : -1)) {
        throw invalid; // beyond int64 nanoseconds
      }
    }
    return negative ? total.negate().longValue() : total.longValueExact();
  }

  /** Go's {@code time.quote}: bytes outside printable ASCII become {@code \xNN}. */
  private static String goQuote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x20 || c >= 0x80) {
        out.append(String.format(Locale.ROOT, "\\x%02x", c));
      } else {
        out.append(c == '"' || c == '\\' ? "\\" : "").append((char) c);
      }
    }
    return out.append('"').toString();
  }

  /**
   * robfig {@code SpecSchedule.Next} ({@code ConstantDelaySchedule.Next} for {@code @every}): the first activation
   * strictly after {@code after}, in {@code after}'s zone, in whole seconds; {@code null} where robfig returns the
   * zero time (nothing within five years, e.g. {@code 0 0 30 2 *}).
   */
  public @Nullable ZonedDateTime next(ZonedDateTime after) {
    ZoneId zone = after.getZone();
    if (everySeconds > 0) { // the start of after's second, plus the delay
      return ZonedDateTime.ofInstant(Instant.ofEpochSecond(after.toEpochSecond() + everySeconds), zone);
    }
    if (minute == 0 || hour == 0 || month == 0) {
      return null; // a field of only commas: upstream searches five years in vain
    }
    ZoneRules rules = zone.getRules();
    long t = after.toEpochSecond() + 1; // the upcoming second
    boolean added = false; // whether a field has been moved (then lower fields start from their minimum)
    int yearLimit = local(t, rules).getYear() + 5;
    wrap:
    while (true) {
      LocalDateTime w = local(t, rules);
      if (w.getYear() > yearLimit) {
        return null;
      }
      while ((month & 1L << w.getMonthValue()) == 0) {
        if (!added) {
          added = true;
          t = goDate(w.getYear(), w.getMonthValue(), 1, 0, 0, rules);
          w = local(t, rules);
        }
        t = goDate(w.getYear(), w.getMonthValue() + 1, w.getDayOfMonth(), w.getHour(), w.getMinute(), rules);
        w = local(t, rules);
        if (w.getMonthValue() == 1) {
          continue wrap;
        }
      }
      while (!dayMatches(w)) {
        if (!added) {
          added = true;
          t = goDate(w.getYear(), w.getMonthValue(), w.getDayOfMonth(), 0, 0, rules);
          w = local(t, rules);
        }
        t = goDate(w.getYear(), w.getMonthValue(), w.getDayOfMonth() + 1, w.getHour(), w.getMinute(), rules);
        w = local(t, rules);
        if (w.getHour() != 0) { // DST moved midnight: back to it (23 h -> forward, 1 h -> back)
          t += (w.getHour() > 12 ? 24L - w.getHour() : -w.getHour()) * 3600;
          w = local(t, rules);
        }
        if (w.getDayOfMonth() == 1) {
          continue wrap;
        }
      }
      while ((hour & 1L << w.getHour()) == 0) {
        if (!added) {
          added = true;
          t = goDate(w.getYear(), w.getMonthValue(), w.getDayOfMonth(), w.getHour(), 0, rules);
        }
        t += 3600; // absolute time: a skipped wall hour is never seen, a repeated one is seen twice
        w = local(t, rules);
        if (w.getHour() == 0) {
          continue wrap;
        }
      }
      while ((minute & 1L << w.getMinute()) == 0) {
        if (!added) {
          added = true;
          t -= Math.floorMod(t, 60);
        }
        t += 60;
        w = local(t, rules);
        if (w.getMinute() == 0) {
          continue wrap;
        }
      }
      if (w.getSecond() != 0) { // the seconds field of a standard spec is "0": on to the next minute
        do {
          t++;
        } while (local(t, rules).getSecond() != 0);
        continue wrap;
      }
      return ZonedDateTime.ofInstant(Instant.ofEpochSecond(t), zone);
    }
  }

  /** robfig {@code dayMatches}: both must match if either field has the star bit, else either. */
  private boolean dayMatches(LocalDateTime w) {
    boolean domMatch = (dom & 1L << w.getDayOfMonth()) != 0;
    boolean dowMatch = (dow & 1L << (w.getDayOfWeek().getValue() % DayOfWeek.SUNDAY.getValue())) != 0;
    return (dom & STAR) != 0 || (dow & STAR) != 0 ? domMatch && dowMatch : domMatch || dowMatch;
  }

  private static LocalDateTime local(long epochSecond, ZoneRules rules) {
    return LocalDateTime.ofEpochSecond(epochSecond, 0, rules.getOffset(Instant.ofEpochSecond(epochSecond)));
  }

  /**
   * Go's {@code time.Date} (also behind {@code AddDate}): month and day overflow roll over; a wall time in a gap
   * takes the offset in force after the transition (02:30 on a spring-forward day in New York is 01:30 EST), one
   * in an overlap the earlier offset.
   */
  private static long goDate(int year, int month, int day, int hour, int minute, ZoneRules rules) {
    long unix = LocalDate.of(year, 1, 1).plusMonths(month - 1L).plusDays(day - 1L).atTime(hour, minute)
        .toEpochSecond(ZoneOffset.UTC);
    int offset = rules.getOffset(Instant.ofEpochSecond(unix)).getTotalSeconds();
    int atGuess = rules.getOffset(Instant.ofEpochSecond(unix - offset)).getTotalSeconds();
    return unix - atGuess;
  }

  /**
   * {@code spec.timeZone} to a zone: {@code validateTimeZone} (validation.go) and the controller's {@code
   * time.LoadLocation}. {@code null} is the kube-controller-manager's local zone, UTC in the simulation.
   *
   * @throws IllegalArgumentException {@code unknown time zone X}, {@code timeZone must be nil or non-empty
   *     string}, or, for {@code Local}, {@code timeZone must be an explicit time zone as defined in
   *     https://www.iana.org/time-zones}
   */
  public static ZoneId zone(@Nullable String timeZone) {
    if (timeZone == null) {
      return ZoneOffset.UTC;
    }
    check(!timeZone.isEmpty(), "timeZone must be nil or non-empty string");
    for (String part : timeZone.split("/", -1)) {
      check(!part.equals(".") && !part.equals("..") && !part.startsWith("-")
          && TIME_ZONE_PART.matcher(part).matches(), "unknown time zone %s", timeZone);
    }
    check(!timeZone.equalsIgnoreCase("Local"),
        "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
    if (Set.of("EST", "MST", "HST").contains(timeZone)) { // tzdata fixed-offset zones java.time lists only as aliases
      return ZoneId.of(timeZone, ZoneId.SHORT_IDS);
    }
    check(ZoneId.getAvailableZoneIds().contains(timeZone), "unknown time zone %s", timeZone); // LoadLocation
    return ZoneId.of(timeZone);
  }

  private static void check(boolean ok, String format, Object... args) {
    if (!ok) {
      throw bad(format, args);
    }
  }

  private static IllegalArgumentException bad(String format, Object... args) {
    return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
  }

  /** The schedule as written. */
  @Override
  public String toString() {
    return spec;
  }
}
