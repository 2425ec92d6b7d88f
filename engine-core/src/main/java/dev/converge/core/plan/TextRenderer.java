package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Action;
import dev.converge.api.Edge;
import dev.converge.api.FieldChange;
import dev.converge.api.Json;
import dev.converge.api.Plan;
import dev.converge.api.Step;
import org.jspecify.annotations.Nullable;

/**
 * The text form of a plan:
 *
 * <pre>
 * Step 1
 *   + ServiceAccount/default/datadog-agent
 *       not found
 *
 * Step 2
 *   ~ apps/DaemonSet/default/datadog-agent
 *       spec.template.spec.containers[name=agent].image: "…:7.50.0" → "…:latest"
 *       after ServiceAccount/default/datadog-agent: referenced service account (spec.template.spec.serviceAccountName)
 *
 * Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, in 2 steps.
 * </pre>
 *
 * Creates, replaces and deletes print their reasons; updates and replaces print each changed field (an
 * update's reasons only repeat those paths); values are compact JSON, {@code (none)} where a side lacks the
 * field.
 */
final class TextRenderer {
  private static final String ARROW = " \u2192 ";

  private TextRenderer() {}

  static String render(Plan plan) {
    if (plan.isEmpty()) {
      return "No changes: the actual state matches the desired state.\n";
    }
    StringBuilder out = new StringBuilder(4096);
    int index = 1;
    for (Step step : plan.steps()) {
      out.append("Step ").append(index++).append('\n');
      for (Action action : step.actions()) {
        action(out, action);
      }
      out.append('\n');
    }
    int[] counts = Rendering.counts(plan);
    out.append("Plan: ").append(counts[0]).append(" to create, ").append(counts[1]).append(" to update, ")
        .append(counts[2]).append(" to replace, ").append(counts[3]).append(" to delete, in ")
        .append(plan.steps().size()).append(plan.steps().size() == 1 ? " step.\n" : " steps.\n");
    return out.toString();
  }

  private static void action(StringBuilder out, Action action) {
    out.append("  ").append(Rendering.symbol(action)).append(' ').append(action.key());
    if (action instanceof Action.Delete delete) {
      out.append(" (propagation ").append(delete.propagation().wireName()).append(')');
    } else if (action instanceof Action.Replace replace) {
      out.append(" (delete with propagation ").append(replace.propagation().wireName()).append(", then create)");
    }
    out.append('\n');
    if (!(action instanceof Action.Update)) {
      for (String reason : action.reasons()) {
        out.append("      ").append(reason).append('\n');
      }
    }
    if (action.diff().isPresent()) {
      for (FieldChange change : action.diff().get().changes()) {
        out.append("      ").append(change.path()).append(": ")
            .append(value(Rendering.before(action, change))).append(ARROW)
            .append(value(Rendering.after(action, change))).append('\n');
      }
    }
    for (Edge edge : action.orderedBy()) {
      out.append("      ").append(edge).append('\n');
    }
  }

  private static String value(@Nullable JsonNode node) {
    return node == null ? "(none)" : Json.write(node);
  }
}
