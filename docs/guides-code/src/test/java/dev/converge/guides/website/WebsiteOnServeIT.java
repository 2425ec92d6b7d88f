package dev.converge.guides.website;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.cli.serve.ConvergeServer;
import dev.converge.k8s.KubernetesBackend;
import dev.converge.k8s.KubernetesBackendOptions;
import dev.converge.k8s.LeaderElectionSettings;
import dev.converge.testkit.KubeObjects;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.Config;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guide 4, "Run against a real cluster": the Website operator as a real deployment runs it — {@code backend-k8s}
 * over HTTPS, two replicas campaigning for one Lease — against {@code converge serve} started in the test as
 * the stand-in cluster. Exactly one replica leads; its operator creates the Website's Deployment over the
 * Kubernetes API; when the leader goes away, the other replica takes the Lease and carries on. An {@code *IT}:
 * real sockets and threads; it waits on conditions with a deadline.
 */
class WebsiteOnServeIT {
  private static final ResourceKey DEPLOYMENT = ResourceKey.parse("apps/Deployment/web/blog");

  @TempDir Path dir;

  @Test
  void twoReplicas_oneLeads_itsOperatorRunsTheWebsite_andTheOtherTakesOver() throws Exception {
    // guide: begin serve-in-test
    Path kubeconfig = dir.resolve("kubeconfig");
    try (ConvergeServer cluster = ConvergeServer.start(3, List.of(), 0, kubeconfig, 42)) {  // converge serve, in-process
      ApiClient client = Config.fromConfig(kubeconfig.toString());                    // as with a real cluster
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (KubernetesBackend backend = new KubernetesBackend(client, KubernetesBackendOptions.defaults()
          .withFieldManager(WebsiteOperator.FIELD_MANAGER).withInformers(Duration.ofMinutes(10)), registry)) {
        backend.create(KubeObjects.namespace("web"));
        new WebsiteOperator(backend, registry).installCrd();
        LeaderElectionSettings lease = LeaderElectionSettings.of("default", "website-operator", "replica-a")
            .withDurations(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));
        LeaderElectedOperator a = new LeaderElectedOperator(client, backend, lease, registry).start();
        LeaderElectedOperator b = new LeaderElectedOperator(client, backend,
            new LeaderElectionSettings("default", "website-operator", "replica-b", lease.leaseDuration(),
                lease.renewDeadline(), lease.retryPeriod()), registry).start();
        // guide: end serve-in-test
        try {
          await("a leader", () -> a.isLeader() || b.isLeader());
          assertThat(a.isLeader() && b.isLeader()).as("two leaders").isFalse();

          backend.create(KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
              Json.object().put("image", "nginx:1.27").put("replicas", 2)));
          await("the Deployment", () -> backend.get(DEPLOYMENT).isPresent());
          assertThat(backend.get(DEPLOYMENT).map(d -> d.json().path("spec").path("replicas").asInt())).hasValue(2);

          // The leader goes away (its pod is deleted): it gives up the Lease, the other replica takes it and
          // repairs what changed meanwhile.
          LeaderElectedOperator leader = a.isLeader() ? a : b;
          LeaderElectedOperator other = leader == a ? b : a;
          leader.close();
          backend.delete(DEPLOYMENT, dev.converge.api.backend.DeleteOptions.background());
          await("the other replica to lead", other::isLeader);
          await("the Deployment again", () -> backend.get(DEPLOYMENT).isPresent());
          Optional<Resource> lease1 = backend.get(ResourceKey.parse("coordination.k8s.io/Lease/default/website-operator"));
          assertThat(lease1.map(l -> l.json().path("spec").path("holderIdentity").asText()))
              .hasValue(other == a ? "replica-a" : "replica-b");
        } finally {
          a.close();
          b.close();
        }
      }
    }
  }

  /** Polls {@code condition} for up to 60 s: real threads and a real network, so real time. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 60 s for " + what);
      }
      Thread.sleep(50);
    }
  }
}
