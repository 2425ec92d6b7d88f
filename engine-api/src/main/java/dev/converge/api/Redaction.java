package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Masks secret values before a resource reaches a plan, a log line or a report. A Secret's {@code data} and
 * {@code stringData} values become {@value #MASK}; their keys stay visible so a reader can see what changed.
 */
public final class Redaction {
  /** What a secret value prints as. */
  public static final String MASK = "(sensitive)";

  private Redaction() {}

  /**
   * {@return whether values under {@code topLevelField} of resources of {@code kind} are secret}
   *
   * @param kind the resource's kind
   * @param topLevelField a field of the object's root ({@code data})
   */
  public static boolean isSecretField(GroupKind kind, String topLevelField) {
    return kind.isCore() && kind.kind().equals("Secret") && (topLevelField.equals("data") || topLevelField.equals("stringData"));
  }

  /**
   * {@return {@code resource} with its secret values masked; other resources are returned as is}
   *
   * @param resource any resource
   */
  public static Resource redact(Resource resource) {
    if (!resource.groupKind().isCore() || !resource.kind().equals("Secret")) {
      return resource;
    }
    JsonNode data = resource.json().path("data");
    JsonNode stringData = resource.json().path("stringData");
    if (!data.isObject() && !stringData.isObject()) {
      return resource;
    }
    return resource.edit(tree -> {
      mask(tree.path("data"));
      mask(tree.path("stringData"));
    });
  }

  private static void mask(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        field.setValue(Json.nodes().textNode(MASK));
      }
    }
  }
}
