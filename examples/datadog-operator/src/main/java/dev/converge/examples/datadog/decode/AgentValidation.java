package dev.converge.examples.datadog.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Names;
import dev.converge.examples.datadog.model.ComponentName;
import java.util.Map;
import java.util.Optional;

/**
 * The semantic checks the Datadog Operator makes before it reconciles, with the messages its users see. They
 * run on the user's spec as written (before defaults), after the schema check.
 */
public final class AgentValidation {
  /** Shown when {@code spec.global.credentials} is absent. */
  public static final String CREDENTIALS_MISSING = "credentials not configured in the DatadogAgent, can't reconcile";

  /** Shown when neither a complete {@code apiSecret} nor an {@code apiKey} is given. */
  public static final String API_KEY_MISSING = "api key must be set";

  /** Shown when both namespace lists of APM instrumentation are set. */
  public static final String NAMESPACES_TOGETHER =
      "`spec.features.apm.instrumentation.enabledNamespaces` and `spec.features.apm.instrumentation.disabledNamespaces` cannot be set together";

  /** Label prefixes the operator keeps for itself; users may not set labels under them. */
  public static final String[] RESERVED_LABEL_PREFIXES = {"agent.datadoghq.com/", "operator.datadoghq.com/", "datadoghq.com/"};

  /**
   * Longest DatadogAgent name whose derived names stay valid: {@code <name>-admission-controller} must be a
   * DNS-1035 label of at most 63 characters.
   */
  public static final int MAX_NAME_LENGTH = 63 - "-admission-controller".length();

  private AgentValidation() {}

  /** The first problem of {@code spec} (a tree that passed the schema check), or empty. */
  public static Optional<SpecProblem> check(String name, JsonNode spec) {
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(new SpecProblem("metadata.name", "must be no more than " + MAX_NAME_LENGTH
          + " characters so that the names derived from it are valid"));
    }
    JsonNode credentials = Json.at(spec, "global.credentials");
    if (absent(credentials)) {
      return Optional.of(new SpecProblem("spec.global.credentials", CREDENTIALS_MISSING));
    }
    JsonNode apiSecret = credentials.path("apiSecret");
    boolean secretUsable = nonEmpty(apiSecret.path("secretName")) && nonEmpty(apiSecret.path("keyName"));
    if (!secretUsable && !nonEmpty(credentials.path("apiKey"))) {
      return Optional.of(new SpecProblem("spec.global.credentials", API_KEY_MISSING));
    }
    JsonNode instrumentation = Json.at(spec, "features.apm.instrumentation");
    if (instrumentation.path("enabledNamespaces").size() > 0 && instrumentation.path("disabledNamespaces").size() > 0) {
      return Optional.of(new SpecProblem("spec.features.apm.instrumentation", NAMESPACES_TOGETHER));
    }
    JsonNode serviceName = Json.at(spec, "features.admissionController.serviceName");
    if (nonEmpty(serviceName)) {
      String service = serviceName.asText();
      Optional<String> invalid = Names.checkDns1035Label(service);
      if (invalid.isPresent()) {
        return Optional.of(new SpecProblem("spec.features.admissionController.serviceName",
            "invalid Service name \"" + service + "\": " + invalid.get()));
      }
      // The operator's other Services of this DatadogAgent; sharing a name would make one object two things.
      if (service.equals(name + "-agent") || service.equals(name + "-cluster-agent")) {
        return Optional.of(new SpecProblem("spec.features.admissionController.serviceName",
            "\"" + service + "\" is the name of another Service of this DatadogAgent"));
      }
    }
    for (ComponentName component : ComponentName.values()) {
      JsonNode override = spec.path("override").path(component.overrideKey());
      String base = "spec.override." + component.overrideKey();
      Optional<SpecProblem> labels = checkLabels(override.path("labels"), base + ".labels", true);
      if (labels.isPresent()) {
        return labels;
      }
      Optional<SpecProblem> selector = checkLabels(override.path("nodeSelector"), base + ".nodeSelector", false);
      if (selector.isPresent()) {
        return selector;
      }
    }
    return Optional.empty();
  }

  /** Label keys and values must be valid; with {@code reserved}, keys under the operator's prefixes are refused. */
  private static Optional<SpecProblem> checkLabels(JsonNode labels, String path, boolean reserved) {
    for (Map.Entry<String, JsonNode> label : labels.properties()) {
      String key = label.getKey();
      if (reserved) {
        for (String prefix : RESERVED_LABEL_PREFIXES) {
          if (key.startsWith(prefix)) {
            return Optional.of(new SpecProblem(path, "label \"" + key + "\" uses the reserved prefix \"" + prefix + "\""));
          }
        }
      }
      Optional<String> keyProblem = Names.checkQualifiedName(key);
      if (keyProblem.isPresent()) {
        return Optional.of(new SpecProblem(path, "invalid label key \"" + key + "\": " + keyProblem.get()));
      }
      String value = label.getValue().asText("");
      Optional<String> valueProblem = Names.checkLabelValue(value);
      if (valueProblem.isPresent()) {
        return Optional.of(new SpecProblem(path, "invalid value \"" + value + "\" of label \"" + key + "\": " + valueProblem.get()));
      }
    }
    return Optional.empty();
  }

  private static boolean absent(JsonNode node) {
    return node.isMissingNode() || node.isNull();
  }

  private static boolean nonEmpty(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty();
  }
}
