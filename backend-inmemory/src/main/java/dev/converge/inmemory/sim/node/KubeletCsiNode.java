package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.sim.runtime.SimClient;
import java.util.function.BooleanSupplier;

/**
 * The CSINode a kubelet keeps for its node, with or without CSI drivers (kubelet 1.32's CSI volume plugin, {@code
 * csi_plugin.go} {@code initializeCSINode} and {@code nodeinfomanager.InitializeCSINodeWithAnnotation}): once the
 * API server answers (a GET of {@code csinodes/<node>}), the kubelet GETs it again; if it is missing, it reads its
 * Node and creates the CSINode, owned by the Node (so it goes with it), with no drivers and the in-tree plugins
 * migrated to CSI in its {@value #MIGRATED_PLUGINS} annotation; if it exists with another annotation, the kubelet
 * updates it. Four requests for a new node, two for a kubelet that restarts.
 *
 * <p>The kubelet starts this before it registers and retries while its Node does not exist yet; here it starts
 * once the Node is registered, which skips those retries.
 */
final class KubeletCsiNode {
  /** The annotation listing the in-tree volume plugins whose operations go to CSI drivers. */
  static final String MIGRATED_PLUGINS = "storage.alpha.kubernetes.io/migrated-plugins";
  /**
   * The plugins migrated in 1.32, sorted: GCE PD, AWS EBS, Cinder, Azure Disk, Azure File and vSphere always;
   * Portworx since its {@code CSIMigrationPortworx} gate is on by default (1.31).
   */
  static final String MIGRATED = "kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,"
      + "kubernetes.io/cinder,kubernetes.io/gce-pd,kubernetes.io/portworx-volume,kubernetes.io/vsphere-volume";

  private KubeletCsiNode() {}

  /** Makes sure {@code node}'s CSINode exists, through the kubelet's {@code client}, while {@code current} holds. */
  static void initialize(SimClient client, String node, BooleanSupplier current) {
    ResourceKey key = ResourceKey.cluster("storage.k8s.io", "CSINode", node);
    // waitForAPIServerForever: any answer but an error means the API server is up.
    client.get(key, up -> {
      if (!current.getAsBoolean() || !(up.ok() || up.failedWith(BackendException.NotFound.class))) {
        return;
      }
      client.get(key, found -> {
        if (!current.getAsBoolean()) {
          return;
        }
        if (found.ok()) {
          Resource csiNode = found.get();
          if (!MIGRATED.equals(csiNode.annotations().get(MIGRATED_PLUGINS))) {
            client.update(csiNode.edit(tree -> tree.with("metadata").with("annotations").put(MIGRATED_PLUGINS,
                MIGRATED)), null);
          }
        } else if (found.failedWith(BackendException.NotFound.class)) {
          client.get(ResourceKey.cluster("", "Node", node), owner -> {
            if (current.getAsBoolean() && owner.ok() && owner.get().uid() != null) {
              client.create(csiNode(node, owner.get().uid()), null);
            }
          });
        }
      });
    });
  }

  /** {@code CreateCSINode}'s object: named after the node, owned by it, annotated, no drivers. */
  static Resource csiNode(String node, String nodeUid) {
    ObjectNode root = Json.object();
    root.put("apiVersion", "storage.k8s.io/v1");
    root.put("kind", "CSINode");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", node);
    metadata.putObject("annotations").put(MIGRATED_PLUGINS, MIGRATED);
    ObjectNode owner = metadata.putArray("ownerReferences").addObject();
    owner.put("apiVersion", "v1");
    owner.put("kind", "Node");
    owner.put("name", node);
    owner.put("uid", nodeUid);
    root.putObject("spec").putArray("drivers");
    return Resource.of(root);
  }
}
