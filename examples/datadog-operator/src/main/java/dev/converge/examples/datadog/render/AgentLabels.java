package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** The labels the Datadog Operator puts on everything it creates, and the selector labels of its pods. */
public final class AgentLabels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String APP_NAME = "app.kubernetes.io/name";
  public static final String APP_INSTANCE = "app.kubernetes.io/instance";
  public static final String APP_COMPONENT = "app.kubernetes.io/component";
  public static final String NAME = "agent.datadoghq.com/name";
  public static final String COMPONENT = "agent.datadoghq.com/component";
  /** The value of {@value #MANAGED_BY}. */
  public static final String OPERATOR = "datadog-operator";
  /** DatadogAgent labels under this prefix are copied to everything, as the Datadog Operator does. */
  public static final String TAGS_PREFIX = "tags.datadoghq.com/";

  private AgentLabels() {}

  /** The labels of every object of {@code component}, sorted by key. */
  public static ImmutableMap<String, String> of(DatadogAgent dda, ComponentName component) {
    Map<String, String> labels = new TreeMap<>();
    dda.labels().forEach((key, value) -> {
      if (key.startsWith(TAGS_PREFIX)) {
        labels.put(key, value);
      }
    });
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(PART_OF, partOf(dda));
    labels.put(APP_NAME, "datadog-agent-deployment");
    labels.put(APP_INSTANCE, AgentNames.of(dda, component));
    labels.put(APP_COMPONENT, component.suffix());
    labels.put(NAME, dda.name());
    labels.put(COMPONENT, component.suffix());
    return ImmutableMap.copyOf(labels);
  }

  /** The labels that select {@code component}'s pods; a workload's selector never changes with the spec. */
  public static ImmutableMap<String, String> selector(DatadogAgent dda, ComponentName component) {
    return ImmutableMap.of(NAME, dda.name(), COMPONENT, component.suffix());
  }

  /**
   * {@code <ns>-<dda>}. A label value holds at most 63 characters; a longer one keeps its first 52 and ends with
   * ten hex digits of its SHA-256, so it stays unique and valid.
   */
  public static String partOf(DatadogAgent dda) {
    String value = dda.namespace() + "-" + dda.name();
    if (value.length() <= 63) {
      return value;
    }
    return value.substring(0, 52) + "-" + Hashing.sha256().hashString(value, StandardCharsets.UTF_8).toString().substring(0, 10);
  }
}
