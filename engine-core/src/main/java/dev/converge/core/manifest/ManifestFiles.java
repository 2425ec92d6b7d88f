package dev.converge.core.manifest;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the paths a user gave ({@code -f}) into the files to read, in order: a file stands for itself; a
 * directory for its manifest files, sorted by name, without descending into subdirectories (kubectl needs
 * {@code -R} for that too).
 *
 * <p>A directory contributes its {@code .yaml}, {@code .yml} and {@code .json} files, the extensions kubectl
 * reads ({@code FileExtensions} in kubectl's resource builder). Skipping a {@code .yml} file silently would
 * leave its resources out of the plan and, once the engine prunes, delete them.
 */
final class ManifestFiles {
  private static final ImmutableList<String> EXTENSIONS = ImmutableList.of(".yaml", ".yml", ".json");

  /** A file to read and the name the user knows it by. */
  record ManifestFile(String name, Path path) {}

  private ManifestFiles() {}

  static ImmutableList<ManifestFile> expand(List<Path> paths) {
    ImmutableList.Builder<ManifestFile> files = ImmutableList.builder();
    for (Path path : paths) {
      String name = path.toString();
      if (Files.isDirectory(path)) {
        List<Path> children = list(path);
        if (children.isEmpty()) {
          throw ManifestException.file(name, "no .yaml, .yml or .json files in this directory", null);
        }
        for (Path child : children) {
          files.add(new ManifestFile(child.toString(), child));
        }
      } else if (Files.isRegularFile(path)) {
        files.add(new ManifestFile(name, path));
      } else if (Files.exists(path)) {
        throw ManifestException.file(name, "not a file or directory", null);
      } else {
        throw ManifestException.file(name, "no such file or directory", null);
      }
    }
    return files.build();
  }

  private static List<Path> list(Path directory) {
    try (Stream<Path> children = Files.list(directory)) {
      return children
          .filter(Files::isRegularFile)
          .filter(ManifestFiles::hasManifestExtension)
          // By name, byte-wise: the order must not depend on the platform's locale or file system.
          .sorted(Comparator.comparing(child -> child.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw ManifestException.file(directory.toString(), "cannot list directory: " + e.getMessage(), e);
    }
  }

  private static boolean hasManifestExtension(Path file) {
    String name = file.getFileName().toString();
    return EXTENSIONS.stream().anyMatch(name::endsWith);
  }
}
