package dev.converge.inmemory.server;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Options of a patch.
 *
 * @param fieldManager the manager; required for APPLY, defaulted to the caller's name otherwise
 * @param force APPLY only: take fields other managers own instead of failing with a conflict
 * @param subresource {@code status} to patch the status subresource, or null for the main resource
 * @param warnings receives admission warnings
 * @param dryRun {@code dryRun=All}: answered as if stored, nothing stored ({@link WriteOptions#dryRun()})
 * @param fieldValidation what a non-apply patch does with fields the kind's schema does not declare (an apply
 *     refuses them whatever this says)
 */
public record PatchOptions(
    @Nullable String fieldManager, boolean force, @Nullable String subresource, Consumer<String> warnings,
    boolean dryRun, FieldValidation fieldValidation) {

  public PatchOptions(@Nullable String fieldManager, boolean force, @Nullable String subresource,
      Consumer<String> warnings) {
    this(fieldManager, force, subresource, warnings, false);
  }

  public PatchOptions(@Nullable String fieldManager, boolean force, @Nullable String subresource,
      Consumer<String> warnings, boolean dryRun) {
    this(fieldManager, force, subresource, warnings, dryRun, FieldValidation.WARN);
  }

  public static PatchOptions defaults() {
    return new PatchOptions(null, false, null, w -> {});
  }

  /** An apply by {@code manager}. */
  public static PatchOptions apply(String manager, boolean force) {
    return new PatchOptions(manager, force, null, w -> {});
  }

  public PatchOptions onStatus() {
    return new PatchOptions(fieldManager, force, "status", warnings, dryRun, fieldValidation);
  }

  public PatchOptions withManager(String manager) {
    return new PatchOptions(manager, force, subresource, warnings, dryRun, fieldValidation);
  }

  public PatchOptions withWarnings(Consumer<String> sink) {
    return new PatchOptions(fieldManager, force, subresource, sink, dryRun, fieldValidation);
  }

  /** These options for a dry run ({@code dryRun=All}) when {@code dryRun} is true. */
  public PatchOptions withDryRun(boolean dryRun) {
    return new PatchOptions(fieldManager, force, subresource, warnings, dryRun, fieldValidation);
  }

  /** These options with the {@code fieldValidation} directive {@code directive}. */
  public PatchOptions withFieldValidation(FieldValidation directive) {
    return new PatchOptions(fieldManager, force, subresource, warnings, dryRun, directive);
  }

  WriteOptions asWrite() {
    return new WriteOptions(fieldManager, warnings, dryRun, fieldValidation);
  }
}
