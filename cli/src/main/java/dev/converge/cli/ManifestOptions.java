package dev.converge.cli;

import dev.converge.api.ResourceTypes;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.manifest.ManifestReader;
import dev.converge.core.manifest.ManifestSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The manifests a command works on: {@code -f FILE} as often as needed, as with {@code kubectl apply -f}. */
public final class ManifestOptions {
  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      required = true,
      description = "A manifest file, or a directory whose YAML and JSON files are read in name order. Repeatable.")
  private List<Path> files = new ArrayList<>();

  /**
   * The manifests, read whole and validated.
   *
   * @throws ManifestException for the first problem, or when the files hold no resource at all: planning
   *     nothing is almost always a wrong path, and once commands prune it would mean deleting everything
   */
  public ManifestSet read() {
    return read(ManifestReader.defaults());
  }

  /**
   * The manifests, read with the kinds {@code served} (a cluster's discovery: a custom resource whose CRD is
   * installed gets its scope from there) plus those the files' CRDs define.
   *
   * @throws ManifestException as {@link #read()}
   */
  public ManifestSet read(ResourceTypes served) {
    return read(ManifestReader.withTypes(served));
  }

  private ManifestSet read(ManifestReader reader) {
    ManifestSet set = reader.read(files);
    if (set.isEmpty()) {
      throw ManifestException.input("no resources found in " + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
    }
    // Validated whole before anything is planned or applied: invalid input changes nothing.
    ManifestChecks.validate(set);
    return set;
  }
}
