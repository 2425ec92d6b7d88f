package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A CRD's {@code spec.conversion}, validated as apiextensions-apiserver 1.32 validates it. */
final class CrdConversionValidation {
  private static final List<String> REVIEW_VERSIONS = List.of("v1", "v1beta1");
  private static final String URL_FORMAT = "; desired format: https://host[/path]";

  private CrdConversionValidation() {}

  /**
   * {@code validateCustomResourceConversion}, at the internal API's paths, where the v1 to internal conversion
   * flattens {@code webhook.clientConfig} to {@code webhookClientConfig} and {@code webhook.conversionReviewVersions}
   * to {@code conversionReviewVersions}: the strategy is {@code None} or {@code Webhook}; a webhook needs exactly
   * one of a valid https URL and a Service, and review versions that include {@code v1} or {@code v1beta1}; {@code
   * None} takes neither; and {@code Webhook} needs {@code preserveUnknownFields} off.
   */
  static void validate(JsonNode spec, FieldErrors errors) {
    JsonNode conversion = spec.path("conversion");
    if (!conversion.isObject()) {
      return;
    }
    String strategy = conversion.path("strategy").asText("");
    JsonNode client = conversion.path("webhook").path("clientConfig");
    JsonNode reviewVersions = conversion.path("webhook").path("conversionReviewVersions");
    if (strategy.isEmpty()) {
      errors.required("spec.conversion.strategy");
    } else if (!List.of("None", "Webhook").contains(strategy)) {
      errors.unsupported("spec.conversion.strategy", strategy, List.of("None", "Webhook"));
    }
    if (!strategy.isEmpty() && !strategy.equals("None") && spec.path("preserveUnknownFields").asBoolean(false)) {
      errors.invalid("spec.conversion.strategy", strategy, "must be None if spec.preserveUnknownFields is true");
    }
    String at = "spec.conversion.webhookClientConfig";
    if (!strategy.equals("Webhook")) {
      if (client.isObject()) {
        errors.forbidden(at, "should not be set when strategy is not set to Webhook");
      }
      if (!reviewVersions.isEmpty()) {
        errors.forbidden("spec.conversion.conversionReviewVersions", "should not be set when strategy is not set to Webhook");
      }
      return;
    }
    if (!client.isObject()) {
      errors.required(at, "required when strategy is set to Webhook");
    } else if (client.has("url") == client.has("service")) {
      errors.required(at, "exactly one of url or service is required");
    } else if (client.has("url")) {
      webhookUrl(client.path("url").asText(""), at + ".url", errors);
    } else {
      webhookService(client.path("service"), at + ".service", errors);
    }
    conversionReviewVersions(reviewVersions, "spec.conversion.conversionReviewVersions", errors);
  }

  /** {@code webhook.ValidateWebhookURL} with https forced. */
  private static void webhookUrl(String url, String path, FieldErrors errors) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      errors.required(path, "url must be a valid URL: " + e.getMessage() + URL_FORMAT);
      return;
    }
    if (!"https".equals(uri.getScheme())) {
      errors.invalid(path, url, "'https' is the only allowed URL scheme" + URL_FORMAT);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      errors.invalid(path, url, "host must be specified" + URL_FORMAT);
    }
    if (uri.getRawUserInfo() != null) {
      errors.invalid(path, url, "user information is not permitted in the URL");
    }
    if (uri.getRawFragment() != null) {
      errors.invalid(path, url, "fragments are not permitted in the URL");
    }
    if (uri.getRawQuery() != null) {
      errors.invalid(path, url, "query parameters are not permitted in the URL");
    }
  }

  /** {@code webhook.ValidateWebhookService}: name and namespace, a port in range, a path of DNS-1123 segments. */
  private static void webhookService(JsonNode service, String path, FieldErrors errors) {
    if (service.path("name").asText("").isEmpty()) {
      errors.required(path + ".name");
    }
    if (service.path("namespace").asText("").isEmpty()) {
      errors.required(path + ".namespace");
    }
    JsonNode port = service.path("port");
    if (port.isNumber() && (port.asInt() < 1 || port.asInt() > 65535)) {
      errors.invalid(path + ".port", port.asInt(), "port is not valid: must be between 1 and 65535, inclusive");
    }
    String servicePath = service.path("path").asText("");
    if (servicePath.isEmpty() || servicePath.equals("/")) {
      return;
    }
    if (!servicePath.startsWith("/")) {
      errors.invalid(path + ".path", servicePath, "must start with a '/'");
      return;
    }
    String[] segments = servicePath.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].isEmpty()) {
        errors.invalid(path + ".path", servicePath, "segment[" + i + "] may not be empty");
      } else {
        String segment = "segment[" + i + "]: ";
        Names.checkDns1123Subdomain(segments[i])
            .ifPresent(problem -> errors.invalid(path + ".path", servicePath, segment + problem));
      }
    }
  }

  /** {@code validateConversionReviewVersions}: required, no duplicates, DNS-1035 labels, one the server speaks. */
  private static void conversionReviewVersions(JsonNode versions, String path, FieldErrors errors) {
    if (versions.isEmpty()) {
      errors.required(path);
      return;
    }
    Set<String> seen = new HashSet<>();
    List<String> given = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      String version = versions.get(i).asText();
      given.add(version);
      if (!seen.add(version)) {
        errors.invalid(path + "[" + i + "]", version, "duplicate version");
        continue;
      }
      String at = path + "[" + i + "]";
      Names.checkDns1035Label(version).ifPresent(problem -> errors.invalid(at, version, problem));
    }
    if (given.stream().noneMatch(REVIEW_VERSIONS::contains)) {
      errors.invalid(path, given, "must include at least one of v1, v1beta1");
    }
  }
}
