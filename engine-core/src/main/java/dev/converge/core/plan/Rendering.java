package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Action;
import dev.converge.api.FieldChange;
import dev.converge.api.Plan;
import dev.converge.api.Redaction;
import org.jspecify.annotations.Nullable;

/** What both renderers share: the symbols, the masking of secret values, the summary counts. */
final class Rendering {
  private Rendering() {}

  static String symbol(Action action) {
    if (action instanceof Action.Create) {
      return "+";
    }
    if (action instanceof Action.Update) {
      return "~";
    }
    if (action instanceof Action.Delete) {
      return "-";
    }
    return "-/+";
  }

  /**
   * {@code change}'s values, masked when they are a Secret's {@code data} or {@code stringData}. The diff
   * masks them already; the renderers check again because a plan may have been built by other code.
   */
  static @Nullable JsonNode before(Action action, FieldChange change) {
    return secret(action, change) ? SecretMask.mask(change.before()) : change.before();
  }

  static @Nullable JsonNode after(Action action, FieldChange change) {
    return secret(action, change) ? SecretMask.mask(change.after()) : change.after();
  }

  private static boolean secret(Action action, FieldChange change) {
    String path = change.path();
    int end = 0;
    while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
      end++;
    }
    return Redaction.isSecretField(action.key().groupKind(), path.substring(0, end));
  }

  /** Counts of each verb: create, update, replace, delete. */
  static int[] counts(Plan plan) {
    int[] counts = new int[4];
    for (Action action : plan.actions()) {
      counts[action instanceof Action.Create ? 0 : action instanceof Action.Update ? 1 : action instanceof Action.Replace ? 2 : 3]++;
    }
    return counts;
  }
}
