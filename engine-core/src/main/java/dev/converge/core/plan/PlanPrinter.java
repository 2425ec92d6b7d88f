package dev.converge.core.plan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Action;
import dev.converge.api.FieldChange;
import dev.converge.api.Json;
import dev.converge.api.Plan;
import dev.converge.api.Redaction;
import dev.converge.api.ResourceKey;
import dev.converge.api.Step;

/** Renders plans as text for people and as JSON for machines. Secret values are masked in both. */
public final class PlanPrinter {
  private PlanPrinter() {}

  /** The plan as text: {@code +} create, {@code ~} update, {@code -} delete, {@code -/+} replace. */
  public static String text(Plan plan) {
    if (plan.isEmpty()) {
      return "No changes: the actual state matches the desired state.\n";
    }
    StringBuilder out = new StringBuilder();
    int index = 1;
    for (Step step : plan.steps()) {
      out.append("Step ").append(index++).append(":\n");
      for (Action action : step.actions()) {
        out.append("  ").append(symbol(action)).append(' ').append(action.key());
        if (!action.reasons().isEmpty()) {
          out.append("  (").append(String.join("; ", action.reasons())).append(')');
        }
        out.append('\n');
        action.diff().ifPresent(diff -> {
          for (FieldChange change : diff.changes()) {
            out.append("      ").append(change.path()).append(": ")
                .append(change.before() == null ? "(none)" : Json.write(change.before()))
                .append(" -> ")
                .append(change.after() == null ? "(none)" : Json.write(change.after()))
                .append('\n');
          }
        });
      }
    }
    return out.toString();
  }

  /** The plan as JSON: {@code {"steps":[{"actions":[…]}]}}. */
  public static String json(Plan plan) {
    ObjectNode root = Json.object();
    ArrayNode steps = root.putArray("steps");
    for (Step step : plan.steps()) {
      ArrayNode actions = steps.addObject().putArray("actions");
      for (Action action : step.actions()) {
        ObjectNode a = actions.addObject();
        ResourceKey key = action.key();
        a.put("action", action.verb());
        a.put("apiVersion", Redaction.redact(action.resource()).apiVersion());
        a.put("kind", key.kind());
        if (!key.namespace().isEmpty()) {
          a.put("namespace", key.namespace());
        }
        a.put("name", key.name());
        a.put("key", key.toString());
        ArrayNode reasons = a.putArray("reasons");
        action.reasons().forEach(reasons::add);
        ArrayNode after = a.putArray("after");
        action.after().forEach(k -> after.add(k.toString()));
      }
    }
    return Json.writePretty(root) + "\n";
  }

  private static String symbol(Action action) {
    return switch (action.verb()) {
      case "create" -> "+";
      case "update" -> "~";
      case "delete" -> "-";
      default -> "-/+";
    };
  }
}
