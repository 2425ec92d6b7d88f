package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Diff;
import dev.converge.api.FieldChange;
import java.util.Map;

/** Compares only the object fields the desired tree sets; lists and values by equality. */
final class NaiveDiff {
  private NaiveDiff() {}

  static boolean covers(JsonNode live, JsonNode want) {
    return diff(live, want).isEmpty();
  }

  static Diff diff(JsonNode live, JsonNode want) {
    ImmutableList.Builder<FieldChange> changes = ImmutableList.builder();
    walk("", live, want, changes);
    return Diff.of(changes.build());
  }

  private static void walk(String path, JsonNode live, JsonNode want, ImmutableList.Builder<FieldChange> changes) {
    for (Map.Entry<String, JsonNode> field : want.properties()) {
      String name = field.getKey();
      String at = path.isEmpty() ? name : path + "." + name;
      if (path.isEmpty() && name.equals("status")) {
        continue;
      }
      JsonNode have = live.path(name);
      JsonNode value = field.getValue();
      if (value.isObject() && have.isObject()) {
        walk(at, have, value, changes);
      } else if (!value.equals(have)) {
        changes.add(new FieldChange(at, have.isMissingNode() ? null : have, value));
      }
    }
  }
}
