package dev.converge.inmemory.sim.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;

/**
 * A node taint ({@code v1.Taint}). Effects are {@code NoSchedule}, {@code PreferNoSchedule} and
 * {@code NoExecute}.
 *
 * @param key the key
 * @param value the value, empty if none
 * @param effect the effect
 */
public record Taint(String key, String value, String effect) {
  /** Set by the node lifecycle controller while the node's Ready condition is False. */
  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  /** Set by the node lifecycle controller while the node's Ready condition is Unknown (kubelet silent). */
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  /** Set while {@code spec.unschedulable} is true (cordoned). */
  public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
  public static final String NO_SCHEDULE = "NoSchedule";
  public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
  public static final String NO_EXECUTE = "NoExecute";

  public Taint {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a taint needs a key");
    }
    if (!effect.equals(NO_SCHEDULE) && !effect.equals(PREFER_NO_SCHEDULE) && !effect.equals(NO_EXECUTE)) {
      throw new IllegalArgumentException("taint effect must be NoSchedule, PreferNoSchedule or NoExecute: " + effect);
    }
  }

  public static Taint of(String key, String value, String effect) {
    return new Taint(key, value, effect);
  }

  /** {@code key=value:effect} or {@code key:effect}, as kubectl prints taints. */
  public static Taint parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("a taint is key[=value]:effect, got " + text);
    }
    String keyValue = text.substring(0, colon);
    int eq = keyValue.indexOf('=');
    return eq < 0 ? new Taint(keyValue, "", text.substring(colon + 1))
        : new Taint(keyValue.substring(0, eq), keyValue.substring(eq + 1), text.substring(colon + 1));
  }

  /** Whether this taint stops new pods that do not tolerate it (NoSchedule or NoExecute). */
  public boolean blocksScheduling() {
    return effect.equals(NO_SCHEDULE) || effect.equals(NO_EXECUTE);
  }

  /** The taints of a node's {@code spec.taints}. */
  public static ImmutableList<Taint> listOf(JsonNode taints) {
    if (!taints.isArray() || taints.isEmpty()) {
      return ImmutableList.of();
    }
    ImmutableList.Builder<Taint> out = ImmutableList.builder();
    for (JsonNode taint : taints) {
      out.add(new Taint(taint.path("key").asText(), taint.path("value").asText(""), taint.path("effect").asText()));
    }
    return out.build();
  }

  /** This taint as JSON ({@code timeAdded} is left to the caller). */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("key", key);
    if (!value.isEmpty()) {
      node.put("value", value);
    }
    node.put("effect", effect);
    return node;
  }

  @Override
  public String toString() {
    return value.isEmpty() ? key + ":" + effect : key + "=" + value + ":" + effect;
  }
}
