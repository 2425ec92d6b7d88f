package dev.converge.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubernetes.client.openapi.ApiClient;
import java.net.InetAddress;
import java.util.HashMap;

/** fabric8's {@code KubernetesMockServer} in CRUD mode on loopback, and a client-java client for it. */
final class Fabric8CrudServer implements AutoCloseable {
  private final KubernetesMockServer server;

  Fabric8CrudServer() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  /** A new client for this server; nothing global is touched. */
  ApiClient client() {
    ApiClient client = new ApiClient();
    client.setBasePath("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort());
    return client;
  }

  @Override
  public void close() {
    server.destroy();
  }
}
