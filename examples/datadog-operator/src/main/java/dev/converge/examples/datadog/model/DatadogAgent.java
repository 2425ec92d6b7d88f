package dev.converge.examples.datadog.model;

import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;
import org.jspecify.annotations.Nullable;

/**
 * A decoded {@code DatadogAgent}: the identity of the resource and its spec with defaults applied. The user's
 * resource is never changed; this is a copy.
 *
 * @param name {@code metadata.name}
 * @param namespace {@code metadata.namespace}
 * @param uid {@code metadata.uid}, or null before the server assigned one
 * @param labels {@code metadata.labels}
 * @param spec the spec with defaults applied
 */
public record DatadogAgent(
    String name, String namespace, @Nullable String uid, ImmutableMap<String, String> labels, DatadogAgentSpec spec) {

  /** The API group of the resource. */
  public static final String GROUP = "datadoghq.com";

  /** The served version. */
  public static final String VERSION = "v2alpha1";

  /** The kind. */
  public static final String KIND = "DatadogAgent";

  /** {@code datadoghq.com/v2alpha1}. */
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** {@code datadoghq.com/DatadogAgent}. */
  public static final GroupKind GROUP_KIND = GroupKind.of(GROUP, KIND);
}
