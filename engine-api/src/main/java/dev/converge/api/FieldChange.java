package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * One field that differs between the desired and the live object.
 *
 * <p>Paths are dotted from the object's root; map keys that are not plain identifiers are bracketed and
 * quoted ({@code metadata.labels["app.kubernetes.io/name"]}); elements of keyed lists are selected by their
 * key ({@code spec.template.spec.containers[name=agent].image}, {@code ports[containerPort=8126,protocol=TCP]}),
 * other list elements by index.
 *
 * @param path where
 * @param before the live value, or null when the live object lacks the field
 * @param after the desired value, or null when the desired object removes it
 */
public record FieldChange(String path, @Nullable JsonNode before, @Nullable JsonNode after) {
  /**
   * Freezes both values, so a change cannot be altered after the diff that made it.
   *
   * @param path where
   * @param before the live value, or null
   * @param after the desired value, or null
   */
  public FieldChange {
    if (before != null) {
      before = Json.freeze(before);
    }
    if (after != null) {
      after = Json.freeze(after);
    }
  }
}
