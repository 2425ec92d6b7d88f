package dev.converge.bench;

import dev.converge.bench.CrudTimes.Phase;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One round of the CRUD workload made with client-java's typed API ({@link CoreV1Api}, {@link AppsV1Api})
 * against a fresh fabric8 {@code KubernetesMockServer} in CRUD mode on loopback.
 *
 * <p>The typed API, not the generic or dynamic one: it is what operator code built on client-java calls, and
 * its cost is the floor of that client (Gson straight into the generated models; the generic API adds a
 * wrapper and the dynamic one a second JSON tree), so the peer is not made slower than it need be.
 *
 * <p>Verbs: the mock has no server-side apply, so objects are created with POST and updated with PUT (the
 * object read by the get, one label added, its {@code resourceVersion} kept); get, list of each kind in the
 * namespace, and delete are the same requests the Converge side makes.
 */
final class Fabric8Crud {
  /**
   * The mock server logs every request through java.util.logging at INFO, to the console: silenced, so that
   * the peer's time is spent serving requests, not printing them. Held here so the setting is not collected.
   */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private Fabric8Crud() {}

  /** Runs one round and checks every answer; throws if the server answered anything unexpected. */
  static CrudTimes round(CrudWorkload workload) throws ApiException {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try {
      ApiClient client = new ApiClient();
      client.setBasePath("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort());
      return round(workload, new CoreV1Api(client), new AppsV1Api(client), client.getJSON());
    } finally {
      server.destroy();
    }
  }

  private static CrudTimes round(CrudWorkload workload, CoreV1Api core, AppsV1Api apps, JSON json) throws ApiException {
    String ns = CrudWorkload.NAMESPACE;
    int objects = workload.size();
    List<Object> bodies = new ArrayList<>(objects);
    for (CrudWorkload.Item item : workload.items()) {
      bodies.add(json.deserialize(item.json(), item.isConfigMap() ? V1ConfigMap.class : V1Deployment.class));
    }
    CrudTimes times = new CrudTimes();

    List<Object> created = new ArrayList<>(objects);
    times.start();
    for (Object body : bodies) {
      created.add(body instanceof V1ConfigMap cm
          ? core.createNamespacedConfigMap(ns, cm).execute()
          : apps.createNamespacedDeployment(ns, (V1Deployment) body).execute());
    }
    times.stop(Phase.CREATE, objects);

    List<Object> read = new ArrayList<>(objects);
    times.start();
    for (Object object : created) {
      read.add(object instanceof V1ConfigMap cm
          ? core.readNamespacedConfigMap(name(cm.getMetadata()), ns).execute()
          : apps.readNamespacedDeployment(name(((V1Deployment) object).getMetadata()), ns).execute());
    }
    times.stop(Phase.GET, objects);

    times.start();
    int configMaps = core.listNamespacedConfigMap(ns).execute().getItems().size();
    int deployments = apps.listNamespacedDeployment(ns).execute().getItems().size();
    times.stop(Phase.LIST, 2);
    InMemoryCrud.check(configMaps == objects / 2 && deployments == objects / 2, "list returned " + configMaps + " + " + deployments);

    List<String> versions = new ArrayList<>(objects);
    for (Object object : read) {
      V1ObjectMeta metadata = object instanceof V1ConfigMap cm ? cm.getMetadata() : ((V1Deployment) object).getMetadata();
      Objects.requireNonNull(metadata).putLabelsItem("bench/updated", "true");
      versions.add(metadata.getResourceVersion());
    }
    List<Object> updated = new ArrayList<>(objects);
    times.start();
    for (Object object : read) {
      updated.add(object instanceof V1ConfigMap cm
          ? core.replaceNamespacedConfigMap(name(cm.getMetadata()), ns, cm).execute()
          : apps.replaceNamespacedDeployment(name(((V1Deployment) object).getMetadata()), ns, (V1Deployment) object).execute());
    }
    times.stop(Phase.UPDATE, objects);
    for (int i = 0; i < objects; i++) {
      Object object = updated.get(i);
      V1ObjectMeta metadata = Objects.requireNonNull(
          object instanceof V1ConfigMap cm ? cm.getMetadata() : ((V1Deployment) object).getMetadata());
      InMemoryCrud.check(!Objects.equals(metadata.getResourceVersion(), versions.get(i))
          && metadata.getLabels() != null && metadata.getLabels().containsKey("bench/updated"),
          "update of " + metadata.getName() + " not stored");
    }

    times.start();
    for (Object object : updated) {
      if (object instanceof V1ConfigMap cm) {
        core.deleteNamespacedConfigMap(name(cm.getMetadata()), ns).execute();
      } else {
        apps.deleteNamespacedDeployment(name(((V1Deployment) object).getMetadata()), ns).execute();
      }
    }
    times.stop(Phase.DELETE, objects);
    InMemoryCrud.check(core.listNamespacedConfigMap(ns).execute().getItems().isEmpty()
        && apps.listNamespacedDeployment(ns).execute().getItems().isEmpty(), "objects left after delete");
    return times;
  }

  private static String name(V1ObjectMeta metadata) {
    return Objects.requireNonNull(Objects.requireNonNull(metadata).getName());
  }
}
