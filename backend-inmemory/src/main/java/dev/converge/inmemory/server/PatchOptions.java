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
 */
public record PatchOptions(
    @Nullable String fieldManager, boolean force, @Nullable String subresource, Consumer<String> warnings,
    boolean dryRun) {

  public PatchOptions(@Nullable String fieldManager, boolean force, @Nullable String subresource,
      Consumer<String> warnings) {
    this(fieldManager, force, subresource, warnings, false);
  }

  public static PatchOptions defaults() {
    return new PatchOptions(null, false, null, w -> {});
  }

  /** An apply by {@code manager}. */
  public static PatchOptions apply(String manager, boolean force) {
    return new PatchOptions(manager, force, null, w -> {});
  }

  public PatchOptions onStatus() {
    return new PatchOptions(fieldManager, force, "status", warnings, dryRun);
  }

  public PatchOptions withManager(String manager) {
    return new PatchOptions(manager, force, subresource, warnings, dryRun);
  }

  public PatchOptions withWarnings(Consumer<String> sink) {
    return new PatchOptions(fieldManager, force, subresource, sink, dryRun);
  }

  /** These options for a dry run ({@code dryRun=All}) when {@code dryRun} is true. */
  public PatchOptions withDryRun(boolean dryRun) {
    return new PatchOptions(fieldManager, force, subresource, warnings, dryRun);
  }

  WriteOptions asWrite() {
    return new WriteOptions(fieldManager, warnings, dryRun);
  }
}
