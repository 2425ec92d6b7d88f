package dev.converge.guides.website;

import dev.converge.k8s.KubernetesBackend;
import dev.converge.k8s.KubernetesBackendOptions;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * The operator's {@code main} on a real cluster. The build compiles it but cannot run it (there is no
 * cluster in CI); {@code WebsiteOperatorIT} runs the same {@link WebsiteOperator} on the in-memory backend.
 */
public final class WebsiteOperatorMain {
  private WebsiteOperatorMain() {}

  /**
   * Connects, installs the CRD and reconciles Websites until the process is stopped.
   *
   * @param args none
   * @throws Exception if the cluster cannot be reached or the driver does not start
   */
  public static void main(String[] args) throws Exception {
    // guide: begin main
    ApiClient client = Config.defaultClient(); // $KUBECONFIG, ~/.kube/config, or the pod's service account
    MeterRegistry registry = new SimpleMeterRegistry();
    KubernetesBackend backend = new KubernetesBackend(client,
        KubernetesBackendOptions.defaults().withInformers(Duration.ofMinutes(10)), registry);
    WebsiteOperator operator = new WebsiteOperator(backend, registry);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();  // stop the workers and the watches first,
      backend.close();   // then the connections they used
    }));
    operator.installCrd();
    operator.start();    // worker threads keep the process alive until SIGTERM
    // guide: end main
  }
}
