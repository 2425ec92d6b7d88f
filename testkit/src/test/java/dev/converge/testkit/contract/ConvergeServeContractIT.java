package dev.converge.testkit.contract;

import dev.converge.k8s.KubernetesBackend;
import dev.converge.k8s.KubernetesBackendOptions;
import org.junit.jupiter.api.AfterEach;

/**
 * The whole backend contract run against {@link KubernetesBackend} on {@code converge serve} (the in-memory
 * cluster's HTTP front), over loopback HTTP with client-java: a fresh server per test, nothing skipped. Watches
 * are chunked HTTP streams, the backend's default transport. An IT: real sockets and threads.
 */
class ConvergeServeContractIT implements BackendContract {
  private final ConvergeServeFixture fixture =
      new ConvergeServeFixture(KubernetesBackendOptions.defaults().withFieldManager("contract"));

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Override
  public BackendFixture fixture() {
    return fixture;
  }
}
