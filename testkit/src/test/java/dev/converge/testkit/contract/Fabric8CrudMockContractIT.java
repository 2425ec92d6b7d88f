package dev.converge.testkit.contract;

import com.google.common.collect.ImmutableMap;
import dev.converge.api.backend.Backend;
import dev.converge.k8s.KubernetesBackend;
import dev.converge.k8s.KubernetesBackendOptions;
import dev.converge.k8s.WatchTransport;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * The backend contract run against {@link KubernetesBackend} on fabric8's {@code kubernetes-server-mock} in
 * CRUD mode, over loopback HTTP (watches over WebSocket, the only transport the mock serves): a fresh mock
 * server per test; what the mock lacks is declared in {@link
 * Limitations#FABRIC8_CRUD_MOCK} and reported as skipped with the reason. An IT: real sockets and threads.
 */
class Fabric8CrudMockContractIT implements BackendContract {
  /** The mock logs every request through java.util.logging; held strongly so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = quiet(java.util.logging.Logger.getLogger("io.fabric8.mockwebserver"));

  private final KubernetesMockServer server = start();
  private final KubernetesBackend backend = new KubernetesBackend(client(server),
      KubernetesBackendOptions.defaults().withFieldManager("contract").withWatchTransport(WatchTransport.WEBSOCKET), new SimpleMeterRegistry());

  private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private static KubernetesMockServer start() {
    KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    mock.init(InetAddress.getLoopbackAddress(), 0);
    return mock;
  }

  private static ApiClient client(KubernetesMockServer mock) {
    ApiClient client = new ApiClient();
    client.setBasePath("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + mock.getPort());
    return client;
  }

  @AfterEach
  void stop() {
    backend.close();
    server.destroy();
  }

  @Override
  public BackendFixture fixture() {
    return new BackendFixture() {
      @Override
      public Backend backend() {
        return backend;
      }

      @Override
      public String namespace() {
        return "contract";
      }

      @Override
      public ImmutableMap<Capability, String> limitations() {
        return Limitations.FABRIC8_CRUD_MOCK;
      }

      @Override
      public void awaitTrue(String what, BooleanSupplier condition) {
        Polling.awaitTrue(what, condition, Duration.ofSeconds(5), Duration.ofMillis(20));
      }
    };
  }
}
