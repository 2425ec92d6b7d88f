package dev.converge.core.manifest;

import dev.converge.api.DesiredResource;
import dev.converge.api.ResourceKey;

/**
 * One resource of a {@link ManifestSet} and where it was written.
 *
 * @param desired the resource, its namespace defaulted and its explicit dependencies attached
 * @param source the file and document it came from
 */
public record ManifestEntry(DesiredResource desired, ManifestSource source) {

  public ResourceKey key() {
    return desired.key();
  }
}
