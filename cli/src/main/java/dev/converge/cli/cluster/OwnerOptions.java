package dev.converge.cli.cluster;

import com.google.common.collect.ImmutableSet;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Names;
import dev.converge.api.Ownership;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.Selection;
import dev.converge.core.manifest.ManifestSet;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --owner NAME [--prune]}: pruning for plain manifests. Manifests have no primary object, so the set
 * needs a name to own what it applies: with {@code --owner NAME} every object is applied with the engine's
 * ownership label and annotation for the key {@code converge.dev/ManifestSet/NAME} (no owner reference: there
 * is no such object), and {@code --prune} then also reads every object carrying them, of every kind the
 * cluster serves, and deletes those the files no longer hold — in reverse order, as the planner orders deletes.
 * An object without both marks is never deleted, whatever its name (DESIGN.md §3); without {@code --prune}
 * nothing is ever deleted. This is {@code kubectl apply --prune -l …} made safe: the label is one the engine
 * writes itself and the annotation guards against a label written by hand.
 */
public final class OwnerOptions {
  /** The kind of the (object-less) primary that owns a manifest set. */
  public static final GroupKind MANIFEST_SET = GroupKind.of("converge.dev", "ManifestSet");

  @Option(names = "--owner", paramLabel = "NAME",
      description = "Name the manifest set: objects are applied with the ownership label of NAME, so that a later "
          + "--prune can find those the files no longer hold.")
  private @Nullable String owner;

  @Option(names = "--prune",
      description = "Also delete objects owned by --owner NAME that the files no longer hold (never an object "
          + "without NAME's label and annotation). Needs --owner.")
  private boolean prune;

  /**
   * The owner key, or empty without {@code --owner}.
   *
   * @throws ParameterException for {@code --prune} without {@code --owner}, or a name that is not a DNS label
   */
  public Optional<ResourceKey> owner(CommandSpec spec) {
    if (owner == null) {
      if (prune) {
        throw new ParameterException(spec.commandLine(), "--prune needs --owner NAME: only objects owned by a named "
            + "manifest set are ever pruned");
      }
      return Optional.empty();
    }
    Optional<String> problem = Names.checkDns1123Label(owner);
    if (problem.isPresent()) {
      throw new ParameterException(spec.commandLine(), "--owner " + owner + ": " + problem.get());
    }
    return Optional.of(ResourceKey.cluster(MANIFEST_SET.group(), MANIFEST_SET.kind(), owner));
  }

  public boolean prune() {
    return prune;
  }

  /** The manifests as a graph: owned by the set's key with {@code --owner}, else the reader's graph (no owner). */
  public DesiredGraph graph(ManifestSet manifests, CommandSpec spec) {
    Optional<ResourceKey> key = owner(spec);
    if (key.isEmpty()) {
      return manifests.graph();
    }
    return DesiredGraph.builder().owner(key.get()).addAll(manifests.desiredResources()).build();
  }

  /**
   * What to read from the cluster: every desired object by key; with {@code --prune}, also every object of every
   * kind in {@code served} that carries the owner's label (the planner checks the annotation too).
   */
  public Selection selection(DesiredGraph graph, ResourceTypes served) {
    ImmutableSet<ResourceKey> keys = graph.resources().keySet();
    Optional<ResourceKey> primary = graph.owner();
    if (!prune || primary.isEmpty()) {
      return Selection.keys(keys);
    }
    ImmutableSet<GroupKind> kinds = served.all().stream().map(ResourceType::groupKind)
        .collect(ImmutableSet.toImmutableSet());
    return new Selection(keys, kinds, LabelSelector.equal(Ownership.OWNER_LABEL, Ownership.labelValue(primary.get())));
  }
}
