package dev.converge.inmemory.sim.runtime;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Ticker;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The event trace of a simulation: each significant event is a short token {@code "<time> <component> <verb>
 * <object>"} (time in virtual seconds with nanosecond digits), folded into a running SHA-256. Two runs with
 * the same seed and inputs produce the same tokens in the same order, so the same {@link #hash()}; the tokens
 * themselves are kept only on request ({@link #keep(int)}), for tests and debugging.
 *
 * <p>Tokens are encoded as Latin-1 bytes into a reusable buffer (object names are ASCII in Kubernetes), so
 * recording one costs a digest update and no allocation.
 */
public final class Trace {
  private final Ticker ticker;
  private final MessageDigest digest;
  private byte[] buffer = new byte[256];
  private int length;
  private long events;
  private int keepLimit;
  private final List<String> kept = new ArrayList<>();

  public Trace(Ticker ticker) {
    this.ticker = ticker;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Keeps the first {@code limit} tokens as text (0, the default, keeps none). */
  public Trace keep(int limit) {
    this.keepLimit = limit;
    return this;
  }

  /** Records one event at the current virtual time. */
  public void record(String component, String verb, String object) {
    length = 0;
    appendTime(ticker.nanoTime());
    append(' ');
    append(component);
    append(' ');
    append(verb);
    append(' ');
    append(object);
    append('\n');
    finish();
  }

  /**
   * Records an API request: the same token as {@code record(identity, verb + " " + code,
   * resourceWithSubresource + "/" + namespace + "/" + name)}, byte for byte, encoded piece by piece instead of
   * building those strings first.
   */
  public void recordRequest(String identity, String verb, int code, String resource, String subresource,
      String namespace, String name) {
    length = 0;
    appendTime(ticker.nanoTime());
    append(' ');
    append(identity);
    append(' ');
    append(verb);
    append(' ');
    appendDecimal(code);
    append(' ');
    append(resource);
    if (!subresource.isEmpty()) {
      append('/');
      append(subresource);
    }
    append('/');
    append(namespace);
    append('/');
    append(name);
    append('\n');
    finish();
  }

  private void finish() {
    digest.update(buffer, 0, length);
    events++;
    if (kept.size() < keepLimit) {
      kept.add(new String(buffer, 0, length - 1, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }

  /** Events recorded so far. */
  public long events() {
    return events;
  }

  /** The kept tokens (see {@link #keep(int)}), oldest first. */
  public ImmutableList<String> tokens() {
    return ImmutableList.copyOf(kept);
  }

  /** The SHA-256 of every token so far, as 64 hex digits; recording may continue afterwards. */
  public String hash() {
    try {
      MessageDigest copy = (MessageDigest) digest.clone();
      return HexFormat.of().formatHex(copy.digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the SHA-256 digest cannot be cloned", e);
    }
  }

  /** The first 16 hex digits of {@link #hash()}: what reports print. */
  public String shortHash() {
    return hash().substring(0, 16);
  }

  private void appendTime(long nanos) {
    long seconds = nanos / 1_000_000_000L;
    long fraction = nanos % 1_000_000_000L;
    appendDecimal(seconds);
    append('.');
    for (long unit = 100_000_000L; unit > 0; unit /= 10) {
      append((char) ('0' + (fraction / unit) % 10));
    }
  }

  /** {@code Long.toString(value)}'s characters, without the string. */
  private void appendDecimal(long value) {
    if (value < 0) {
      // Long.MIN_VALUE has no positive counterpart: take the slow path for negatives (never a time here).
      append(Long.toString(value));
      return;
    }
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    ensure(digits);
    int end = length + digits;
    for (int i = end - 1; i >= length; i--) {
      buffer[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    length = end;
  }

  private void append(String text) {
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buffer[length++] = (byte) text.charAt(i);
    }
  }

  private void append(char c) {
    ensure(1);
    buffer[length++] = (byte) c;
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }
}
