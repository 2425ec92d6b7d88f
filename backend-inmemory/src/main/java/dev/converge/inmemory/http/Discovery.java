package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.core.schema.KubeVersions;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Reviews;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Legacy (unaggregated) discovery, the documents every client reads before anything else: {@code /api}
 * ({@code APIVersions}), {@code /apis} ({@code APIGroupList}), {@code /apis/<group>} ({@code APIGroup}) and
 * {@code /api/v1}, {@code /apis/<group>/<version>} ({@code APIResourceList}, each resource with its verbs, short
 * names, categories and its {@code /status} subresource), built from the kinds the server serves now, so a
 * custom resource appears once its CRD is established. kubectl asks for aggregated discovery first and falls
 * back to these when the answer's content type is plain {@code application/json} (client-go's
 * {@code discovery_client.go}), so aggregated discovery is not needed.
 */
final class Discovery {
  /** kubectl's {@code Version} command and client-go's version checks read these. */
  static final String GIT_VERSION = "v1.32.0-converge";
  private static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");
  private static final ImmutableSet<String> CATEGORY_ALL = ImmutableSet.of("pods", "services",
      "replicationcontrollers", "daemonsets", "deployments", "replicasets", "statefulsets", "jobs", "cronjobs",
      "horizontalpodautoscalers");
  private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
      "update", "watch");

  private final ApiServer server;
  private final String address;

  Discovery(ApiServer server, String address) {
    this.server = server;
    this.address = address;
  }

  ObjectNode version() {
    return Json.object().put("major", "1").put("minor", "32").put("gitVersion", GIT_VERSION)
        .put("gitCommit", "converge").put("gitTreeState", "clean").put("buildDate", "1970-01-01T00:00:00Z")
        .put("goVersion", "go1.23").put("compiler", "gc").put("platform", "linux/amd64");
  }

  ObjectNode coreVersions() {
    ObjectNode versions = Json.object().put("kind", "APIVersions");
    versions.putArray("versions").add("v1");
    versions.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", address);
    return versions;
  }

  ObjectNode groups() {
    ObjectNode list = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    for (Map.Entry<String, TreeSet<String>> group : versionsByGroup().entrySet()) {
      if (!group.getKey().isEmpty()) {
        groups.add(groupNode(group.getKey(), group.getValue()));
      }
    }
    return list;
  }

  ObjectNode group(String name) {
    TreeSet<String> versions = versionsByGroup().get(name);
    if (versions == null || name.isEmpty()) {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
    return groupNode(name, versions).put("kind", "APIGroup").put("apiVersion", "v1");
  }

  /** One group version's resources. @throws BackendException.NotFound if the group version is not served */
  ObjectNode resources(String group, String version) {
    List<ResourceType> types = new ArrayList<>();
    for (ResourceType type : server.servedVersions()) {
      if (type.group().equals(group) && type.version().equals(version)) {
        types.add(type);
      }
    }
    List<ResourceType> reviews = Reviews.ALL.stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    if (types.isEmpty() && reviews.isEmpty() && !(group.isEmpty() && version.equals("v1"))) {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
    Map<GroupKind, Resource> crds = crdsByKind();
    ObjectNode list = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    for (ResourceType type : types) {
      Resource crd = crds.get(type.groupKind());
      ObjectNode resource = resources.addObject();
      resource.put("name", type.plural());
      resource.put("singularName", crd == null ? type.singular() : crd.spec().path("names").path("singular")
          .asText(type.singular()));
      resource.put("namespaced", type.namespaced());
      resource.put("kind", type.kind());
      ArrayNode verbs = resource.putArray("verbs");
      VERBS.forEach(verbs::add);
      if (!type.shortNames().isEmpty()) {
        ArrayNode shortNames = resource.putArray("shortNames");
        type.shortNames().forEach(shortNames::add);
      }
      ArrayNode categories = Json.array();
      if (crd != null) {
        crd.spec().path("names").path("categories").forEach(categories::add);
      } else if (CATEGORY_ALL.contains(type.plural())) {
        categories.add("all");
      }
      if (!categories.isEmpty()) {
        resource.set("categories", categories);
      }
      if (type.statusSubresource()) {
        subresource(resources, type, "status", "get", "patch", "update");
      }
      if (type.groupKind().equals(GroupKind.of("", "Namespace"))) {
        subresource(resources, type, "finalize", "update");
      }
      if (type.groupKind().equals(GroupKind.of("", "ServiceAccount"))) {
        subresource(resources, type, "token", "create").put("group", "authentication.k8s.io").put("version", "v1")
            .put("kind", "TokenRequest");
      }
      if (type.groupKind().equals(GroupKind.of("", "Pod"))) {
        subresource(resources, type, "binding", "create").put("kind", "Binding");
        subresource(resources, type, "eviction", "create").put("group", "policy").put("version", "v1")
            .put("kind", "Eviction");
      }
      if (ApiServer.scalable(type.groupKind())) {
        subresource(resources, type, "scale", "get", "patch", "update").put("group", "autoscaling")
            .put("version", "v1").put("kind", "Scale");
      }
    }
    for (ResourceType review : reviews) {
      ObjectNode resource = resources.addObject().put("name", review.plural()).put("singularName", "")
          .put("namespaced", review.namespaced()).put("kind", review.kind());
      resource.putArray("verbs").add("create");
    }
    return list;
  }

  /** The media type of aggregated discovery ({@code apidiscovery.k8s.io/v2}, GA in Kubernetes 1.30). */
  static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  /** Whether the request's {@code Accept} header asks for aggregated discovery (kubectl and client-go do). */
  static boolean wantsAggregated(@Nullable String accept) {
    return accept != null && accept.replace(" ", "").contains("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  }

  /**
   * Aggregated discovery ({@code GET /api} or {@code /apis} with {@link #AGGREGATED} accepted): every group,
   * version and resource in one {@code APIGroupDiscoveryList}, so a client sees a new CRD's kind at every version
   * at once instead of through per-group-version lists it may have cached. The same resources as {@link
   * #resources}, each with its subresources nested and its scope spelled out.
   *
   * @param core {@code /api} (the core group alone) rather than {@code /apis} (every other group)
   */
  ObjectNode aggregated(boolean core) {
    ObjectNode list = Json.object().put("kind", "APIGroupDiscoveryList").put("apiVersion", "apidiscovery.k8s.io/v2");
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    for (Map.Entry<String, TreeSet<String>> group : versionsByGroup().entrySet()) {
      if (group.getKey().isEmpty() != core) {
        continue;
      }
      ObjectNode item = items.addObject();
      ObjectNode metadata = item.putObject("metadata");
      if (!core) {
        metadata.put("name", group.getKey());
      }
      metadata.putNull("creationTimestamp");
      ArrayNode versions = item.putArray("versions");
      for (String version : group.getValue()) {
        ObjectNode entry = versions.addObject().put("version", version);
        entry.set("resources", aggregatedResources(group.getKey(), version, resources(group.getKey(), version)));
        entry.put("freshness", "Current");
      }
    }
    return list;
  }

  /** An {@code APIResourceList}'s resources as {@code APIResourceDiscovery} entries, subresources nested. */
  private static ArrayNode aggregatedResources(String group, String version, ObjectNode list) {
    ArrayNode out = Json.array();
    Map<String, ObjectNode> byName = new LinkedHashMap<>();
    for (JsonNode resource : list.path("resources")) {
      String name = resource.path("name").asText();
      int slash = name.indexOf('/');
      ObjectNode kind = Json.object().put("group", resource.path("group").asText(group))
          .put("version", resource.path("version").asText(version)).put("kind", resource.path("kind").asText());
      if (slash < 0) {
        ObjectNode entry = out.addObject().put("resource", name);
        entry.set("responseKind", kind);
        entry.put("scope", resource.path("namespaced").asBoolean() ? "Namespaced" : "Cluster");
        entry.put("singularResource", resource.path("singularName").asText());
        entry.set("verbs", resource.path("verbs"));
        for (String optional : List.of("shortNames", "categories")) {
          if (resource.has(optional)) {
            entry.set(optional, resource.path(optional));
          }
        }
        byName.put(name, entry);
      } else {
        ObjectNode parent = byName.get(name.substring(0, slash));
        if (parent != null) {
          ObjectNode sub = parent.withArray("subresources").addObject().put("subresource", name.substring(slash + 1));
          sub.set("responseKind", kind);
          sub.set("verbs", resource.path("verbs"));
        }
      }
    }
    return out;
  }

  private static ObjectNode subresource(ArrayNode resources, ResourceType type, String name, String... verbs) {
    ObjectNode node = resources.addObject().put("name", type.plural() + "/" + name).put("singularName", "")
        .put("namespaced", type.namespaced()).put("kind", type.kind());
    ArrayNode verbList = node.putArray("verbs");
    for (String verb : verbs) {
      verbList.add(verb);
    }
    return node;
  }

  private static ObjectNode groupNode(String name, TreeSet<String> versions) {
    ObjectNode group = Json.object().put("name", name);
    ArrayNode list = group.putArray("versions");
    for (String version : versions) {
      list.addObject().put("groupVersion", name + "/" + version).put("version", version);
    }
    String preferred = versions.first();
    group.putObject("preferredVersion").put("groupVersion", name + "/" + preferred).put("version", preferred);
    return group;
  }

  /** Every served group (built-ins first, in the server's order), its versions most preferred first. */
  Map<String, TreeSet<String>> versionsByGroup() {
    Map<String, TreeSet<String>> groups = new LinkedHashMap<>();
    for (ResourceType type : server.servedVersions()) {
      groups.computeIfAbsent(type.group(), g -> new TreeSet<>(KubeVersions.PRIORITY)).add(type.version());
    }
    for (ResourceType review : Reviews.ALL) {
      groups.computeIfAbsent(review.group(), g -> new TreeSet<>(KubeVersions.PRIORITY)).add(review.version());
    }
    return groups;
  }

  private Map<GroupKind, Resource> crdsByKind() {
    Map<GroupKind, Resource> result = new HashMap<>();
    server.locked(() -> {
      for (Resource crd : server.cache().objects(CRD).values()) {
        JsonNode spec = crd.spec();
        result.put(GroupKind.of(spec.path("group").asText(""), spec.path("names").path("kind").asText("")), crd);
      }
    });
    return result;
  }
}
