package dev.converge.inmemory.sim.runtime;

import dev.converge.inmemory.json.Rfc3339;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Kubernetes' two timestamp forms, formatted cheaply (the date part is cached per second): {@code metav1.Time}
 * ({@code 2025-01-01T00:00:10Z}, whole seconds: conditions, start times) and {@code metav1.MicroTime}
 * ({@code 2025-01-01T00:00:10.250000Z}: a Lease's {@code renewTime}). Confined to one thread, like the
 * simulation.
 */
public final class Timestamps {
  private long cachedSecond = Long.MIN_VALUE;
  private String cachedText = "";

  /** {@code metav1.Time}: RFC 3339 in whole seconds. */
  public String seconds(Instant instant) {
    return secondText(instant.getEpochSecond()) + "Z";
  }

  /** {@code metav1.MicroTime}: RFC 3339 with six fractional digits. */
  public String micros(Instant instant) {
    int micros = instant.getNano() / 1000;
    StringBuilder out = new StringBuilder(27);
    out.append(secondText(instant.getEpochSecond())).append('.');
    String digits = Integer.toString(micros);
    for (int i = digits.length(); i < 6; i++) {
      out.append('0');
    }
    return out.append(digits).append('Z').toString();
  }

  /** Parses either form back to an instant. */
  public static Instant parse(String text) {
    return Rfc3339.parse(text);
  }

  private String secondText(long second) {
    if (second != cachedSecond) {
      String full = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second).truncatedTo(ChronoUnit.SECONDS));
      cachedText = full.substring(0, full.length() - 1);
      cachedSecond = second;
    }
    return cachedText;
  }
}
