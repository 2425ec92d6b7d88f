package dev.converge.examples.datadog.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.inmemory.admission.AdmissionRequest;
import dev.converge.inmemory.store.ObjectCache;
import java.util.Map;

/**
 * Whether a webhook of a MutatingWebhookConfiguration is called for a request, as kube-apiserver decides it
 * ({@code k8s.io/apiserver/pkg/admission/plugin/webhook/predicates}): one of its {@code rules} matches the
 * operation, group, version, resource and scope; its {@code namespaceSelector} matches the labels of the
 * request's namespace (for namespaced objects); its {@code objectSelector} matches the object's labels. A
 * missing selector matches everything.
 */
final class WebhookMatcher {
  private static final GroupKind NAMESPACE = GroupKind.of("", "Namespace");

  private WebhookMatcher() {}

  /** Whether {@code webhook} (one entry of {@code webhooks}) is called for {@code request}. */
  static boolean matches(JsonNode webhook, AdmissionRequest request, Resource object, ObjectCache cache) {
    return anyRuleMatches(webhook.path("rules"), request, object)
        && namespaceMatches(webhook.path("namespaceSelector"), request, object, cache)
        && LabelSelector.fromJson(webhook.path("objectSelector")).matches(object.labels());
  }

  private static boolean anyRuleMatches(JsonNode rules, AdmissionRequest request, Resource object) {
    for (JsonNode rule : rules) {
      if (contains(rule.path("operations"), request.operation().name())
          && contains(rule.path("apiGroups"), request.kind().group())
          && contains(rule.path("apiVersions"), object.version())
          && resourceMatches(rule.path("resources"), request.resource(), request.subresource())
          && scopeMatches(rule.path("scope").asText("*"), request.namespace())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code pods} matches the resource only, {@code pods/*} the resource and its subresources (a {@code *}
   * subresource also matches none), {@code *} every resource but no subresource, {@code *}{@code /*}
   * everything, {@code *}{@code /status} every status subresource.
   */
  static boolean resourceMatches(JsonNode patterns, String resource, String subresource) {
    for (JsonNode pattern : patterns) {
      String text = pattern.asText();
      int slash = text.indexOf('/');
      String resourcePart = slash < 0 ? text : text.substring(0, slash);
      String subPart = slash < 0 ? "" : text.substring(slash + 1);
      if ((resourcePart.equals("*") || resourcePart.equals(resource)) && (subPart.equals("*") || subPart.equals(subresource))) {
        return true;
      }
    }
    return false;
  }

  private static boolean scopeMatches(String scope, String namespace) {
    switch (scope) {
      case "Namespaced":
        return !namespace.isEmpty();
      case "Cluster":
        return namespace.isEmpty();
      default:
        return true;
    }
  }

  /**
   * The namespace selector applies to namespaced objects, by their namespace's live labels, and to Namespaces
   * themselves, by the labels of the object in the request; other cluster-scoped objects always match.
   */
  private static boolean namespaceMatches(JsonNode selector, AdmissionRequest request, Resource object, ObjectCache cache) {
    if (request.kind().equals(NAMESPACE)) {
      return LabelSelector.fromJson(selector).matches(object.labels());
    }
    String namespace = request.namespace();
    if (namespace.isEmpty()) {
      return true;
    }
    Resource live = cache.get(NAMESPACE, "", namespace);
    Map<String, String> labels = live != null ? live.labels() : Map.of();
    return LabelSelector.fromJson(selector).matches(labels);
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
