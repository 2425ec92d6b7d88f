package dev.converge.core.manifest;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Where a resource was written: a file as the user named it ({@code manifests/agent.yaml}, or a directory
 * joined with the file's name) and the 1-based index of the YAML document in it. Documents are counted as
 * the YAML parser sees them, empty ones included, so the index matches the {@code ---} separators a reader
 * counts in the file.
 *
 * @param file the file, as given or joined onto the directory that was given
 * @param document the 1-based document index
 */
public record ManifestSource(String file, int document) {

  public ManifestSource {
    checkArgument(document >= 1, "document index is 1-based: %s", document);
  }

  /** {@code agent.yaml document 2}, the form used inside messages that name several sources. */
  @Override
  public String toString() {
    return file + " document " + document;
  }
}
