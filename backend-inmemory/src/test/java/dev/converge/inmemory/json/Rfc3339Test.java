package dev.converge.inmemory.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Rfc3339} answers (and fails) exactly as {@link Instant#parse} does, fast forms or not. */
class Rfc3339Test {
  @Test
  void theServersForms_parseAsInstantParseParsesThem() {
    SplittableRandom random = new SplittableRandom(3339);
    for (int i = 0; i < 20_000; i++) {
      // Years 0000-9999, every fraction length from none to nine digits.
      Instant instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L),
          random.nextInt(1_000_000_000));
      String text = instant.toString();
      int fraction = random.nextInt(10);
      String whole = text.substring(0, 19);
      String digits = String.format("%09d", instant.getNano()).substring(0, fraction);
      String form = whole + (fraction == 0 ? "" : "." + digits) + "Z";
      Instant expected = Instant.parse(form);
      assertThat(Rfc3339.parse(form)).as(form).isEqualTo(expected);
      assertThat(Rfc3339.epochSeconds(form)).as(form).isEqualTo(expected.getEpochSecond());
    }
  }

  @Test
  void otherForms_areInstantParsesAnswer() {
    for (String text : List.of("2025-01-01T00:00:10+02:00", "2025-01-01T00:00:10.5-01:30", "2016-12-31T23:59:60Z",
        "2024-02-29T12:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
        // Instant.parse takes these too: an empty fraction, the end of a day, lower case.
        "2025-01-01T00:00:10.Z", "2025-01-01T24:00:00Z", "2025-01-01t00:00:10z")) {
      assertThat(Rfc3339.parse(text)).as(text).isEqualTo(Instant.parse(text));
      assertThat(Rfc3339.epochSeconds(text)).as(text).isEqualTo(Instant.parse(text).getEpochSecond());
    }
  }

  @Test
  void invalidText_failsAsInstantParseFails() {
    for (String text : List.of("", "2025-01-01", "2025-01-01T00:00:10", "2025-13-01T00:00:10Z",
        "2025-02-29T00:00:10Z", "2025-01-01T00:60:00Z",
        "2025-01-01T00:00:10.1234567891Z", "20x5-01-01T00:00:10Z", "2025-01-01T00:00:1aZ", "2025-01-01T00:00:10.1a3Z")) {
      assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> Rfc3339.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> Rfc3339.epochSeconds(text)).as(text).isInstanceOf(DateTimeParseException.class);
    }
  }
}
