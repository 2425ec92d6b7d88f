package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelEvaluationException;
import dev.converge.inmemory.cel.ValidationRules.Node;
import dev.converge.inmemory.cel.ValidationRules.Rule;
import dev.converge.inmemory.validation.FieldErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One object's evaluation of a CRD version's compiled rules ({@code validateExpressions} and the walk around it in
 * apiextensions-apiserver's {@code schema/cel/validation.go}): a node's rules, then a list's items, a map's entries
 * and an object's properties, each with its correlated old value; the causes and the ratcheted warnings so far.
 */
final class RuleEvaluation {
  final List<String> errors = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();

  /**
   * Evaluates {@code node}'s rules on {@code value} and recurses. {@code old} is the correlated old value (null
   * when there is none); {@code unchanged} whether the nearest correlated value at or above is unchanged.
   */
  void visit(Node node, JsonNode value, @Nullable JsonNode old, @Nullable String path, boolean unchanged) {
    if (value.isNull() || value.isMissingNode()) {
      return;
    }
    if (!node.rules().isEmpty()) {
      evaluate(node, value, old, path, unchanged);
    }
    if (node.items() != null && value.isArray()) {
      Map<List<JsonNode>, JsonNode> oldByKey = keyed(node.schema(), old);
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        JsonNode oldItem = oldByKey == null ? null : oldByKey.get(keyOf(node.schema(), item));
        visit(node.items(), item, oldItem, index(path, i), oldItem == null ? unchanged : item.equals(oldItem));
      }
    }
    if (node.additional() != null && value.isObject()) {
      for (Map.Entry<String, JsonNode> member : value.properties()) {
        JsonNode oldMember = old == null ? null : old.get(member.getKey());
        visit(node.additional(), member.getValue(), oldMember, key(path, member.getKey()),
            oldMember == null ? unchanged : member.getValue().equals(oldMember));
      }
    }
    for (Map.Entry<String, Node> property : node.properties().entrySet()) {
      JsonNode child = value.get(property.getKey());
      if (child != null) {
        JsonNode oldChild = old == null ? null : old.get(property.getKey());
        visit(property.getValue(), child, oldChild, child(path, property.getKey()),
            oldChild == null ? unchanged : child.equals(oldChild));
      }
    }
  }

  private void evaluate(Node node, JsonNode value, @Nullable JsonNode old, @Nullable String path, boolean unchanged) {
    Object self;
    Object oldSelf;
    try {
      self = CelValues.of(value, node.schema(), node.resourceRoot());
      oldSelf = old == null || old.isNull() ? null : CelValues.of(old, node.schema(), node.resourceRoot());
    } catch (CelValues.InvalidData e) {
      for (Rule rule : node.rules()) {
        invalid(path, node, e.getMessage() + " evaluating rule: " + rule.errorString());
      }
      return;
    }
    for (Rule rule : node.rules()) {
      if (rule.usesOldSelf() && oldSelf == null && !rule.optionalOldSelf()) {
        continue;
      }
      Map<String, Object> activation = new HashMap<>(4);
      activation.put("self", self);
      if (rule.optionalOldSelf()) {
        activation.put("oldSelf", Optional.ofNullable(oldSelf));
      } else if (oldSelf != null) {
        activation.put("oldSelf", oldSelf);
      }
      Object result;
      try {
        result = rule.program().eval(activation);
      } catch (CelEvaluationException e) {
        String error = CelErrors.goText(e);
        if (error.startsWith("no such overload")) {
          invalid(path, node, "'" + error + "': call arguments did not match a supported operator, function or "
              + "macro signature for rule: " + rule.errorString());
        } else if (CelErrors.isIterationLimit(e)) {
          invalid(path, node, "'operation cancelled: actual cost limit exceeded': no further validation rules "
              + "will be run due to call cost exceeds limit for rule: " + rule.errorString());
          return;
        } else {
          invalid(path, node, error + " evaluating rule: " + rule.errorString());
        }
        continue;
      }
      if (Boolean.TRUE.equals(result)) {
        continue;
      }
      String detail = message(rule, activation);
      String at = rule.fieldPath() == null ? path : child(path, rule.fieldPath());
      FieldErrors error = new FieldErrors();
      switch (rule.reason() == null ? "FieldValueInvalid" : rule.reason()) {
        case "FieldValueForbidden" -> error.forbidden(show(at), detail);
        case "FieldValueRequired" -> error.required(show(at), detail);
        case "FieldValueDuplicate" -> error.duplicate(show(at), node.shownType());
        default -> error.invalid(show(at), node.shownType(), detail);
      }
      if (!rule.usesOldSelf() && unchanged) {
        warnings.addAll(error.causes());
      } else {
        errors.addAll(error.causes());
      }
    }
  }

  /** The {@code messageExpression}'s result when it is a usable one, else {@code ruleMessageOrDefault}. */
  private static String message(Rule rule, Map<String, Object> activation) {
    if (rule.messageProgram() != null) {
      try {
        Object text = rule.messageProgram().eval(activation);
        if (text instanceof String string) {
          String trimmed = string.strip();
          if (!trimmed.isEmpty() && trimmed.length() <= 5 * 1024 && !ValidationRules.LINE_BREAKS.matcher(trimmed).find()) {
            return trimmed;
          }
        }
      } catch (CelEvaluationException e) {
        // Kubernetes logs it and falls back to the message.
      }
    }
    return rule.messageOrDefault();
  }

  private void invalid(@Nullable String path, Node node, String detail) {
    errors.addAll(new FieldErrors().invalid(show(path), node.shownType(), detail).causes());
  }

  // field.Path as apimachinery prints it; the root is a nil path, printed "<nil>".

  static String show(@Nullable String path) {
    return path == null ? "<nil>" : path;
  }

  static String child(@Nullable String path, String name) {
    return path == null ? name : path + "." + name;
  }

  private static String key(@Nullable String path, String key) {
    return show(path) + "[" + key + "]";
  }

  private static String index(@Nullable String path, int i) {
    return show(path) + "[" + i + "]";
  }

  /** A {@code map} list's old items by their keys; null for other lists (their items do not correlate). */
  private static @Nullable Map<List<JsonNode>, JsonNode> keyed(JsonNode listSchema, @Nullable JsonNode old) {
    if (old == null || !old.isArray() || !listSchema.path("x-kubernetes-list-type").asText("").equals("map")) {
      return null;
    }
    Map<List<JsonNode>, JsonNode> byKey = new HashMap<>();
    for (JsonNode item : old) {
      byKey.putIfAbsent(keyOf(listSchema, item), item);
    }
    return byKey;
  }

  private static List<JsonNode> keyOf(JsonNode listSchema, JsonNode item) {
    List<JsonNode> key = new ArrayList<>(2);
    for (JsonNode name : listSchema.path("x-kubernetes-list-map-keys")) {
      key.add(item.path(name.asText()));
    }
    return key;
  }
}
