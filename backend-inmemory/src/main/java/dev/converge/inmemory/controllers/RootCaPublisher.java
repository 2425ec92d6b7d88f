package dev.converge.inmemory.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.WriteOptions;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;

/**
 * kube-controller-manager's root CA certificate publisher ({@code pkg/controller/certificates/rootcacertpublisher}):
 * every namespace holds the ConfigMap {@value #NAME}, whose {@code ca.crt} is the cluster's CA certificate (PEM) and
 * whose {@value #DESCRIPTION_ANNOTATION} annotation says what it is for. It is created when a namespace is added or
 * becomes active, and made again or put back when someone deletes it or changes its data or removes the annotation;
 * other annotations and labels are kept. A create refused because the namespace is gone or terminating is not an
 * error (the namespace controller's deletion of the ConfigMap is followed by one such refused create, as in a
 * cluster).
 */
public final class RootCaPublisher extends KeyedController<String> implements ChangeListener {
  public static final Identity IDENTITY = Identity.serviceAccount("kube-system", "root-ca-cert-publisher");
  /** {@code RootCACertConfigMapName}. */
  public static final String NAME = "kube-root-ca.crt";
  /** {@code DescriptionAnnotation}. */
  public static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
  /** {@code Description}. */
  public static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when"
      + " using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is"
      + " guaranteed across distributions of Kubernetes clusters.";
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private static final WriteOptions WRITES = WriteOptions.manager("kube-controller-manager");

  private final ApiServer server;
  private final String rootCa;

  /** A publisher of {@code rootCa} (a PEM certificate bundle). */
  public RootCaPublisher(ApiServer server, String rootCa) {
    super(IDENTITY);
    this.server = server;
    this.rootCa = rootCa;
    server.addChangeListener(this);
  }

  @Override
  public String name() {
    return "root-ca-cert-publisher";
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    if (object.groupKind().equals(Namespaces.NAMESPACE)) {
      if (change.type() == Change.Type.ADDED
          || change.type() == Change.Type.MODIFIED && object.status().path("phase").asText("").equals("Active")) {
        queue.add(object.name());
      }
    } else if (object.groupKind().equals(CONFIG_MAP) && change.type() != Change.Type.ADDED
        && object.name().equals(NAME)) {
      queue.add(object.namespace());
    }
  }

  @Override
  void sync(String namespace) {
    Resource current = server.cache().get(CONFIG_MAP, namespace, NAME);
    if (current == null) {
      ObjectNode created = Json.object();
      created.put("apiVersion", "v1");
      created.put("kind", "ConfigMap");
      ObjectNode metadata = created.putObject("metadata");
      metadata.put("name", NAME);
      metadata.put("namespace", namespace);
      metadata.putObject("annotations").put(DESCRIPTION_ANNOTATION, DESCRIPTION);
      created.putObject("data").put("ca.crt", rootCa);
      try {
        server.create(identity(), Resource.of(created), WRITES);
      } catch (BackendException.NotFound | BackendException.Forbidden refused) {
        if (!Namespaces.closed(server, namespace)) {
          throw refused; // not the namespace gone or terminating (NamespaceTerminatingCause): try again
        }
      }
      return;
    }
    // reflect.DeepEqual(cm.Data, {"ca.crt": rootCA}): that one key, with that value.
    JsonNode data = current.json().path("data");
    boolean dataKept = data.size() == 1 && data.path("ca.crt").isTextual() && data.path("ca.crt").asText().equals(rootCa);
    boolean described = !current.annotations().getOrDefault(DESCRIPTION_ANNOTATION, "").isEmpty();
    if (dataKept && described) {
      return;
    }
    server.update(identity(), current.edit(tree -> {
      tree.putObject("data").put("ca.crt", rootCa);
      ObjectNode annotations = Trees.object(Trees.object(tree, "metadata"), "annotations");
      if (!annotations.has(DESCRIPTION_ANNOTATION)) {
        annotations.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
      }
    }), WRITES);
  }
}
