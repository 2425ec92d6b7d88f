package dev.converge.inmemory.sim.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A pod toleration ({@code v1.Toleration}).
 *
 * @param key the taint key; empty with operator Exists tolerates every taint
 * @param operator {@code Equal} (the default) or {@code Exists}
 * @param value the value for Equal
 * @param effect the effect tolerated; empty tolerates every effect
 * @param seconds for NoExecute: how long the pod stays after the taint appears; null for ever
 */
public record Toleration(String key, String operator, String value, String effect, @Nullable Long seconds) {

  /** {@code operator: Exists} for {@code key} and {@code effect}, for ever. */
  public static Toleration exists(String key, String effect) {
    return new Toleration(key, "Exists", "", effect, null);
  }

  /**
   * {@code v1.Toleration.ToleratesTaint}: the effect matches (or the toleration names none), the key matches
   * (or is empty with Exists), and the value matches for Equal.
   */
  public boolean tolerates(Taint taint) {
    if (!effect.isEmpty() && !effect.equals(taint.effect())) {
      return false;
    }
    if (!key.isEmpty() && !key.equals(taint.key())) {
      return false;
    }
    switch (operator) {
      case "Exists":
        return true;
      case "":
      case "Equal":
        return value.equals(taint.value());
      default:
        return false;
    }
  }

  /** The tolerations of a pod spec's {@code tolerations}. */
  public static ImmutableList<Toleration> listOf(JsonNode tolerations) {
    if (!tolerations.isArray() || tolerations.isEmpty()) {
      return ImmutableList.of();
    }
    ImmutableList.Builder<Toleration> out = ImmutableList.builder();
    for (JsonNode t : tolerations) {
      JsonNode seconds = t.path("tolerationSeconds");
      out.add(new Toleration(t.path("key").asText(""), t.path("operator").asText("Equal"), t.path("value").asText(""),
          t.path("effect").asText(""), seconds.isNumber() ? seconds.asLong() : null));
    }
    return out.build();
  }

  /** Whether any of {@code tolerations} tolerates {@code taint}. */
  public static boolean anyTolerates(List<Toleration> tolerations, Taint taint) {
    for (int i = 0; i < tolerations.size(); i++) {
      if (tolerations.get(i).tolerates(taint)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code FindMatchingUntoleratedTaint}: the first taint among {@code taints} whose effect is NoSchedule or
   * NoExecute ({@code executeOnly}: NoExecute only) that no toleration tolerates, or null.
   */
  public static @Nullable Taint firstUntolerated(List<Taint> taints, List<Toleration> tolerations, boolean executeOnly) {
    for (int i = 0; i < taints.size(); i++) {
      Taint taint = taints.get(i);
      boolean relevant = executeOnly ? taint.effect().equals(Taint.NO_EXECUTE) : taint.blocksScheduling();
      if (relevant && !anyTolerates(tolerations, taint)) {
        return taint;
      }
    }
    return null;
  }
}
