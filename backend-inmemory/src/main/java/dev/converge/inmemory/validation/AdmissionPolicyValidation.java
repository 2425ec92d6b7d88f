package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.inmemory.cel.AdmissionExpression;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ValidatingAdmissionPolicies and their bindings ({@code admissionregistration.k8s.io/v1}), as kube-apiserver
 * 1.32 validates them ({@code pkg/apis/admissionregistration/validation}), after defaulting: what a cluster
 * refuses at install time. A policy needs {@code matchConstraints.resourceRules}, validations or audit
 * annotations, expressions that compile to their types (with {@code params} only when there is a {@code
 * paramKind}, {@code variables} after the variables before them), messages without line breaks, and a known
 * {@code failurePolicy} and {@code reason}. A binding needs a {@code policyName} and {@code validationActions}
 * (not both Deny and Warn), and a {@code paramRef} with a {@code parameterNotFoundAction} and one of a name and a
 * selector.
 */
final class AdmissionPolicyValidation {
  private static final Pattern CEL_IDENTIFIER = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");

  private AdmissionPolicyValidation() {}

  static void policy(JsonNode json, FieldErrors errors) {
    JsonNode spec = json.path("spec");
    oneOf(spec.path("failurePolicy"), "spec.failurePolicy", List.of("Fail", "Ignore"), errors);
    JsonNode match = spec.path("matchConstraints");
    if (!match.isObject()) {
      errors.required("spec.matchConstraints");
    } else if (match.path("resourceRules").isEmpty()) {
      errors.required("spec.matchConstraints.resourceRules");
    }
    JsonNode validations = spec.path("validations");
    if (validations.isEmpty() && spec.path("auditAnnotations").isEmpty()) {
      errors.required("spec.validations", "validations or auditAnnotations must contain at least one item");
      errors.required("spec.auditAnnotations", "validations or auditAnnotations must contain at least one item");
    }
    List<String> names = new ArrayList<>(List.of("object", "oldObject", "request", "namespaceObject"));
    if (spec.path("paramKind").isObject()) {
      names.add("params");
    }
    JsonNode conditions = spec.path("matchConditions");
    for (int i = 0; i < conditions.size(); i++) {
      expression(conditions.get(i).path("expression"), "spec.matchConditions[" + i + "].expression", names,
          AdmissionExpression.Result.BOOL, errors);
    }
    names.add("variables");
    JsonNode variables = spec.path("variables");
    for (int i = 0; i < variables.size(); i++) {
      String p = "spec.variables[" + i + "]";
      String name = variables.get(i).path("name").asText("");
      if (name.isEmpty()) {
        errors.required(p + ".name", "name is not specified");
      } else if (!CEL_IDENTIFIER.matcher(name).matches()) {
        errors.invalid(p + ".name", name, "name is not a valid CEL identifier");
      }
      expression(variables.get(i).path("expression"), p + ".expression", names, AdmissionExpression.Result.ANY, errors);
    }
    for (int i = 0; i < validations.size(); i++) {
      JsonNode validation = validations.get(i);
      String p = "spec.validations[" + i + "]";
      expression(validation.path("expression"), p + ".expression", names, AdmissionExpression.Result.BOOL, errors);
      JsonNode message = validation.path("message");
      if (message.isTextual()) {
        if (message.asText().isBlank()) {
          errors.invalid(p + ".message", message.asText(), "message must be non-empty if specified");
        } else if (message.asText().contains("\n") || message.asText().contains("\r")) {
          errors.invalid(p + ".message", message.asText(), "message must not contain line breaks");
        }
      }
      JsonNode messageExpression = validation.path("messageExpression");
      if (messageExpression.isTextual()) {
        if (messageExpression.asText().isBlank()) {
          errors.invalid(p + ".messageExpression", messageExpression.asText(), "must be non-empty if specified");
        } else {
          expression(messageExpression, p + ".messageExpression", names, AdmissionExpression.Result.STRING, errors);
        }
      }
      oneOf(validation.path("reason"), p + ".reason", List.of("Forbidden", "Invalid", "RequestEntityTooLarge"), errors);
    }
    JsonNode annotations = spec.path("auditAnnotations");
    if (annotations.size() > 20) {
      errors.invalid("spec.auditAnnotations", annotations.size(), "must not have more than 20 auditAnnotations");
    }
    Set<String> keys = new HashSet<>();
    String policyName = json.path("metadata").path("name").asText("");
    for (int i = 0; i < annotations.size(); i++) {
      String p = "spec.auditAnnotations[" + i + "]";
      String key = annotations.get(i).path("key").asText("");
      if (key.isEmpty()) {
        errors.required(p + ".key");
      } else if (dev.converge.api.Names.checkQualifiedName(policyName + "/" + key).isPresent()) {
        // ValidateQualifiedName of <policy name>/<key>.
        errors.invalid(p + ".key", policyName + "/" + key,
            dev.converge.api.Names.checkQualifiedName(policyName + "/" + key).get());
      } else if (!keys.add(key)) {
        errors.duplicate(p + ".key", key);
      }
      expression(annotations.get(i).path("valueExpression"), p + ".valueExpression", names,
          AdmissionExpression.Result.ANY, errors, "valueExpression is not specified");
    }
  }

  static void binding(JsonNode json, FieldErrors errors) {
    JsonNode spec = json.path("spec");
    if (spec.path("policyName").asText("").isEmpty()) {
      errors.required("spec.policyName");
    }
    JsonNode actions = spec.path("validationActions");
    if (actions.isEmpty()) {
      errors.required("spec.validationActions", "at least one validation action is required");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < actions.size(); i++) {
      String action = actions.get(i).asText();
      if (!List.of("Audit", "Deny", "Warn").contains(action)) {
        errors.unsupported("spec.validationActions[" + i + "]", action, List.of("Audit", "Deny", "Warn"));
      } else if (!seen.add(action)) {
        errors.duplicate("spec.validationActions[" + i + "]", action);
      }
    }
    if (seen.contains("Deny") && seen.contains("Warn")) {
      List<String> given = new ArrayList<>();
      actions.forEach(a -> given.add(a.asText()));
      errors.add("spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"
          + String.join(", ", given.stream().map(a -> "\"" + a + "\"").toList()) + "}: must not contain both Deny and Warn "
          + "(repeating the same validation failure information in the API response and headers serves no purpose)");
    }
    JsonNode ref = spec.path("paramRef");
    if (ref.isObject()) {
      JsonNode action = ref.path("parameterNotFoundAction");
      if (!action.isTextual()) {
        errors.required("spec.paramRef.parameterNotFoundAction");
      } else {
        oneOf(action, "spec.paramRef.parameterNotFoundAction", List.of("Deny", "Allow"), errors);
      }
      if (ref.has("name") && ref.has("selector")) {
        errors.forbidden("spec.paramRef.name", "name and selector are mutually exclusive");
        errors.forbidden("spec.paramRef.selector", "name and selector are mutually exclusive");
      } else if (!ref.has("name") && !ref.has("selector")) {
        errors.required("spec.paramRef", "one of name or selector must be specified");
      }
    }
  }

  private static void expression(JsonNode value, String path, List<String> names, AdmissionExpression.Result type,
      FieldErrors errors) {
    expression(value, path, names, type, errors, "expression is not specified");
  }

  private static void expression(JsonNode value, String path, List<String> names, AdmissionExpression.Result type,
      FieldErrors errors, String missing) {
    String expression = value.asText("");
    if (expression.isBlank()) {
      errors.required(path, missing);
      return;
    }
    try {
      AdmissionExpression.compile(expression, names, type);
    } catch (IllegalArgumentException e) {
      errors.invalid(path, expression, e.getMessage());
    }
  }

  private static void oneOf(JsonNode value, String path, List<String> supported, FieldErrors errors) {
    if (value.isTextual() && !supported.contains(value.asText())) {
      errors.unsupported(path, value.asText(), supported);
    }
  }
}
