package dev.converge.inmemory.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.defaults.CoreDefaults;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespace controller ({@code pkg/controller/namespace/deletion}): once a namespace is terminating, it
 * deletes everything in it (background propagation), waits until nothing is left (objects with finalizers,
 * pods still terminating on a node), then removes the {@code kubernetes} finalizer through the
 * {@code finalize} subresource, after which the server deletes the namespace.
 */
public final class NamespaceController extends KeyedController<String> implements ChangeListener {
  public static final Identity IDENTITY = Identity.serviceAccount("kube-system", "namespace-controller");
  private static final GroupKind NAMESPACE = GroupKind.of("", "Namespace");

  private final ApiServer server;
  /** Namespaces being deleted: while there are none, deletions of other objects need no lookup. */
  private int terminating;

  public NamespaceController(ApiServer server) {
    super(IDENTITY);
    this.server = server;
    server.addChangeListener(this);
  }

  @Override
  public String name() {
    return "namespace-controller";
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    if (object.kind().equals("Namespace") && object.group().isEmpty()) {
      boolean before = change.previous() != null && change.previous().isBeingDeleted();
      boolean now = change.type() != Change.Type.DELETED && object.isBeingDeleted();
      terminating += (now ? 1 : 0) - (before ? 1 : 0);
      if (now) {
        queue.add(object.name());
      }
      return;
    }
    if (change.type() == Change.Type.DELETED && !object.namespace().isEmpty() && terminating > 0) {
      Resource namespace = server.cache().get(NAMESPACE, "", object.namespace());
      if (namespace != null && namespace.isBeingDeleted()) {
        queue.add(object.namespace());
      }
    }
  }

  @Override
  void sync(String name) {
    Resource namespace = server.cache().get(NAMESPACE, "", name);
    if (namespace == null || !namespace.isBeingDeleted() || !hasKubernetesFinalizer(namespace)) {
      return;
    }
    int remaining = 0;
    for (ResourceType type : server.types().all()) {
      if (!type.namespaced()) {
        continue;
      }
      List<Resource> objects = new ArrayList<>(server.cache().inNamespace(type.groupKind(), name).values());
      for (Resource object : objects) {
        remaining++;
        if (!object.isBeingDeleted()) {
          server.delete(identity(), object.key(), DeleteParams.of(Propagation.BACKGROUND).withUid(object.uid()));
        }
      }
    }
    if (remaining > 0 && countRemaining(name) > 0) {
      return;
    }
    Resource current = server.cache().get(NAMESPACE, "", name);
    if (current == null) {
      return;
    }
    server.finalizeNamespace(identity(), current.edit(tree -> {
      ObjectNode spec = (ObjectNode) tree.get("spec");
      ArrayNode kept = spec.arrayNode();
      for (JsonNode finalizer : spec.path("finalizers")) {
        if (!finalizer.asText().equals(CoreDefaults.KUBERNETES_FINALIZER)) {
          kept.add(finalizer);
        }
      }
      spec.set("finalizers", kept);
    }));
  }

  private int countRemaining(String namespace) {
    int count = 0;
    for (ResourceType type : server.types().all()) {
      if (type.namespaced()) {
        count += server.cache().inNamespace(type.groupKind(), namespace).size();
      }
    }
    return count;
  }

  private static boolean hasKubernetesFinalizer(Resource namespace) {
    for (JsonNode finalizer : namespace.spec().path("finalizers")) {
      if (finalizer.asText().equals(CoreDefaults.KUBERNETES_FINALIZER)) {
        return true;
      }
    }
    return false;
  }
}
