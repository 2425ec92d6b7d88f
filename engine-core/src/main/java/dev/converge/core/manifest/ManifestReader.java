package dev.converge.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.GraphProblem;
import dev.converge.api.GroupKind;
import dev.converge.api.InvalidGraphException;
import dev.converge.api.InvalidResourceException;
import dev.converge.api.Json;
import dev.converge.api.Names;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.core.manifest.CustomResourceDefinitions.Definition;
import dev.converge.core.manifest.ManifestFiles.ManifestFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Kubernetes manifests, as {@code kubectl apply -f} takes them, into a {@link ManifestSet}.
 *
 * <p>Each path is a file or a directory (its {@code .yaml}, {@code .yml} and {@code .json} files, sorted by
 * name). Files hold any number of YAML documents; empty ones are skipped. Then, in order:
 * <ol>
 *   <li>every document must be an object with {@code apiVersion}, {@code kind} and {@code metadata.name},
 *       and well-formed labels and annotations ({@link DocumentShape});
 *   <li>CustomResourceDefinitions in the set define kinds, with their scope and served versions;
 *   <li>a namespaced kind without a namespace gets {@code default}, as kubectl does, and a cluster-scoped
 *       kind loses any namespace, which the API server ignores; kinds unknown to {@link ResourceTypes} and
 *       not defined in the set are taken as namespaced, as kubectl does;
 *   <li>names and namespaces must follow their kind's rule (DNS-1123 and friends), and no resource may
 *       appear twice;
 *   <li>{@code converge.dev/depends-on} entries must name resources of the set, and must not form a cycle.
 * </ol>
 * The first problem found stops the read: nothing partial is ever returned.
 */
public final class ManifestReader {
  private static final ManifestReader DEFAULTS = new ManifestReader(ResourceTypes.builtins());

  private final ResourceTypes types;

  private ManifestReader(ResourceTypes types) {
    this.types = types;
  }

  /** A reader that knows the built-in Kubernetes kinds and the kinds defined in the set it reads. */
  public static ManifestReader defaults() {
    return DEFAULTS;
  }

  /** A reader that knows {@code types} (for example, a cluster's discovery) besides the set's own CRDs. */
  public static ManifestReader withTypes(ResourceTypes types) {
    return new ManifestReader(types);
  }

  /** Reads {@code paths} (files or directories) in the order given. */
  public ManifestSet read(Path... paths) {
    return read(List.of(paths));
  }

  /**
   * Reads {@code paths} (files or directories) in the order given.
   *
   * @throws ManifestException for the first problem found, naming the file, document and field
   */
  public ManifestSet read(List<Path> paths) {
    List<YamlDocument> documents = new ArrayList<>();
    for (ManifestFile file : ManifestFiles.expand(paths)) {
      documents.addAll(parse(file));
    }
    for (YamlDocument document : documents) {
      DocumentShape.check(document);
    }
    ImmutableMap<GroupKind, Definition> definitions = CustomResourceDefinitions.find(documents);
    ResourceTypes known = types;
    for (Definition definition : definitions.values()) {
      known = known.with(definition.type());
    }

    Map<ResourceKey, ManifestSource> sources = new LinkedHashMap<>();
    List<Resource> resources = new ArrayList<>();
    for (YamlDocument document : documents) {
      Resource resource = resource(document, known, definitions);
      ManifestSource previous = sources.putIfAbsent(resource.key(), document.source());
      if (previous != null) {
        throw duplicate(document.source(), resource.key().toString(), previous);
      }
      resources.add(resource);
    }

    ImmutableList.Builder<ManifestEntry> entries = ImmutableList.builder();
    DesiredGraph.Builder graph = DesiredGraph.builder();
    for (Resource resource : resources) {
      ManifestSource source = sources.get(resource.key());
      ImmutableSet<ResourceKey> prerequisites = DependsOnAnnotation.read(source, resource, sources);
      DesiredResource desired = DesiredResource.of(resource).dependsOn(prerequisites);
      entries.add(new ManifestEntry(desired, source));
      graph.add(desired);
    }
    ImmutableList<ManifestEntry> read = entries.build();
    try {
      return new ManifestSet(read, graph.build(), known);
    } catch (DependencyCycleException e) {
      throw CycleMessage.explain(e, read);
    } catch (InvalidGraphException e) {
      // The checks above cover every rule of DesiredGraph.build(); this keeps the promise of a located message
      // should the graph learn a new rule first.
      GraphProblem problem = e.problems().get(0);
      ManifestSource source = sources.get(problem.key());
      throw source == null ? ManifestException.input(problem.toString())
          : ManifestException.document(source, problem.field(), problem.message(), e);
    }
  }

  private static List<YamlDocument> parse(ManifestFile file) {
    try (InputStream in = Files.newInputStream(file.path())) {
      return YamlDocuments.read(file.name(), in);
    } catch (IOException e) {
      throw ManifestException.file(file.name(), "cannot read: " + e.getMessage(), e);
    }
  }

  /** The document as a resource: namespace defaulted or dropped by scope, names checked. */
  private static Resource resource(YamlDocument document, ResourceTypes known, Map<GroupKind, Definition> definitions) {
    ManifestSource source = document.source();
    ObjectNode tree = (ObjectNode) document.tree();
    String apiVersion = tree.path("apiVersion").asText();
    GroupKind kind = GroupKind.fromApiVersion(apiVersion, tree.path("kind").asText());
    Definition definition = definitions.get(kind);
    if (definition != null && !CustomResourceDefinitions.serves(definition, apiVersion)) {
      throw ManifestException.document(source, "apiVersion", "version '" + apiVersion + "' is not served by CustomResourceDefinition "
          + definition.name() + " (" + definition.source() + "), which serves " + String.join(", ", definition.served()));
    }
    ObjectNode metadata = (ObjectNode) tree.get("metadata");
    String namespace = metadata.path("namespace").asText("");
    if (known.isNamespaced(kind) && namespace.isEmpty()) {
      tree.set("metadata", withNamespace(metadata, "default"));
    } else if (!known.isNamespaced(kind) && metadata.has("namespace")) {
      metadata.remove("namespace");
    }
    Resource resource;
    try {
      resource = Resource.of(tree);
    } catch (InvalidResourceException e) {
      throw ManifestException.document(source, e.path(), e.problem(), e);
    }
    Optional<String> badName = Names.check(resource.key());
    if (badName.isPresent()) {
      // Names.check says "metadata.name 'X' is invalid: …"; the field goes where every message puts it.
      String message = badName.get();
      int space = message.indexOf(' ');
      throw ManifestException.document(source, message.substring(0, space), message.substring(space + 1));
    }
    return resource;
  }

  /** {@code metadata} with {@code namespace} set right after {@code name}, where people expect to read it. */
  private static ObjectNode withNamespace(ObjectNode metadata, String namespace) {
    ObjectNode result = Json.object();
    for (Map.Entry<String, JsonNode> field : metadata.properties()) {
      if (!field.getKey().equals("namespace")) {
        result.set(field.getKey(), field.getValue());
      }
      if (field.getKey().equals("name")) {
        result.put("namespace", namespace);
      }
    }
    return result;
  }

  /** The message for a resource written twice, naming both places. */
  static ManifestException duplicate(ManifestSource second, String key, ManifestSource first) {
    return ManifestException.document(second, "metadata.name", "duplicate resource " + key + ": also defined in " + first);
  }
}
