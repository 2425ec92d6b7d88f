package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Names;
import dev.converge.core.schema.Quantity;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The node and storage kinds a kubelet reads and writes, as kube-apiserver 1.32 validates them: {@code
 * node.k8s.io/v1} RuntimeClass ({@code pkg/apis/node/validation}) and {@code storage.k8s.io/v1} CSIDriver and
 * CSINode ({@code pkg/apis/storage/validation}). Not checked here: a RuntimeClass's tolerations beyond their
 * keys, and a CSIDriver's {@code nodeAllocatableUpdatePeriodSeconds} (1.33).
 */
final class NodeStorageValidation {
  private static final List<String> FS_GROUP_POLICIES = List.of("ReadWriteOnceWithFSType", "File", "None");
  private static final List<String> LIFECYCLE_MODES = List.of("Persistent", "Ephemeral");
  /** {@code csiNodeIDMaxLength} with {@code AllowLongNodeID}, which the CSINode strategy sets. */
  private static final int NODE_ID_MAX = 256;
  private static final long TOKEN_EXPIRATION_MIN = 600;
  private static final long TOKEN_EXPIRATION_MAX = 1L << 32;
  /** {@code csiDriverNameRexpFmt}. */
  private static final Pattern CSI_DRIVER_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private NodeStorageValidation() {}

  /**
   * {@code ValidateRuntimeClass} and its update: {@code handler} a DNS-1123 label, and immutable; {@code
   * overhead.podFixed} quantities not negative; {@code scheduling.nodeSelector} valid labels; each toleration's key
   * a qualified name.
   */
  static void runtimeClass(JsonNode json, @Nullable JsonNode old, FieldErrors errors) {
    String handler = json.path("handler").asText("");
    for (String problem : Names.dns1123LabelErrors(handler)) {
      errors.invalid("handler", handler, problem);
    }
    if (old != null && !old.path("handler").asText("").equals(handler)) {
      errors.immutable("handler", handler);
    }
    for (Map.Entry<String, JsonNode> entry : json.path("overhead").path("podFixed").properties()) {
      String path = "overhead.podFixed[" + entry.getKey() + "]";
      String text = entry.getValue().asText();
      Optional<BigDecimal> amount = Quantity.parse(text);
      if (amount.isEmpty()) {
        errors.invalid(path, text, "quantities must match the regular expression "
            + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      } else if (amount.get().signum() < 0) {
        errors.invalid(path, text, "must be greater than or equal to 0");
      }
    }
    JsonNode scheduling = json.path("scheduling");
    for (Map.Entry<String, JsonNode> entry : scheduling.path("nodeSelector").properties()) {
      String path = "scheduling.nodeSelector";
      Names.qualifiedNameErrors(entry.getKey()).forEach(problem -> errors.invalid(path, entry.getKey(), problem));
      String value = entry.getValue().asText();
      Names.labelValueErrors(value).forEach(problem -> errors.invalid(path, value, problem));
    }
    int index = 0;
    for (JsonNode toleration : scheduling.path("tolerations")) {
      String key = toleration.path("key").asText("");
      String path = "scheduling.tolerations[" + index++ + "].key";
      if (!key.isEmpty()) {
        Names.qualifiedNameErrors(key).forEach(problem -> errors.invalid(path, key, problem));
      }
    }
  }

  /**
   * {@code ValidateCSIDriver} and its update: the defaulted booleans present, a known {@code fsGroupPolicy} and
   * known lifecycle modes, token request audiences unique and expirations from 10 minutes to 2^32 s; {@code
   * attachRequired} and {@code volumeLifecycleModes} immutable (the former's cause at {@code spec.attachedRequired},
   * as kube-apiserver spells it).
   */
  static void csiDriver(JsonNode json, @Nullable JsonNode old, FieldErrors errors) {
    JsonNode spec = json.path("spec");
    for (String field : new String[] {"attachRequired", "podInfoOnMount", "storageCapacity"}) {
      if (!spec.path(field).isBoolean()) {
        errors.required("spec." + field);
      }
    }
    String policy = spec.path("fsGroupPolicy").asText("");
    if (!FS_GROUP_POLICIES.contains(policy)) {
      errors.unsupported("spec.fsGroupPolicy", policy, FS_GROUP_POLICIES);
    }
    int index = 0;
    for (JsonNode mode : spec.path("volumeLifecycleModes")) {
      if (!LIFECYCLE_MODES.contains(mode.asText())) {
        errors.unsupported("spec.volumeLifecycleModes[" + index + "]", mode.asText(), LIFECYCLE_MODES);
      }
      index++;
    }
    Set<String> audiences = new HashSet<>();
    index = 0;
    for (JsonNode request : spec.path("tokenRequests")) {
      String path = "spec.tokenRequests[" + index++ + "]";
      String audience = request.path("audience").asText("");
      if (!audiences.add(audience)) {
        errors.duplicate(path + ".audience", audience);
      }
      JsonNode seconds = request.path("expirationSeconds");
      if (!seconds.isMissingNode() && !seconds.isNull()
          && (seconds.asLong() < TOKEN_EXPIRATION_MIN || seconds.asLong() > TOKEN_EXPIRATION_MAX)) {
        errors.invalid(path + ".expirationSeconds", seconds.asLong(),
            "may not specify a duration less than 10 minutes or greater than 2^32 seconds");
      }
    }
    if (old != null) {
      JsonNode before = old.path("spec");
      if (!before.path("attachRequired").equals(spec.path("attachRequired"))) {
        errors.immutable("spec.attachedRequired", spec.path("attachRequired").asBoolean());
      }
      if (!before.path("volumeLifecycleModes").equals(spec.path("volumeLifecycleModes"))) {
        errors.immutable("spec.volumeLifecycleModes", spec.path("volumeLifecycleModes").toString());
      }
    }
  }

  /**
   * {@code ValidateCSINode} and its update: each driver named (at most 63 characters, {@code ValidateCSIDriverName}) once,
   * with a {@code nodeID} of at most 256 characters, unique qualified topology keys and a count not negative; a
   * driver already listed cannot change (drivers are added and removed whole).
   */
  static void csiNode(JsonNode json, @Nullable JsonNode old, FieldErrors errors) {
    Set<String> names = new HashSet<>();
    int index = 0;
    for (JsonNode driver : json.path("spec").path("drivers")) {
      String path = "spec.drivers[" + index++ + "]";
      String name = driver.path("name").asText("");
      if (name.isEmpty()) {
        errors.required(path + ".name");
      } else if (name.length() > 63) {
        errors.add(path + ".name: Too long: may not be more than 63 bytes");
      } else {
        if (!CSI_DRIVER_NAME.matcher(name).matches()) {
          errors.invalid(path + ".name", name, "a CSI driver name must consist of alphanumeric characters, '-', '_' or"
              + " '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
              + "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        }
      }
      if (!names.add(name)) {
        errors.duplicate(path + ".name", name);
      }
      String nodeId = driver.path("nodeID").asText("");
      if (nodeId.isEmpty()) {
        errors.required(path + ".nodeID");
      } else if (nodeId.length() > NODE_ID_MAX) {
        errors.invalid(path + ".nodeID", nodeId, "must be " + NODE_ID_MAX + " characters or less");
      }
      JsonNode count = driver.path("allocatable").path("count");
      if (count.isNumber() && count.asLong() < 0) {
        errors.invalid(path + ".allocatable.count", count.asLong(), "must be greater than or equal to 0");
      }
      Set<String> keys = new HashSet<>();
      int at = 0;
      for (JsonNode key : driver.path("topologyKeys")) {
        String keyPath = path + ".topologyKeys[" + at++ + "]";
        String text = key.asText("");
        if (text.isEmpty()) {
          errors.required(keyPath);
          continue;
        }
        if (!keys.add(text)) {
          errors.duplicate(keyPath, text);
        }
        Names.qualifiedNameErrors(text).forEach(problem -> errors.invalid(keyPath, text, problem));
      }
    }
    if (old != null) {
      index = 0;
      for (JsonNode driver : json.path("spec").path("drivers")) {
        for (JsonNode before : old.path("spec").path("drivers")) {
          if (before.path("name").equals(driver.path("name")) && !before.equals(driver)) {
            errors.immutable("spec.drivers[" + index + "]", driver.path("name").asText());
          }
        }
        index++;
      }
    }
  }
}
