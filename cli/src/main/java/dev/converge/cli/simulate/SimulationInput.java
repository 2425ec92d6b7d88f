package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.InvalidGraphException;
import dev.converge.api.InvalidResourceException;
import dev.converge.api.Resource;
import dev.converge.api.ResourceTypes;
import dev.converge.cli.JobGates;
import dev.converge.cli.ManifestChecks;
import dev.converge.core.manifest.ManifestEntry;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.manifest.ManifestReader;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.workload.SimManifests;
import dev.converge.inmemory.sim.workload.SimSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What a simulation runs: the manifests read (ordinary resources beside {@code NodePool} and {@code
 * WorkloadProfile} documents), with the {@code --set} edits applied before anything is validated as a whole,
 * and the node pools ({@code --nodes N} or the {@code NodePool}s, not both).
 *
 * @param spec the pools, profiles and resources
 * @param graph the resources as a validated graph (no owner)
 * @param types the types the manifests were read with (built-ins, simulation kinds, the set's CRDs)
 * @param edits the {@code --set} edits that were applied
 */
public record SimulationInput(SimSpec spec, DesiredGraph graph, ResourceTypes types, ImmutableList<FieldEdit> edits) {

  /**
   * Reads {@code files}, applies {@code edits} in order and checks the result.
   *
   * @param nodes {@code --nodes}, or null
   * @throws ManifestException for the first problem: a file, a document, an edit or the options
   */
  public static SimulationInput read(List<Path> files, @Nullable Integer nodes, List<FieldEdit> edits) {
    return read(files, nodes, edits, UnaryOperator.identity(), null);
  }

  /**
   * Reads {@code files} knowing the kinds {@code extensionTypes} adds (the extensions' CRDs), applies {@code
   * edits} in order and checks the result.
   *
   * @param nodes {@code --nodes}, or null
   * @throws ManifestException for the first problem: a file, a document, an edit or the options
   */
  public static SimulationInput read(List<Path> files, @Nullable Integer nodes, List<FieldEdit> edits,
      UnaryOperator<ResourceTypes> extensionTypes) {
    return read(files, nodes, edits, extensionTypes, null);
  }

  /**
   * Like {@link #read(List, Integer, List, UnaryOperator)}, with {@code defaultNodes} plain nodes when neither
   * {@code nodes} nor a NodePool says how many ({@code converge serve} starts three).
   */
  public static SimulationInput read(List<Path> files, @Nullable Integer nodes, List<FieldEdit> edits,
      UnaryOperator<ResourceTypes> extensionTypes, @Nullable Integer defaultNodes) {
    return read(files, nodes, edits, extensionTypes, defaultNodes, false);
  }

  /**
   * The input of {@code converge serve}: as {@link #read(List, Integer, List, UnaryOperator, Integer)}, and every
   * custom resource's kind must be defined by a CRD of the input or an extension. The served cluster starts
   * empty, so such an object could never be created, and the engine's loop would retry it as long as the server
   * runs ({@code kubectl apply} answers "no matches for kind"); {@code simulate} reports it as never applied.
   */
  public static SimulationInput readServed(List<Path> files, @Nullable Integer nodes,
      UnaryOperator<ResourceTypes> extensionTypes, int defaultNodes) {
    return read(files, nodes, List.of(), extensionTypes, defaultNodes, true);
  }

  private static SimulationInput read(List<Path> files, @Nullable Integer nodes, List<FieldEdit> edits,
      UnaryOperator<ResourceTypes> extensionTypes, @Nullable Integer defaultNodes, boolean definedKindsOnly) {
    ManifestSet set = ManifestReader.withTypes(SimManifests.types(extensionTypes.apply(ResourceTypes.builtins()))).read(files);
    if (set.isEmpty()) {
      throw ManifestException.input("no resources found in " + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
    }
    List<ManifestEntry> entries = new ArrayList<>(set.entries());
    for (FieldEdit edit : edits) {
      apply(edit, entries);
    }
    ManifestChecks.validate(entries);
    if (definedKindsOnly) {
      ManifestChecks.requireKnownKinds(entries, set.types(), "and the simulated cluster starts empty: add the CRD to the files");
    }
    SimSpec spec = SimManifests.read(entries, set.types());
    if (nodes != null) {
      if (!spec.pools().isEmpty()) {
        throw ManifestException.input("--nodes cannot be combined with NodePool objects (found NodePool/"
            + spec.pools().get(0).name() + "): set the pools' spec.count instead");
      }
      spec = new SimSpec(ImmutableList.of(NodePool.plain(nodes)), spec.profiles(), spec.resources());
    } else if (spec.pools().isEmpty() && defaultNodes != null) {
      spec = new SimSpec(ImmutableList.of(NodePool.plain(defaultNodes)), spec.profiles(), spec.resources());
    } else if (spec.pools().isEmpty()) {
      throw ManifestException.input("no nodes to simulate: give --nodes N or a NodePool (sim.converge.dev/v1alpha1)");
    }
    DesiredGraph graph;
    try {
      graph = DesiredGraph.builder().addAll(spec.resources()).build();
    } catch (DependencyCycleException e) {
      throw set.explain(e);
    } catch (InvalidGraphException e) {
      throw ManifestException.input("after " + describe(edits) + ": " + e.getMessage());
    }
    return new SimulationInput(spec, graph, set.types(), ImmutableList.copyOf(edits));
  }

  /**
   * This input with its Jobs gated on Complete ({@code --wait-for-jobs}, {@link JobGates}): what depends on a Job
   * is applied once the Job has completed in the simulated cluster.
   */
  public SimulationInput withJobsGated() {
    ImmutableList<DesiredResource> gated = spec.resources().stream().map(JobGates::gate)
        .collect(ImmutableList.toImmutableList());
    SimSpec next = new SimSpec(spec.pools(), spec.profiles(), gated);
    return new SimulationInput(next, JobGates.gate(graph), types, edits);
  }

  /** No manifests: {@code nodes} plain nodes and nothing else ({@code converge serve} without {@code -f}). */
  public static SimulationInput nodesOnly(int nodes, UnaryOperator<ResourceTypes> extensionTypes) {
    SimSpec spec = new SimSpec(ImmutableList.of(NodePool.plain(nodes)), ImmutableList.of(), ImmutableList.of());
    return new SimulationInput(spec, DesiredGraph.builder().build(),
        SimManifests.types(extensionTypes.apply(ResourceTypes.builtins())), ImmutableList.of());
  }

  /** The number of nodes the pools add up to. */
  public int nodes() {
    return spec.nodeCount();
  }

  private static void apply(FieldEdit edit, List<ManifestEntry> entries) {
    List<Integer> matches = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (edit.matches(entries.get(i).desired().resource())) {
        matches.add(i);
      }
    }
    if (matches.isEmpty()) {
      throw ManifestException.input(edit.toString() + ": no " + edit.kind() + " named " + edit.name()
          + (edit.namespace() == null ? "" : " in namespace " + edit.namespace()) + " in the input");
    }
    if (matches.size() > 1) {
      throw ManifestException.input(edit.toString() + ": " + edit.kind() + "/" + edit.name() + " is in namespaces "
          + matches.stream().map(i -> entries.get(i).key().namespace()).collect(Collectors.joining(", "))
          + ": write " + edit.kind() + "/NAMESPACE/" + edit.name());
    }
    ManifestEntry entry = entries.get(matches.get(0));
    Resource edited;
    try {
      edited = edit.apply(entry.desired().resource());
    } catch (InvalidResourceException e) {
      throw ManifestException.input(edit.toString() + ": " + e.getMessage());
    }
    // An edit that makes the object invalid is the edit's fault: name it rather than the untouched file.
    Optional<String> refused = ManifestChecks.firstCause(edited);
    if (refused.isPresent()) {
      throw ManifestException.input(edit.toString() + ": " + refused.orElseThrow());
    }
    DesiredResource desired = entry.desired().withResource(edited);
    entries.set(matches.get(0), new ManifestEntry(desired, entry.source()));
  }

  private static String describe(List<FieldEdit> edits) {
    return edits.stream().map(FieldEdit::toString).collect(Collectors.joining(", "));
  }
}
