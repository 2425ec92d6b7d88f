package dev.converge.inmemory.server;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Options of a create or update.
 *
 * @param fieldManager the manager recorded in {@code managedFields}; null for the server's default, which
 *     is the caller's user name (Kubernetes derives it from the user agent, which this server does not see)
 * @param warnings receives admission warnings (the HTTP front turns them into {@code Warning} headers)
 */
public record WriteOptions(@Nullable String fieldManager, Consumer<String> warnings) {
  private static final WriteOptions DEFAULTS = new WriteOptions(null, w -> {});

  public static WriteOptions defaults() {
    return DEFAULTS;
  }

  public static WriteOptions manager(String fieldManager) {
    return new WriteOptions(fieldManager, w -> {});
  }

  public WriteOptions withWarnings(Consumer<String> sink) {
    return new WriteOptions(fieldManager, sink);
  }

  String managerFor(Identity identity) {
    String manager = fieldManager != null ? fieldManager : identity.name();
    return manager.length() > 128 ? manager.substring(0, 128) : manager;
  }
}
