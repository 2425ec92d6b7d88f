package dev.converge.inmemory.admission;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import org.jspecify.annotations.Nullable;

/**
 * A plugin's answer: allow (optionally with a changed object, for mutating plugins), or deny with a message,
 * and warnings either way (returned to the client as {@code Warning} headers).
 */
public final class Verdict {
  private static final Verdict ALLOW = new Verdict(true, null, "", ImmutableList.of());

  private final boolean allowed;
  private final @Nullable Resource patched;
  private final String message;
  private final ImmutableList<String> warnings;

  private Verdict(boolean allowed, @Nullable Resource patched, String message, ImmutableList<String> warnings) {
    this.allowed = allowed;
    this.patched = patched;
    this.message = message;
    this.warnings = warnings;
  }

  /** Allow unchanged. */
  public static Verdict allow() {
    return ALLOW;
  }

  /** Allow, storing {@code object} instead (a mutating plugin's patch). */
  public static Verdict patch(Resource object) {
    return new Verdict(true, object, "", ImmutableList.of());
  }

  /** Deny with {@code message}. */
  public static Verdict deny(String message) {
    return new Verdict(false, null, message, ImmutableList.of());
  }

  /** The same verdict with one more warning. */
  public Verdict withWarning(String warning) {
    return new Verdict(allowed, patched, message,
        ImmutableList.<String>builder().addAll(warnings).add(warning).build());
  }

  public boolean allowed() {
    return allowed;
  }

  /** The replacement object, or null when the plugin changed nothing. */
  public @Nullable Resource patched() {
    return patched;
  }

  /** Why the request was denied; empty when allowed. */
  public String message() {
    return message;
  }

  public ImmutableList<String> warnings() {
    return warnings;
  }
}
