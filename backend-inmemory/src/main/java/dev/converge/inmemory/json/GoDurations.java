package dev.converge.inmemory.json;

/**
 * Go's {@code time.Duration} in text, as Kubernetes writes it: the JSON form of {@code metav1.Duration}, and the
 * durations in components' messages ("Successfully pulled image … in 2.5s").
 */
public final class GoDurations {
  private GoDurations() {}

  /** Go's {@code time.Duration.String}: "1h2m3.5s", "150ms", "2µs", "0s". */
  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long rest = nanos;
    if (rest < 0) {
      out.append('-');
      rest = -rest;
    }
    if (rest < 1_000_000_000L) {
      String[] units = {"ns", "µs", "ms"};
      long scale = 1;
      int unit = 0;
      while (unit < 2 && rest >= scale * 1000) {
        scale *= 1000;
        unit++;
      }
      return out.append(decimal(rest, scale)).append(units[unit]).toString();
    }
    long hours = rest / 3_600_000_000_000L;
    rest %= 3_600_000_000_000L;
    long minutes = rest / 60_000_000_000L;
    rest %= 60_000_000_000L;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    return out.append(decimal(rest, 1_000_000_000L)).append('s').toString();
  }

  /** {@code value / scale} with the fraction's trailing zeros (and a bare point) left out. */
  private static String decimal(long value, long scale) {
    long whole = value / scale;
    long fraction = value % scale;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    String digits = Long.toString(scale + fraction).substring(1).replaceAll("0+$", "");
    return whole + "." + digits;
  }
}
