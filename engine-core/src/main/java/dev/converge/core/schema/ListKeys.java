package dev.converge.core.schema;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;
import java.util.List;

/**
 * The merge semantics of the list fields of built-in Kubernetes objects, from the {@code +listType},
 * {@code +listMapKey} and {@code +patchMergeKey} markers of {@code k8s.io/api} (core/v1 types.go,
 * apps/v1, rbac/v1, admissionregistration/v1, apiextensions/v1, meta/v1). Lists not named here are atomic.
 *
 * <p>A few lists differ between the two merge mechanisms, and both answers are given: a container's
 * {@code ports} are keyed by {@code containerPort} and {@code protocol} in server-side apply but merged by
 * {@code containerPort} alone in a strategic merge patch; {@code volumeMounts} are keyed by {@code
 * mountPath} in both (a volume's {@code name} may be mounted at several paths, so it does not identify an
 * element).
 */
public final class ListKeys {
  private static final ImmutableMap<String, String> PROTOCOL_TCP = ImmutableMap.of("protocol", "TCP");

  private static final ListType CONTAINER_PORTS =
      ListType.map(ImmutableList.of("containerPort", "protocol"), PROTOCOL_TCP, "containerPort");
  private static final ListType SERVICE_PORTS = ListType.map(ImmutableList.of("port", "protocol"), PROTOCOL_TCP, "port");
  private static final ListType TOPOLOGY_SPREAD =
      ListType.map(ImmutableList.of("topologyKey", "whenUnsatisfiable"), ImmutableMap.of(), "topologyKey");

  private ListKeys() {}

  /**
   * The semantics of the list at {@code path} (the object fields from the root, without list indices:
   * {@code [spec, template, spec, containers, ports]}) in an object of {@code kind}.
   */
  public static ListType of(GroupKind kind, List<String> path) {
    if (path.isEmpty()) {
      return ListType.atomic();
    }
    String field = path.get(path.size() - 1);
    String parent = path.size() >= 2 ? path.get(path.size() - 2) : "";
    if (path.size() == 2 && parent.equals("metadata")) {
      return switch (field) {
        case "finalizers" -> ListType.set();
        case "ownerReferences" -> ListType.map("uid");
        case "managedFields" -> ListType.atomic();
        default -> ListType.atomic();
      };
    }
    if (field.equals("conditions") && path.size() == 2 && path.get(0).equals("status")) {
      return ListType.map("type");
    }
    if (!isBuiltin(kind)) {
      return ListType.atomic();
    }
    if (isContainerList(parent)) {
      return containerField(field);
    }
    switch (field) {
      case "containers":
      case "initContainers":
      case "ephemeralContainers":
        return ListType.map("name");
      case "volumes":
      case "imagePullSecrets":
      case "resourceClaims":
      case "schedulingGates":
        return ListType.map("name");
      case "hostAliases":
        return ListType.map("ip");
      case "topologySpreadConstraints":
        return TOPOLOGY_SPREAD;
      case "ports":
        return kind.isCore() && kind.kind().equals("Service") && parent.equals("spec") ? SERVICE_PORTS : ListType.atomic();
      case "webhooks":
        return kind.group().equals("admissionregistration.k8s.io") && path.size() == 1 ? ListType.map("name") : ListType.atomic();
      case "versions":
        return kind.group().equals("apiextensions.k8s.io") && parent.equals("spec") ? ListType.map("name") : ListType.atomic();
      default:
        return ListType.atomic();
    }
  }

  private static ListType containerField(String field) {
    return switch (field) {
      case "ports" -> CONTAINER_PORTS;
      case "env" -> ListType.map("name");
      case "volumeMounts" -> ListType.map("mountPath");
      case "volumeDevices" -> ListType.map("devicePath");
      case "resizePolicy" -> ListType.map("resourceName");
      default -> ListType.atomic();
    };
  }

  /** Container lists appear as the parent of a container's own lists; indices are not part of the path. */
  private static boolean isContainerList(String parent) {
    return parent.equals("containers") || parent.equals("initContainers") || parent.equals("ephemeralContainers");
  }

  /**
   * Kinds whose schema this table describes: the Kubernetes groups. Everything else is a custom resource, whose
   * lists are atomic here (as in a CRD schema without list markers) and whose objects merge field by field.
   */
  public static boolean isBuiltin(GroupKind kind) {
    String group = kind.group();
    return group.isEmpty()
        || group.equals("apps")
        || group.equals("batch")
        || group.equals("policy")
        || group.equals("autoscaling")
        || group.endsWith(".k8s.io");
  }
}
