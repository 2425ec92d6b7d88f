package dev.converge.inmemory.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request path as kube-apiserver's {@code RequestInfoFactory} reads it: {@code /api/v1/...} (the core group) or
 * {@code /apis/<group>/<version>/...}, then optionally {@code namespaces/<ns>/}, then {@code <resource>},
 * {@code <name>} and {@code <subresource>}. {@code /api/v1/namespaces/<name>/status} and {@code …/finalize}
 * are subresources of the namespace itself, as in Kubernetes ({@code namespaceSubresources}).
 *
 * @param endpoint which kind of endpoint the path names
 * @param group the API group ({@code ""} for the core group and for non-resource endpoints)
 * @param version the version, or {@code ""} when the path names none
 * @param namespace the namespace of a namespaced request, {@code ""} otherwise
 * @param resource the plural resource name, {@code ""} when the path names none
 * @param name the object's name, {@code ""} for collections
 * @param subresource {@code status}, {@code binding}, … or {@code ""}
 * @param rest for OpenAPI v3 documents, the path after {@code /openapi/v3/} ({@code apis/apps/v1})
 */
record ApiPath(
    Endpoint endpoint, String group, String version, String namespace, String resource, String name,
    String subresource, String rest) {

  /** What a path addresses. */
  enum Endpoint {
    /** {@code /version}. */
    VERSION,
    /** {@code /healthz}, {@code /livez}, {@code /readyz}. */
    HEALTH,
    /** {@code /api}: the core group's versions. */
    CORE_VERSIONS,
    /** {@code /apis}: every group. */
    GROUPS,
    /** {@code /apis/<group>}: one group. */
    GROUP,
    /** {@code /api/v1} or {@code /apis/<group>/<version>}: the resources of one group version. */
    RESOURCES,
    /** {@code /openapi/v2}. */
    OPENAPI_V2,
    /** {@code /openapi/v3}: the index of group-version documents. */
    OPENAPI_V3_INDEX,
    /** {@code /openapi/v3/<api/v1 | apis/<group>/<version>>}. */
    OPENAPI_V3_DOCUMENT,
    /** A resource collection, object or subresource. */
    RESOURCE,
    /** Anything else: a 404. */
    UNKNOWN
  }

  private static final List<String> NAMESPACE_SUBRESOURCES = List.of("status", "finalize");

  /** Whether the path names one object (possibly a subresource of it). */
  boolean isObject() {
    return !name.isEmpty();
  }

  /** {@code v1} or {@code apps/v1}. */
  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** Parses a raw (still percent-encoded) request path. */
  static ApiPath parse(String rawPath) {
    List<String> parts = segments(rawPath);
    if (parts.isEmpty()) {
      return unknown();
    }
    switch (parts.get(0)) {
      case "version":
        return parts.size() == 1 ? simple(Endpoint.VERSION) : unknown();
      case "healthz":
      case "livez":
      case "readyz":
        return simple(Endpoint.HEALTH);
      case "openapi":
        return openapi(parts);
      case "api":
        if (parts.size() == 1) {
          return simple(Endpoint.CORE_VERSIONS);
        }
        return groupVersionPath("", parts.get(1), parts.subList(2, parts.size()));
      case "apis":
        if (parts.size() == 1) {
          return simple(Endpoint.GROUPS);
        }
        if (parts.size() == 2) {
          return new ApiPath(Endpoint.GROUP, parts.get(1), "", "", "", "", "", "");
        }
        return groupVersionPath(parts.get(1), parts.get(2), parts.subList(3, parts.size()));
      default:
        return unknown();
    }
  }

  private static ApiPath openapi(List<String> parts) {
    if (parts.size() == 2 && parts.get(1).equals("v2")) {
      return simple(Endpoint.OPENAPI_V2);
    }
    if (parts.size() >= 2 && parts.get(1).equals("v3")) {
      if (parts.size() == 2) {
        return simple(Endpoint.OPENAPI_V3_INDEX);
      }
      String rest = String.join("/", parts.subList(2, parts.size()));
      return new ApiPath(Endpoint.OPENAPI_V3_DOCUMENT, "", "", "", "", "", "", rest);
    }
    return unknown();
  }

  private static ApiPath groupVersionPath(String group, String version, List<String> rest) {
    if (rest.isEmpty()) {
      return new ApiPath(Endpoint.RESOURCES, group, version, "", "", "", "", "");
    }
    String namespace = "";
    List<String> parts = rest;
    if (parts.get(0).equals("namespaces") && parts.size() > 1) {
      namespace = parts.get(1);
      if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
        parts = parts.subList(2, parts.size());
      } else {
        // /namespaces/<name>[/status|/finalize]: the namespace object itself, cluster-scoped.
        namespace = "";
      }
    }
    if (parts.size() > 3) {
      return unknown();
    }
    String resource = parts.get(0);
    String name = parts.size() > 1 ? parts.get(1) : "";
    String sub = parts.size() > 2 ? parts.get(2) : "";
    return new ApiPath(Endpoint.RESOURCE, group, version, namespace, resource, name, sub, "");
  }

  private static List<String> segments(String rawPath) {
    List<String> result = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        result.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return result;
  }

  private static ApiPath simple(Endpoint endpoint) {
    return new ApiPath(endpoint, "", "", "", "", "", "", "");
  }

  private static ApiPath unknown() {
    return simple(Endpoint.UNKNOWN);
  }

  /** For messages: the path's resource, qualified by its group. */
  String qualifiedResource(@Nullable String fallback) {
    String base = resource.isEmpty() && fallback != null ? fallback : resource;
    return group.isEmpty() ? base : base + "." + group;
  }
}
