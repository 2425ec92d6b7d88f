package dev.converge.inmemory.server;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Options of a create or update.
 *
 * @param fieldManager the manager recorded in {@code managedFields}; null for the server's default, which
 *     is the caller's user name (the HTTP front passes the user agent's product, as Kubernetes does)
 * @param warnings receives admission warnings (the HTTP front turns them into {@code Warning} headers)
 * @param dryRun {@code dryRun=All}: the whole write runs (admission, validation, defaulting, managed fields) and
 *     its result is answered, but nothing is stored: no new resourceVersion, no watch event
 * @param fieldValidation what to do with fields the kind's schema does not declare ({@code fieldValidation})
 */
public record WriteOptions(@Nullable String fieldManager, Consumer<String> warnings, boolean dryRun,
    FieldValidation fieldValidation) {
  private static final WriteOptions DEFAULTS = new WriteOptions(null, w -> {});

  public WriteOptions(@Nullable String fieldManager, Consumer<String> warnings) {
    this(fieldManager, warnings, false);
  }

  public WriteOptions(@Nullable String fieldManager, Consumer<String> warnings, boolean dryRun) {
    this(fieldManager, warnings, dryRun, FieldValidation.WARN);
  }

  public static WriteOptions defaults() {
    return DEFAULTS;
  }

  public static WriteOptions manager(String fieldManager) {
    return new WriteOptions(fieldManager, w -> {});
  }

  public WriteOptions withWarnings(Consumer<String> sink) {
    return new WriteOptions(fieldManager, sink, dryRun, fieldValidation);
  }

  /** These options for a dry run ({@code dryRun=All}) when {@code dryRun} is true. */
  public WriteOptions withDryRun(boolean dryRun) {
    return new WriteOptions(fieldManager, warnings, dryRun, fieldValidation);
  }

  /** These options with the {@code fieldValidation} directive {@code directive}. */
  public WriteOptions withFieldValidation(FieldValidation directive) {
    return new WriteOptions(fieldManager, warnings, dryRun, directive);
  }

  String managerFor(Identity identity) {
    String manager = fieldManager != null ? fieldManager : identity.name();
    return manager.length() > 128 ? manager.substring(0, 128) : manager;
  }
}
