package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.store.ObjectCache;
import org.jspecify.annotations.Nullable;

/**
 * Whether a webhook of a stored configuration is called for a request, as kube-apiserver decides it before
 * any call ({@code k8s.io/apiserver/pkg/admission/plugin/webhook/predicates}): one of its {@code rules}
 * matches the operation, group, version, resource and scope; its {@code namespaceSelector} matches the labels
 * of the request's namespace; its {@code objectSelector} matches the labels of the object or of the old one.
 * A missing selector matches everything. {@code matchConditions} are the dispatcher's, as they are evaluated
 * after these.
 */
final class WebhookRules {
  private static final GroupKind NAMESPACE = GroupKind.of("", "Namespace");

  private WebhookRules() {}

  /** The version a rule of {@code webhook} matches the request at ({@link #matchedVersion(JsonNode, boolean, AdmissionRequest, String)}). */
  static @Nullable String matchedVersion(JsonNode webhook, AdmissionRequest request, String version) {
    return matchedVersion(webhook.path("rules"), !webhook.path("matchPolicy").asText("Equivalent").equals("Exact"),
        request, version);
  }

  /**
   * The version one of {@code rules} matches the request at: the object's own when a rule lists it (or {@code *}),
   * any of a matching rule's versions when {@code equivalent} ({@code matchPolicy: Equivalent}: the resource is
   * the same whatever version it is asked for in), or null when no rule matches. A rule's {@code resourceNames}
   * (admission policies' rules), when given, must name the request's object.
   */
  static @Nullable String matchedVersion(JsonNode rules, boolean equivalent, AdmissionRequest request, String version) {
    String other = null;
    for (JsonNode rule : rules) {
      if (!contains(rule.path("operations"), request.operation().name())
          || !contains(rule.path("apiGroups"), request.kind().group())
          || !resourceMatches(rule.path("resources"), request.resource(), request.subresource())
          || !scopeMatches(rule.path("scope").asText("*"), request.namespace())
          || !namedIn(rule.path("resourceNames"), request.name())) {
        continue;
      }
      if (contains(rule.path("apiVersions"), version)) {
        return version;
      }
      if (equivalent && other == null && rule.path("apiVersions").size() > 0) {
        other = rule.path("apiVersions").get(0).asText();
      }
    }
    return other;
  }

  /** An empty {@code resourceNames} names every object; else the name must be one of them (no wildcard). */
  private static boolean namedIn(JsonNode names, String name) {
    if (names.isEmpty()) {
      return true;
    }
    for (JsonNode candidate : names) {
      if (candidate.asText().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the selectors of {@code webhook} let it see {@code request}: the namespace selector by the live
   * labels of the request's namespace (a Namespace by its own labels; other cluster-scoped objects always
   * match), and the object selector by the labels of the object or of the old object.
   */
  static boolean selectorsMatch(JsonNode webhook, AdmissionRequest request, ObjectCache cache) {
    return namespaceMatches(webhook.path("namespaceSelector"), request, cache)
        && objectMatches(webhook.path("objectSelector"), request);
  }

  /**
   * {@code pods} matches the resource only, {@code pods/*} the resource and its subresources, {@code *} every
   * resource but no subresource, {@code *}{@code /*} everything, {@code *}{@code /status} every status
   * subresource ({@code rules.Matcher.resource}).
   */
  static boolean resourceMatches(JsonNode patterns, String resource, String subresource) {
    for (JsonNode pattern : patterns) {
      String text = pattern.asText();
      int slash = text.indexOf('/');
      String resourcePart = slash < 0 ? text : text.substring(0, slash);
      String subPart = slash < 0 ? "" : text.substring(slash + 1);
      if ((resourcePart.equals("*") || resourcePart.equals(resource))
          && (subPart.equals("*") || subPart.equals(subresource))) {
        return true;
      }
    }
    return false;
  }

  private static boolean scopeMatches(String scope, String namespace) {
    return switch (scope) {
      case "Namespaced" -> !namespace.isEmpty();
      case "Cluster" -> namespace.isEmpty();
      default -> true;
    };
  }

  private static boolean namespaceMatches(JsonNode selector, AdmissionRequest request, ObjectCache cache) {
    if (selector.isMissingNode() || selector.isEmpty()) {
      return true;
    }
    LabelSelector parsed = LabelSelector.fromJson(selector);
    if (request.kind().equals(NAMESPACE)) {
      Resource subject = request.object() != null ? request.object() : request.oldObject();
      return subject != null && parsed.matches(subject.labels());
    }
    if (request.namespace().isEmpty()) {
      return true;
    }
    Resource live = cache.get(NAMESPACE, "", request.namespace());
    if (live == null) {
      // The namespace lister's error, returned at once (GetNamespaceLabels).
      throw new BackendException.NotFound("namespaces \"" + request.namespace() + "\" not found");
    }
    return parsed.matches(live.labels());
  }

  /** {@code objectSelector}: the new object's labels or the old object's, either matching is enough. */
  private static boolean objectMatches(JsonNode selector, AdmissionRequest request) {
    if (selector.isMissingNode() || selector.isEmpty()) {
      return true;
    }
    LabelSelector parsed = LabelSelector.fromJson(selector);
    Resource object = request.object();
    Resource old = request.oldObject();
    return (object != null && parsed.matches(object.labels())) || (old != null && parsed.matches(old.labels()));
  }

  private static boolean contains(JsonNode values, String value) {
    for (JsonNode candidate : values) {
      if (candidate.asText().equals("*") || candidate.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }
}
