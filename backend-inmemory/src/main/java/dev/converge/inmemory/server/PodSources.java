package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Secrets and ConfigMaps a pod uses, and where ({@code VisitPodSecretNames}, {@code VisitPodConfigmapNames}): its
 * image pull secrets; each init, regular and ephemeral container's {@code envFrom} sources, then its {@code
 * env[].valueFrom} key references; its {@code secret}, {@code configMap} and {@code projected} volumes; and the
 * credentials of its other volumes' plugins (a CSI volume's {@code nodePublishSecretRef}, the {@code secretRef} of
 * CephFS, Cinder, FlexVolume, iSCSI, RBD, ScaleIO and StorageOS volumes, an Azure File volume's {@code
 * secretName}). A simulated kubelet watches all of them and needs the ones that are not {@code optional} before it
 * mounts, pulls or creates (the plugins' credentials only synced: their volumes are not simulated); the {@link
 * NodeAuthorizer} lets a node read those of the pods bound to it.
 */
public final class PodSources {
  public static final GroupKind SECRET = GroupKind.of("", "Secret");
  public static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");

  private PodSources() {}

  /** What a source is for. */
  public enum Use {
    PULL_SECRET,
    ENVIRONMENT,
    VOLUME,
    /** A volume plugin's credentials: a CSI volume's {@code nodePublishSecretRef}, an RBD volume's {@code secretRef}, … */
    VOLUME_CREDENTIALS
  }

  /**
   * The in-tree volume plugins whose credentials are a {@code secretRef} (in a pod's volume and in a persistent
   * volume alike); besides them an Azure File volume's {@code secretName} and a CSI volume's node secret references
   * ({@code VisitPodSecretNames}, {@code VisitPVSecretNames}).
   */
  static final List<String> SECRET_REF_PLUGINS =
      List.of("cephfs", "cinder", "flexVolume", "rbd", "scaleIO", "iscsi", "storageos");

  /**
   * One use of a Secret or ConfigMap.
   *
   * @param where the container's name for an {@code ENVIRONMENT} use, the volume's for a {@code VOLUME} use, empty
   *     for a pull secret
   * @param key the key an {@code env[].valueFrom} reference reads, or null
   */
  public record Source(Use use, String where, GroupKind kind, String name, boolean optional, @Nullable String key) {
    /** {@code secret "name" not found}, {@code configmap "name" not found}: the kubelet's managers' words. */
    public String notFound() {
      return (kind.equals(SECRET) ? "secret" : "configmap") + " \"" + name + "\" not found";
    }
  }

  /** Every use of a Secret or ConfigMap in {@code pod}'s spec, in the spec's order. */
  public static List<Source> of(Resource pod) {
    return ofSpec(pod.spec());
  }

  /** Every use of a Secret or ConfigMap in a pod's {@code spec} (one being written, not yet a {@link Resource}). */
  static List<Source> ofSpec(JsonNode spec) {
    List<Source> out = new ArrayList<>();
    for (JsonNode pullSecret : spec.path("imagePullSecrets")) {
      add(out, Use.PULL_SECRET, "", SECRET, pullSecret, "name", null);
    }
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (JsonNode container : spec.path(list)) {
        String name = container.path("name").asText();
        for (JsonNode from : container.path("envFrom")) {
          add(out, Use.ENVIRONMENT, name, SECRET, from.path("secretRef"), "name", null);
          add(out, Use.ENVIRONMENT, name, CONFIG_MAP, from.path("configMapRef"), "name", null);
        }
        for (JsonNode env : container.path("env")) {
          for (String field : new String[] {"secretKeyRef", "configMapKeyRef"}) {
            JsonNode ref = env.path("valueFrom").path(field);
            add(out, Use.ENVIRONMENT, name, field.equals("secretKeyRef") ? SECRET : CONFIG_MAP, ref, "name",
                ref.path("key").asText(""));
          }
        }
      }
    }
    for (JsonNode volume : spec.path("volumes")) {
      String name = volume.path("name").asText();
      add(out, Use.VOLUME, name, SECRET, volume.path("secret"), "secretName", null);
      add(out, Use.VOLUME, name, CONFIG_MAP, volume.path("configMap"), "name", null);
      for (JsonNode source : volume.path("projected").path("sources")) {
        add(out, Use.VOLUME, name, SECRET, source.path("secret"), "name", null);
        add(out, Use.VOLUME, name, CONFIG_MAP, source.path("configMap"), "name", null);
      }
      add(out, Use.VOLUME_CREDENTIALS, name, SECRET, volume.path("azureFile"), "secretName", null);
      for (String plugin : SECRET_REF_PLUGINS) {
        add(out, Use.VOLUME_CREDENTIALS, name, SECRET, volume.path(plugin).path("secretRef"), "name", null);
      }
      add(out, Use.VOLUME_CREDENTIALS, name, SECRET, volume.path("csi").path("nodePublishSecretRef"), "name", null);
    }
    return out;
  }

  private static void add(List<Source> out, Use use, String where, GroupKind kind, JsonNode reference,
      String nameField, @Nullable String key) {
    String name = reference.path(nameField).asText("");
    if (!name.isEmpty()) {
      out.add(new Source(use, where, kind, name, reference.path("optional").asBoolean(false), key));
    }
  }
}
