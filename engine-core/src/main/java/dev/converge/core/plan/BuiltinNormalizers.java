package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The rules of {@link NormalizerRegistry#builtins()}, each citing the server behaviour it models. */
final class BuiltinNormalizers {
  private static final GroupKind SECRET = GroupKind.of("", "Secret");
  private static final GroupKind SERVICE = GroupKind.of("", "Service");
  private static final GroupKind LIMIT_RANGE = GroupKind.of("", "LimitRange");

  private BuiltinNormalizers() {}

  static NormalizerRegistry register(NormalizerRegistry registry) {
    // resource.Quantity is serialised in canonical form (1000m -> "1", 0.5 -> "500m", 1024Mi -> "1Gi"), so a
    // quantity compares by amount. These are the quantity-typed maps of core/v1: ResourceRequirements
    // (containers, pod-level resources, PVC requests), PodSpec.overhead, EmptyDirVolumeSource.sizeLimit,
    // PersistentVolumeSpec.capacity, ResourceQuotaSpec.hard and LimitRangeItem's max/min/default*/ratio.
    Normalizer quantity = Normalizer.satisfiedWhen(at -> DiffValues.sameQuantity(at.desired(), at.live()));
    registry = registry
        .withAll("**.resources.limits.*", quantity)
        .withAll("**.resources.requests.*", quantity)
        .withAll("**.overhead.*", quantity)
        .withAll("**.sizeLimit", quantity)
        .withAll("spec.capacity.*", quantity)
        .withAll("spec.hard.*", quantity)
        .with(LIMIT_RANGE, "spec.limits[*].*.*", quantity);
    // The API server converts stringData into base64 data on write and never returns stringData
    // (pkg/apis/core/v1/conversion.go, Secret conversion): a desired stringData key is satisfied by the
    // live data key holding its base64 encoding.
    registry = registry.with(SECRET, "stringData.*", Normalizer.satisfiedWhen(BuiltinNormalizers::stringDataMatchesData));
    // An empty clusterIP asks the server to allocate one; on update the registry keeps the allocated address
    // when the new object leaves it empty (pkg/registry/core/service/storage: patchAllocatedValues), so ""
    // (or an empty clusterIPs) is satisfied by whatever was allocated.
    Normalizer allocated = Normalizer.satisfiedWhen(at -> allEmpty(at.desired()));
    return registry.with(SERVICE, "spec.clusterIP", allocated).with(SERVICE, "spec.clusterIPs", allocated);
  }

  private static boolean stringDataMatchesData(ValueAt at) {
    if (!at.desired().isTextual()) {
      return false;
    }
    JsonNode data = at.liveObject().path("data").path(at.field());
    String encoded = Base64.getEncoder().encodeToString(at.desired().textValue().getBytes(StandardCharsets.UTF_8));
    return data.isTextual() && data.textValue().equals(encoded);
  }

  private static boolean allEmpty(JsonNode desired) {
    if (desired.isTextual()) {
      return desired.textValue().isEmpty();
    }
    if (desired.isArray()) {
      for (JsonNode element : desired) {
        if (!element.isTextual() || !element.textValue().isEmpty()) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
