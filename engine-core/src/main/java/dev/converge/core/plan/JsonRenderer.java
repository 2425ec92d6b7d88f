package dev.converge.core.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Action;
import dev.converge.api.Edge;
import dev.converge.api.FieldChange;
import dev.converge.api.Json;
import dev.converge.api.Plan;
import dev.converge.api.ResourceKey;
import dev.converge.api.Step;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of a plan, as issue 2 gives it, plus extras:
 *
 * <pre>
 * {"steps":[{"actions":[{
 *    "action":"create|update|delete|replace", "apiVersion", "kind", "namespace" (omitted when cluster-scoped),
 *    "name", "key", "reasons":[…], "after":[keys of the actions it waits for],
 *    "orderedBy":[{"prerequisite", "rule", "explanation"}],      every ordering edge (see Ordering)
 *    "changes":[{"path", "before", "after"}],                    update and replace; absent side null
 *    "immutableFields":[…],                                      replace
 *    "propagation":"Background|Foreground|Orphan",               delete and replace
 *    "deleteReason":"NO_LONGER_DESIRED|OWNER_DELETED"            delete
 * }]}],
 *  "summary":{"create","update","replace","delete","steps"}}
 * </pre>
 *
 * Indented with two spaces and {@code \n} line ends on every platform.
 */
final class JsonRenderer {
  private static final ObjectWriter WRITER;

  static {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter);
    WRITER = new ObjectMapper().writer(printer);
  }

  private JsonRenderer() {}

  static String render(Plan plan) {
    ObjectNode root = Json.object();
    ArrayNode steps = root.putArray("steps");
    for (Step step : plan.steps()) {
      ArrayNode actions = steps.addObject().putArray("actions");
      for (Action action : step.actions()) {
        action(actions.addObject(), action);
      }
    }
    int[] counts = Rendering.counts(plan);
    root.putObject("summary")
        .put("create", counts[0])
        .put("update", counts[1])
        .put("replace", counts[2])
        .put("delete", counts[3])
        .put("steps", plan.steps().size());
    try {
      return WRITER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void action(ObjectNode a, Action action) {
    ResourceKey key = action.key();
    a.put("action", action.verb());
    a.put("apiVersion", action.resource().apiVersion());
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
    ArrayNode orderedBy = a.putArray("orderedBy");
    for (Edge edge : action.orderedBy()) {
      orderedBy.addObject()
          .put("prerequisite", edge.prerequisite().toString())
          .put("rule", edge.rule().name())
          .put("explanation", edge.explanation());
    }
    if (action.diff().isPresent()) {
      ArrayNode changes = a.putArray("changes");
      for (FieldChange change : action.diff().get().changes()) {
        ObjectNode c = changes.addObject().put("path", change.path());
        c.set("before", orNull(Rendering.before(action, change)));
        c.set("after", orNull(Rendering.after(action, change)));
      }
    }
    if (action instanceof Action.Replace replace) {
      ArrayNode fields = a.putArray("immutableFields");
      replace.immutableFields().forEach(fields::add);
      a.put("propagation", replace.propagation().wireName());
    }
    if (action instanceof Action.Delete delete) {
      a.put("propagation", delete.propagation().wireName());
      a.put("deleteReason", delete.why().name());
    }
  }

  private static JsonNode orNull(@Nullable JsonNode node) {
    return node == null ? Json.nodes().nullNode() : node;
  }
}
