package dev.converge.inmemory.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Schedules as Kubernetes 1.32 (robfig/cron v3 {@code ParseStandard}) parses and runs them. */
class CronScheduleTest {

  /** The first {@code count} activations after {@code after}, as offset date-times, computed in {@code zone}. */
  private static List<String> runs(String spec, String after, String zone, int count) {
    CronSchedule schedule = CronSchedule.parse(spec);
    ZonedDateTime t = OffsetDateTime.parse(after).atZoneSameInstant(ZoneId.of(zone));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      @Nullable ZonedDateTime next = schedule.next(t);
      if (next == null) {
        out.add("none");
        break;
      }
      out.add(next.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      t = next;
    }
    return out;
  }

  private static List<String> runs(String spec, String after, int count) {
    return runs(spec, after, "UTC", count);
  }

  private static void rejects(String spec, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void everyMinute_strictlyAfter_secondsDropped() {
    assertThat(runs("* * * * *", "2024-05-01T10:15:30.250Z", 2))
        .containsExactly("2024-05-01T10:16:00Z", "2024-05-01T10:17:00Z");
    assertThat(runs("* * * * *", "2024-05-01T10:16:00Z", 1)).containsExactly("2024-05-01T10:17:00Z");
    assertThat(runs("* * * * ?", "2024-05-01T10:15:59.999Z", 1)).containsExactly("2024-05-01T10:16:00Z");
  }

  @Test
  void everyFifteenMinutes() {
    assertThat(runs("*/15 * * * *", "2024-05-01T10:15:00Z", 3))
        .containsExactly("2024-05-01T10:30:00Z", "2024-05-01T10:45:00Z", "2024-05-01T11:00:00Z");
  }

  @Test
  void workingHours_mondayToFriday() {
    assertThat(runs("0 9-17 * * MON-FRI", "2024-05-03T16:30:00Z", 2)) // Friday
        .containsExactly("2024-05-03T17:00:00Z", "2024-05-06T09:00:00Z");
  }

  @Test
  void descriptors() {
    assertThat(runs("@hourly", "2024-05-01T10:00:00Z", 2))
        .containsExactly("2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z");
    assertThat(runs("@daily", "2024-12-31T23:59:59Z", 1)).containsExactly("2025-01-01T00:00:00Z");
    assertThat(runs("@midnight", "2024-05-01T00:00:00Z", 1)).containsExactly("2024-05-02T00:00:00Z");
    assertThat(runs("@weekly", "2024-05-01T12:00:00Z", 1)).containsExactly("2024-05-05T00:00:00Z"); // Sunday
    assertThat(runs("@monthly", "2024-05-01T00:00:00Z", 1)).containsExactly("2024-06-01T00:00:00Z");
    assertThat(runs("@yearly", "2024-05-01T00:00:00Z", 1)).containsExactly("2025-01-01T00:00:00Z");
    assertThat(runs("@annually", "2024-05-01T00:00:00Z", 1)).containsExactly("2025-01-01T00:00:00Z");
  }

  @Test
  void dayOfMonthAndDayOfWeek_bothRestricted_eitherMatches() {
    // 2024-09-01 is a Sunday: Fridays 6, 13, 20 and the 13th (also a Friday).
    assertThat(runs("0 0 13 * FRI", "2024-09-01T00:00:00Z", 4)).containsExactly("2024-09-06T00:00:00Z",
        "2024-09-13T00:00:00Z", "2024-09-20T00:00:00Z", "2024-09-27T00:00:00Z");
    assertThat(runs("0 0 13 * FRI", "2024-09-27T00:00:00Z", 2))
        .containsExactly("2024-10-04T00:00:00Z", "2024-10-11T00:00:00Z");
    assertThat(runs("0 0 13 * FRI", "2024-10-11T00:00:00Z", 2))
        .containsExactly("2024-10-13T00:00:00Z", "2024-10-18T00:00:00Z");
  }

  @Test
  void aStarInEitherDayField_bothMustMatch_butAStepAboveOneIsNoStar() {
    assertThat(runs("0 0 13 * *", "2024-09-13T00:00:00Z", 1)).containsExactly("2024-10-13T00:00:00Z");
    assertThat(runs("0 0 * * MON", "2024-09-02T00:00:00Z", 1)).containsExactly("2024-09-09T00:00:00Z");
    // "*/1" keeps the star bit: Mondays only.
    assertThat(runs("0 0 */1 * MON", "2024-09-01T00:00:00Z", 2))
        .containsExactly("2024-09-02T00:00:00Z", "2024-09-09T00:00:00Z");
    // "*/2" does not: odd days or Mondays (the 2nd is a Monday).
    assertThat(runs("0 0 */2 * MON", "2024-09-01T00:00:00Z", 3))
        .containsExactly("2024-09-02T00:00:00Z", "2024-09-03T00:00:00Z", "2024-09-05T00:00:00Z");
  }

  @Test
  void thirtyFirst_skipsShortMonths() {
    assertThat(runs("0 0 31 * *", "2024-01-31T00:00:00Z", 3))
        .containsExactly("2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z", "2024-07-31T00:00:00Z");
  }

  @Test
  void february29_onlyInLeapYears_andNothingBeyondFiveYears() {
    assertThat(runs("0 0 29 2 *", "2024-03-01T00:00:00Z", 1)).containsExactly("2028-02-29T00:00:00Z");
    // 2100 is no leap year and 2104 is past robfig's five-year search: the zero time.
    assertThat(runs("0 0 29 2 *", "2096-03-01T00:00:00Z", 1)).containsExactly("none");
    assertThat(runs("0 0 30 2 *", "2024-01-01T00:00:00Z", 1)).containsExactly("none");
    assertThat(runs("0 , * * *", "2024-01-01T00:00:00Z", 1)).containsExactly("none"); // accepted, never runs
  }

  @Test
  void stepsOnRanges_andFromAValue() {
    assertThat(runs("10-40/15 * * * *", "2024-05-01T10:00:00Z", 4)).containsExactly("2024-05-01T10:10:00Z",
        "2024-05-01T10:25:00Z", "2024-05-01T10:40:00Z", "2024-05-01T11:10:00Z");
    assertThat(runs("5/20 9-17/4 * * *", "2024-05-01T10:00:00Z", 4)).containsExactly("2024-05-01T13:05:00Z",
        "2024-05-01T13:25:00Z", "2024-05-01T13:45:00Z", "2024-05-01T17:05:00Z");
    assertThat(runs("0,30 1,2 1 1,7 *", "2024-01-01T01:45:00Z", 2))
        .containsExactly("2024-01-01T02:00:00Z", "2024-01-01T02:30:00Z");
  }

  @Test
  void namesInAnyCase() {
    assertThat(runs("0 12 * jAn,DEC sUn", "2024-01-01T00:00:00Z", 2)) // 2024-01-01 is a Monday
        .containsExactly("2024-01-07T12:00:00Z", "2024-01-14T12:00:00Z");
    assertThat(runs("0 0 1 Nov-dec *", "2024-05-01T00:00:00Z", 1)).containsExactly("2024-11-01T00:00:00Z");
  }

  @Test
  void newYork_springForward_skipsTheGap() {
    String ny = "America/New_York";
    assertThat(runs("0 9 * * *", "2024-03-09T12:00:00-05:00", ny, 2))
        .containsExactly("2024-03-10T09:00:00-04:00", "2024-03-11T09:00:00-04:00");
    // 02:30 does not exist on 2024-03-10: no run that day.
    assertThat(runs("30 2 * * *", "2024-03-09T03:00:00-05:00", ny, 1)).containsExactly("2024-03-11T02:30:00-04:00");
    assertThat(runs("0 * * * *", "2024-03-10T00:30:00-05:00", ny, 3))
        .containsExactly("2024-03-10T01:00:00-05:00", "2024-03-10T03:00:00-04:00", "2024-03-10T04:00:00-04:00");
  }

  @Test
  void newYork_fallBack_runsInTheRepeatedHourTwice() {
    String ny = "America/New_York";
    assertThat(runs("30 1 * * *", "2024-11-03T00:00:00-04:00", ny, 3)).containsExactly(
        "2024-11-03T01:30:00-04:00", "2024-11-03T01:30:00-05:00", "2024-11-04T01:30:00-05:00");
    assertThat(runs("0 * * * *", "2024-11-03T00:30:00-04:00", ny, 3))
        .containsExactly("2024-11-03T01:00:00-04:00", "2024-11-03T01:00:00-05:00", "2024-11-03T02:00:00-05:00");
  }

  @Test
  void midnightThatDoesNotExist_dailyRunSkipsThatDay() {
    // Chile: 2024-09-08 00:00 became 01:00. Like robfig, @daily finds no hour 0 that day.
    assertThat(runs("@daily", "2024-09-07T12:00:00-04:00", "America/Santiago", 2))
        .containsExactly("2024-09-09T00:00:00-03:00", "2024-09-10T00:00:00-03:00");
  }

  @Test
  void resultIsInTheZoneOfAfter() {
    ZonedDateTime after = ZonedDateTime.of(2024, 5, 1, 10, 0, 0, 0, ZoneId.of("Europe/Berlin"));
    assertThat(CronSchedule.parse("0 12 * * *").next(after))
        .isEqualTo(ZonedDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneId.of("Europe/Berlin")));
  }

  @Test
  void every_addsTheDelayToTheStartOfTheSecond() {
    assertThat(runs("@every 1h30m", "2024-05-01T10:00:00.500Z", 2))
        .containsExactly("2024-05-01T11:30:00Z", "2024-05-01T13:00:00Z");
    assertThat(runs("@every 500ms", "2024-05-01T10:00:00.700Z", 1)).containsExactly("2024-05-01T10:00:01Z");
    assertThat(runs("@every 1.5s", "2024-05-01T10:00:00Z", 1)).containsExactly("2024-05-01T10:00:01Z");
    assertThat(runs("@every 90s", "2024-05-01T10:00:00Z", 1)).containsExactly("2024-05-01T10:01:30Z");
    rejects("@every 1d", "failed to parse duration @every 1d: time: unknown unit \"d\" in duration \"1d\"");
    rejects("@every 10", "failed to parse duration @every 10: time: missing unit in duration \"10\"");
    rejects("@every x", "failed to parse duration @every x: time: invalid duration \"x\"");
  }

  @Test
  void wrongNumberOfFields() {
    rejects("x", "expected exactly 5 fields, found 1: [x]");
    rejects("* * * *", "expected exactly 5 fields, found 4: [* * * *]");
    rejects("0 * * * * *", "expected exactly 5 fields, found 6: [0 * * * * *]");
    rejects("", "empty spec string");
    rejects("@Daily", "unrecognized descriptor: @Daily");
  }

  @Test
  void outOfRange() {
    rejects("60 * * * *", "end of range (60) above maximum (59): 60");
    rejects("0 24 * * *", "end of range (24) above maximum (23): 24");
    rejects("0 0 0 * *", "beginning of range (0) below minimum (1): 0");
    rejects("0 0 1 13 *", "end of range (13) above maximum (12): 13");
    rejects("0 0 * * 7", "end of range (7) above maximum (6): 7"); // robfig: Sunday is 0 only
    rejects("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1");
    rejects("*/0 * * * *", "step of range should be a positive number: */0");
    rejects("0 0 40/2 * *", "beginning of range (40) beyond end of range (31): 40/2");
  }

  @Test
  void badSyntaxAndNames() {
    rejects("0 0 * FOO *", "failed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax");
    rejects("0 0 * * JAN", "failed to parse int from JAN: strconv.Atoi: parsing \"JAN\": invalid syntax");
    rejects("MON * * * *", "failed to parse int from MON: strconv.Atoi: parsing \"MON\": invalid syntax");
    rejects("1-2-3 * * * *", "too many hyphens: 1-2-3");
    rejects("1/2/3 * * * *", "too many slashes: 1/2/3");
    rejects("*/-1 * * * *", "negative number (-1) not allowed: -1");
  }

  @Test
  void timeZoneInTheSchedule_isRefused() {
    String message = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
    rejects("TZ=UTC 0 0 * * *", message);
    rejects("CRON_TZ=Europe/Berlin 0 0 * * *", message);
  }

  @Test
  void zone_fromSpecTimeZone() {
    assertThat(CronSchedule.zone(null)).isEqualTo(ZoneOffset.UTC);
    assertThat(CronSchedule.zone("America/New_York")).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(CronSchedule.zone("Etc/UTC")).isEqualTo(ZoneId.of("Etc/UTC"));
    assertThatThrownBy(() -> CronSchedule.zone("Mars/Olympus_Mons")).hasMessage("unknown time zone Mars/Olympus_Mons");
    assertThatThrownBy(() -> CronSchedule.zone("../etc/passwd")).hasMessage("unknown time zone ../etc/passwd");
    assertThatThrownBy(() -> CronSchedule.zone("+05:00")).hasMessage("unknown time zone +05:00");
    assertThatThrownBy(() -> CronSchedule.zone("")).hasMessage("timeZone must be nil or non-empty string");
    assertThatThrownBy(() -> CronSchedule.zone("local"))
        .hasMessage("timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
  }
}
