package dev.converge.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.ApiVersions;
import dev.converge.api.GroupKind;
import dev.converge.api.ResourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The CustomResourceDefinitions of a manifest set, read far enough to know the kinds they add: group,
 * kind, plural, scope and served versions. Custom resources in the same set are then keyed with the right
 * scope (a cluster-scoped custom resource gets no {@code default} namespace) and checked against the served
 * versions, as the API server would once the CRD is established.
 */
final class CustomResourceDefinitions {
  static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");
  private static final Pattern KIND = Pattern.compile("[A-Z][A-Za-z0-9]*");
  private static final Pattern PLURAL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  /**
   * A kind defined in the set.
   *
   * @param type the kind as a registry knows it (storage version, plural, scope, short names)
   * @param served the versions clients may use, in the CRD's order
   * @param name the CRD's name ({@code <plural>.<group>})
   * @param source where the CRD was written
   */
  record Definition(ResourceType type, ImmutableList<String> served, String name, ManifestSource source) {}

  private CustomResourceDefinitions() {}

  /** The kinds defined by the CRDs among {@code documents}, which have passed {@link DocumentShape}. */
  static ImmutableMap<GroupKind, Definition> find(List<YamlDocument> documents) {
    Map<GroupKind, Definition> found = new LinkedHashMap<>();
    Map<String, ManifestSource> names = new LinkedHashMap<>();
    for (YamlDocument document : documents) {
      ObjectNode tree = (ObjectNode) document.tree();
      if (!CRD.equals(GroupKind.fromApiVersion(tree.path("apiVersion").asText(), tree.path("kind").asText()))) {
        continue;
      }
      ManifestSource previous = names.putIfAbsent(tree.path("metadata").path("name").asText(), document.source());
      if (previous != null) {
        // The duplicate-resource check would catch it later; here a second definition would be reported
        // instead as a clash of kinds, which is less clear.
        throw ManifestReader.duplicate(document.source(), CRD + "/" + tree.path("metadata").path("name").asText(), previous);
      }
      Definition definition = read(document.source(), tree);
      Definition clash = found.putIfAbsent(definition.type().groupKind(), definition);
      if (clash != null) {
        throw ManifestException.document(document.source(), "spec.names.kind", "kind " + definition.type().groupKind()
            + " is also defined by CustomResourceDefinition " + clash.name() + " (" + clash.source() + ")");
      }
    }
    return ImmutableMap.copyOf(found);
  }

  private static Definition read(ManifestSource source, ObjectNode crd) {
    JsonNode spec = crd.path("spec");
    String group = text(source, spec, "group", "spec.group");
    if (group.isEmpty() || group.indexOf('.') < 0) {
      // apiextensions validation: "should be a domain with at least one dot".
      throw ManifestException.document(source, "spec.group", "must be a domain with at least one dot, got '" + group + "'");
    }
    String kind = text(source, spec.path("names"), "kind", "spec.names.kind");
    if (!KIND.matcher(kind).matches()) {
      throw ManifestException.document(source, "spec.names.kind", "must be an UpperCamelCase kind, got '" + kind + "'");
    }
    String plural = text(source, spec.path("names"), "plural", "spec.names.plural");
    if (!PLURAL.matcher(plural).matches()) {
      throw ManifestException.document(source, "spec.names.plural", "must be a lower-case DNS label, got '" + plural + "'");
    }
    String name = crd.path("metadata").path("name").asText();
    if (!name.equals(plural + "." + group)) {
      // The API server's own rule: metadata.name must be spec.names.plural+"."+spec.group.
      throw ManifestException.document(source, "metadata.name",
          "must be spec.names.plural + \".\" + spec.group ('" + plural + "." + group + "'), got '" + name + "'");
    }
    String scope = text(source, spec, "scope", "spec.scope");
    if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
      throw ManifestException.document(source, "spec.scope", "must be Namespaced or Cluster, got '" + scope + "'");
    }
    JsonNode versions = spec.path("versions");
    if (!versions.isArray() || versions.isEmpty()) {
      throw ManifestException.document(source, "spec.versions", "must list at least one version");
    }
    ImmutableList.Builder<String> served = ImmutableList.builder();
    @Nullable String storage = null;
    boolean status = false;
    for (int i = 0; i < versions.size(); i++) {
      JsonNode version = versions.get(i);
      String versionName = text(source, version, "name", "spec.versions[" + i + "].name");
      if (version.path("served").asBoolean(true)) {
        served.add(versionName);
      }
      if (storage == null && version.path("storage").asBoolean(false)) {
        storage = versionName;
      }
      status |= version.path("subresources").has("status");
    }
    String preferred = storage != null ? storage : versions.get(0).path("name").asText();
    ImmutableList.Builder<String> shorts = ImmutableList.builder();
    spec.path("names").path("shortNames").forEach(shortName -> shorts.add(shortName.asText()));
    String[] shortArray = shorts.build().toArray(new String[0]);
    ResourceType type = scope.equals("Namespaced")
        ? ResourceType.namespaced(group, preferred, kind, plural, shortArray)
        : ResourceType.cluster(group, preferred, kind, plural, shortArray);
    return new Definition(status ? type : type.withoutStatus(), served.build(), name, source);
  }

  /**
   * Whether {@code apiVersion} is served by {@code definition}; custom resources in an unserved version are
   * rejected by the API server ("no matches for kind").
   */
  static boolean serves(Definition definition, String apiVersion) {
    return definition.served().contains(ApiVersions.version(apiVersion));
  }

  private static String text(ManifestSource source, JsonNode node, String field, String path) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      throw ManifestException.document(source, path, "is required");
    }
    if (!value.isTextual()) {
      throw ManifestException.document(source, path, "must be a string, got " + DocumentShape.describe(value));
    }
    return value.asText();
  }
}
