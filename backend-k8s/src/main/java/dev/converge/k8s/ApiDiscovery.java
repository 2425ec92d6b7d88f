package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.BackendException;
import dev.converge.core.schema.KubeVersions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Discovery of the kinds a server serves, from the legacy discovery documents ({@code /api}, {@code
 * /api/v1}, {@code /apis}, {@code /apis/{group}/{preferred version}}) and from the server's
 * CustomResourceDefinitions.
 *
 * <p>Parsing is lenient and a group that fails is skipped, as kubectl does with a partial discovery (an
 * unavailable aggregated API must not hide every other kind). The CRDs are read as well because discovery
 * lags behind a new CRD on a real server (it is served once Established) and some servers — the fabric8 mock
 * among them — serve no discovery for built-in groups. What discovery finds overrides the built-in table.
 */
final class ApiDiscovery {
  /** The {@code kind} tag of discovery requests in the metrics. */
  private static final GroupKind DISCOVERY_TAG = GroupKind.of("", "Discovery");
  private static final GroupKind CRD_KIND = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");

  private final RestClient rest;

  ApiDiscovery(RestClient rest) {
    this.rest = rest;
  }

  /**
   * The built-in table plus every kind discovered now.
   *
   * @throws BackendException.Unavailable if the server does not answer at all
   */
  ResourceTypes discover() {
    ResourceTypes types = ResourceTypes.builtins();
    List<ResourceType> found = new ArrayList<>();
    for (JsonNode version : get("/api").path("versions")) {
      found.addAll(resourceList(get("/api/" + version.asText()), "", version.asText()));
    }
    for (JsonNode group : get("/apis").path("groups")) {
      String name = group.path("name").asText("");
      String preferred = group.path("preferredVersion").path("version").asText("");
      if (name.isEmpty() || preferred.isEmpty()) {
        continue;
      }
      try {
        found.addAll(resourceList(get("/apis/" + name + "/" + preferred), name, preferred));
      } catch (BackendException.Unavailable groupUnavailable) {
        if (groupUnavailable.getCause() instanceof java.io.IOException) {
          throw groupUnavailable; // no answer at all: the server went away, not one aggregated group
        }
        // An aggregated API (metrics.k8s.io, …) whose backing service is down: skip its group.
      }
    }
    Set<GroupKind> discovered = new HashSet<>();
    for (ResourceType type : found) {
      discovered.add(type.groupKind());
      types = types.with(type);
    }
    for (ResourceType crdType : customResourceTypes(types)) {
      if (!discovered.contains(crdType.groupKind())) {
        types = types.with(crdType);
      }
    }
    return types;
  }

  private List<ResourceType> customResourceTypes(ResourceTypes types) {
    Optional<ResourceType> crd = types.find(CRD_KIND);
    if (crd.isEmpty()) {
      return List.of();
    }
    JsonNode list;
    try {
      list = rest.call(HttpVerb.DISCOVERY, CRD_KIND, CRD_KIND.toString(), "GET",
          new Paths(s -> s).collection(crd.get(), null), List.of(), null, null);
    } catch (BackendException.Forbidden | BackendException.NotFound notReadable) {
      return List.of(); // an identity without access to CRDs still has discovery
    }
    List<ResourceType> result = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      fromCrd(item).ifPresent(result::add);
    }
    return result;
  }

  /**
   * One discovery document; a document the server does not serve (404, or an answer that is not JSON) is
   * empty. An unavailable server throws.
   */
  private JsonNode get(String path) {
    try {
      return rest.call(HttpVerb.DISCOVERY, DISCOVERY_TAG, path, "GET", path, List.of(), null, null);
    } catch (BackendException.NotFound | BackendException.Invalid | IllegalArgumentException notServed) {
      return MissingNode.getInstance();
    }
  }

  /**
   * The kinds of an {@code APIResourceList}: top-level resources (no {@code /} in the name) that can be read
   * ({@code get} among the verbs, or no verbs listed), each with a status subresource when {@code
   * <plural>/status} is listed.
   */
  static List<ResourceType> resourceList(JsonNode list, String group, String version) {
    Set<String> withStatus = new HashSet<>();
    for (JsonNode resource : list.path("resources")) {
      String name = resource.path("name").asText("");
      if (name.endsWith("/status")) {
        withStatus.add(name.substring(0, name.length() - "/status".length()));
      }
    }
    List<ResourceType> result = new ArrayList<>();
    for (JsonNode resource : list.path("resources")) {
      String plural = resource.path("name").asText("");
      String kind = resource.path("kind").asText("");
      if (plural.isEmpty() || plural.contains("/") || kind.isEmpty() || !Character.isUpperCase(kind.charAt(0))) {
        continue;
      }
      JsonNode verbs = resource.path("verbs");
      if (verbs.isArray() && !verbs.isEmpty() && !contains(verbs, "get")) {
        continue; // create-only kinds such as TokenReview
      }
      if (!plural.equals(plural.toLowerCase())) {
        continue;
      }
      result.add(new ResourceType(
          GroupKind.of(group, kind),
          version,
          plural,
          resource.path("namespaced").asBoolean(false),
          strings(resource.path("shortNames")),
          withStatus.contains(plural)));
    }
    return result;
  }

  /**
   * The kind a CustomResourceDefinition ({@code apiextensions.k8s.io/v1}) defines, at its most preferred
   * served version (see {@link KubeVersions}); empty if the object is not a usable CRD.
   */
  static Optional<ResourceType> fromCrd(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText("");
    String kind = spec.path("names").path("kind").asText("");
    String plural = spec.path("names").path("plural").asText("");
    if (kind.isEmpty() || !Character.isUpperCase(kind.charAt(0)) || plural.isEmpty()
        || !plural.equals(plural.toLowerCase())) {
      return Optional.empty();
    }
    JsonNode best = null;
    for (JsonNode version : spec.path("versions")) {
      if (version.path("served").asBoolean(true) && !version.path("name").asText("").isEmpty()
          && (best == null || KubeVersions.compare(version.path("name").asText(), best.path("name").asText()) < 0)) {
        best = version;
      }
    }
    String versionName = best != null ? best.path("name").asText() : spec.path("version").asText("");
    if (versionName.isEmpty()) {
      return Optional.empty();
    }
    boolean status = (best != null && best.path("subresources").has("status"))
        || spec.path("subresources").has("status");
    return Optional.of(new ResourceType(
        GroupKind.of(group, kind),
        versionName,
        plural,
        spec.path("scope").asText("Namespaced").equals("Namespaced"),
        strings(spec.path("names").path("shortNames")),
        status));
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode element : array) {
      if (element.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static ImmutableList<String> strings(JsonNode array) {
    ImmutableList.Builder<String> result = ImmutableList.builder();
    for (JsonNode element : array) {
      result.add(element.asText());
    }
    return result.build();
  }
}
