package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Names;
import dev.converge.inmemory.cel.AdmissionExpression;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code admissionregistration.k8s.io/v1} Mutating/ValidatingWebhookConfigurations, as kube-apiserver 1.32
 * validates them ({@code pkg/apis/admissionregistration/validation}, with the v1 options): what a cluster refuses
 * at install time and a server that ignored it would let through, to fail only when a request meets the webhook.
 * Checked after defaulting (failure, match and reinvocation policies, timeout): each webhook's name (a domain of
 * three segments or more, unique), {@code admissionReviewVersions} and {@code sideEffects} (required in v1),
 * {@code timeoutSeconds}, the policies' values, exactly one of {@code clientConfig.url} and {@code .service}, and
 * that each {@code matchConditions} expression compiles to a bool.
 */
final class WebhookConfigurationValidation {
  private static final List<String> REVIEW_VERSIONS = List.of("v1", "v1beta1");

  private WebhookConfigurationValidation() {}

  static void validate(JsonNode json, boolean mutating, FieldErrors errors) {
    Set<String> names = new HashSet<>();
    JsonNode webhooks = json.path("webhooks");
    for (int i = 0; i < webhooks.size(); i++) {
      JsonNode webhook = webhooks.get(i);
      String p = "webhooks[" + i + "]";
      String name = webhook.path("name").asText("");
      if (name.isEmpty()) {
        errors.required(p + ".name");
      } else if (!NameChecks.dns1123Subdomain(name)) {
        Names.dns1123SubdomainErrors(name).forEach(problem -> errors.invalid(p + ".name", name, problem));
      } else if (name.split("\\.").length < 3) {
        errors.invalid(p + ".name", name, "should be a domain with at least three segments separated by dots");
      } else if (!names.add(name)) {
        errors.duplicate(p + ".name", name);
      }
      reviewVersions(webhook.path("admissionReviewVersions"), p + ".admissionReviewVersions", errors);
      JsonNode sideEffects = webhook.path("sideEffects");
      if (sideEffects.isMissingNode() || sideEffects.isNull()) {
        errors.required(p + ".sideEffects", "must specify one of None, NoneOnDryRun");
      } else {
        oneOf(sideEffects, p + ".sideEffects", List.of("None", "NoneOnDryRun"), errors);
      }
      JsonNode timeout = webhook.path("timeoutSeconds");
      if (timeout.isNumber() && (timeout.asInt() < 1 || timeout.asInt() > 30)) {
        errors.invalid(p + ".timeoutSeconds", timeout.asInt(), "the timeout value must be between 1 and 30 seconds");
      }
      oneOf(webhook.path("failurePolicy"), p + ".failurePolicy", List.of("Fail", "Ignore"), errors);
      oneOf(webhook.path("matchPolicy"), p + ".matchPolicy", List.of("Equivalent", "Exact"), errors);
      if (mutating) {
        oneOf(webhook.path("reinvocationPolicy"), p + ".reinvocationPolicy", List.of("IfNeeded", "Never"), errors);
      }
      JsonNode client = webhook.path("clientConfig");
      if (client.has("url") == client.has("service")) {
        errors.required(p + ".clientConfig", "exactly one of url or service is required");
      }
      JsonNode conditions = webhook.path("matchConditions");
      for (int c = 0; c < conditions.size(); c++) {
        String expression = conditions.get(c).path("expression").asText("");
        String at = p + ".matchConditions[" + c + "].expression";
        if (expression.isBlank()) {
          errors.required(at);
          continue;
        }
        try {
          AdmissionExpression.compile(expression, AdmissionExpression.MATCH_CONDITION_VARIABLES);
        } catch (IllegalArgumentException e) {
          errors.invalid(at, expression.strip(), e.getMessage());
        }
      }
    }
  }

  private static void reviewVersions(JsonNode versions, String path, FieldErrors errors) {
    if (!versions.isArray() || versions.isEmpty()) {
      errors.required(path, "must specify one of v1, v1beta1");
      return;
    }
    List<String> given = new ArrayList<>();
    versions.forEach(v -> given.add(v.asText()));
    if (given.stream().noneMatch(REVIEW_VERSIONS::contains)) {
      errors.invalid(path, given, "must include at least one of v1, v1beta1");
    }
  }

  private static void oneOf(JsonNode value, String path, List<String> supported, FieldErrors errors) {
    if (value.isTextual() && !supported.contains(value.asText())) {
      errors.unsupported(path, value.asText(), supported);
    }
  }
}
