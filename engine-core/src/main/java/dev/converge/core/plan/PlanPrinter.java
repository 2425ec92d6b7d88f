package dev.converge.core.plan;

import dev.converge.api.Plan;

/**
 * Renders plans as text for people and as JSON for machines. Secret {@code data}/{@code stringData} values
 * are masked in both, in field changes too. The same plan always renders to the same bytes (fields in a
 * fixed order, {@code \n} line ends whatever the platform).
 */
public final class PlanPrinter {
  private PlanPrinter() {}

  /**
   * The plan as text, step by step: {@code +} create, {@code ~} update (with each changed field path and
   * {@code old → new}), {@code -} delete, {@code -/+} replace (with the immutable fields), each action's
   * reasons and {@code after …: rule} lines, and a closing summary.
   */
  public static String text(Plan plan) {
    return TextRenderer.render(plan);
  }

  /**
   * The plan as JSON: {@code {"steps":[{"actions":[{"action","apiVersion","kind","namespace","name","key",
   * "reasons","after", …}]}],"summary":{…}}}; see {@link JsonRenderer} for the extra fields.
   */
  public static String json(Plan plan) {
    return JsonRenderer.render(plan);
  }
}
