package dev.converge.bench;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One round of the {@code http} CRUD workload through client-java's typed API ({@link CoreV1Api}, {@link
 * AppsV1Api}) against whichever server {@code client} points at. The same requests go to both servers: POST
 * each object, GET each, LIST each kind in the namespace, PUT each (the object as read, one label added, its
 * {@code resourceVersion} kept), DELETE each. Server-side apply is left out because fabric8's mock has none
 * (404/415): both sides create by POST and update by PUT. Every answer is checked, so a server that skips work
 * cannot look fast.
 */
final class HttpCrudRound {
  /** Milliseconds spent in each phase. */
  record Times(double create, double get, double list, double update, double delete) {
    double total() {
      return create + get + list + update + delete;
    }
  }

  private HttpCrudRound() {}

  static Times run(HttpCrudWorkload workload, ApiClient client) throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    AppsV1Api apps = new AppsV1Api(client);
    JSON json = client.getJSON();
    String ns = HttpCrudWorkload.NAMESPACE;
    List<Object> bodies = new ArrayList<>(workload.size());
    for (HttpCrudWorkload.Item item : workload.items()) {
      bodies.add(json.deserialize(item.json(), item.configMap() ? V1ConfigMap.class : V1Deployment.class));
    }

    long start = System.nanoTime();
    List<Object> created = new ArrayList<>(bodies.size());
    for (Object body : bodies) {
      created.add(body instanceof V1ConfigMap configMap
          ? core.createNamespacedConfigMap(ns, configMap).execute()
          : apps.createNamespacedDeployment(ns, (V1Deployment) body).execute());
    }
    long createdAt = System.nanoTime();

    List<Object> read = new ArrayList<>(created.size());
    for (Object object : created) {
      read.add(object instanceof V1ConfigMap configMap
          ? core.readNamespacedConfigMap(name(configMap.getMetadata()), ns).execute()
          : apps.readNamespacedDeployment(name(((V1Deployment) object).getMetadata()), ns).execute());
    }
    long readAt = System.nanoTime();

    int configMaps = core.listNamespacedConfigMap(ns).execute().getItems().size();
    int deployments = apps.listNamespacedDeployment(ns).execute().getItems().size();
    long listed = System.nanoTime();
    // A fresh in-memory cluster holds the kube-root-ca.crt ConfigMap in every namespace, as Kubernetes does.
    check(configMaps >= workload.perKind() && configMaps <= workload.perKind() + 1 && deployments == workload.perKind(),
        "list returned " + configMaps + " ConfigMaps and " + deployments + " Deployments");

    List<String> versions = new ArrayList<>(read.size());
    for (Object object : read) {
      V1ObjectMeta metadata = metadata(object);
      versions.add(metadata.getResourceVersion());
      metadata.putLabelsItem("bench/updated", "true");
    }
    long updateStart = System.nanoTime();
    List<Object> updated = new ArrayList<>(read.size());
    for (Object object : read) {
      updated.add(object instanceof V1ConfigMap configMap
          ? core.replaceNamespacedConfigMap(name(configMap.getMetadata()), ns, configMap).execute()
          : apps.replaceNamespacedDeployment(name(((V1Deployment) object).getMetadata()), ns, (V1Deployment) object).execute());
    }
    long updatedAt = System.nanoTime();
    for (int i = 0; i < updated.size(); i++) {
      V1ObjectMeta metadata = metadata(updated.get(i));
      check(!Objects.equals(metadata.getResourceVersion(), versions.get(i)) && metadata.getLabels() != null
          && "true".equals(metadata.getLabels().get("bench/updated")), "the update of " + metadata.getName() + " was not stored");
    }

    long deleteStart = System.nanoTime();
    for (Object object : updated) {
      if (object instanceof V1ConfigMap configMap) {
        core.deleteNamespacedConfigMap(name(configMap.getMetadata()), ns).execute();
      } else {
        apps.deleteNamespacedDeployment(name(((V1Deployment) object).getMetadata()), ns).execute();
      }
    }
    long deleted = System.nanoTime();
    check(apps.listNamespacedDeployment(ns).execute().getItems().isEmpty(), "Deployments left after the deletes");

    return new Times(ms(createdAt - start), ms(readAt - createdAt), ms(listed - readAt), ms(updatedAt - updateStart),
        ms(deleted - deleteStart));
  }

  private static V1ObjectMeta metadata(Object object) {
    return Objects.requireNonNull(object instanceof V1ConfigMap configMap ? configMap.getMetadata()
        : ((V1Deployment) object).getMetadata());
  }

  private static String name(V1ObjectMeta metadata) {
    return Objects.requireNonNull(Objects.requireNonNull(metadata).getName());
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException("benchmark answer check failed: " + problem);
    }
  }
}
