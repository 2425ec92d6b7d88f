package dev.converge.guides.website;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Conditions;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.ListRequest;
import dev.converge.core.drive.SimulatedDriver;
import dev.converge.core.loop.ControlLoop;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.SimulatedCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, fourth part: the Website operator on simulated nodes. The cluster runs the scheduler, kubelets and
 * kube-controller-manager on the virtual clock, so the Deployment the operator writes gets a ReplicaSet and
 * pods that start on the nodes, and the Website's status follows: Ready once both replicas are available.
 */
class WebsiteOnSimulatedNodesTest {
  private static final ResourceKey BLOG = WebsiteCrd.key("web", "blog");

  // guide: begin simulated
  @Test
  @SimulatedCluster(nodes = 3, seed = 7)
  void theWebsite_becomesReady_whenItsPodsRunOnTheSimulatedNodes(Simulation sim, InMemoryCluster cluster) {
    Backend admin = cluster.backend();
    admin.create(KubeObjects.namespace("web-system"));
    admin.create(KubeObjects.namespace("web"));
    WebsiteRbac.install("web-system").forEach(admin::create);
    Resource crd = admin.create(WebsiteCrd.definition());
    // The CRD controller runs on the clock too: the kind is served once it has established it.
    sim.runUntil(() -> admin.get(crd.key()).map(c -> ReadyGates.conditionIsTrue(c, "Established")).orElse(false),
        Duration.ofMinutes(1));
    Backend asOperator = cluster.backend(Identity.serviceAccount("web-system", "website-operator"));
    ControlLoop<Website> loop = ControlLoop.builder(asOperator, new WebsiteReconciler(), sim.clock()).seed(7).build();
    SimulatedDriver.builder(loop, sim.clock()).build().start();

    admin.create(KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
        Json.object().put("image", "nginx:1.27").put("replicas", 2)));

    // The nodes never idle (kubelets renew their Leases), so run until the Website says Ready.
    boolean ready = sim.runUntil(() -> admin.get(BLOG).flatMap(site ->
        Conditions.find(site.status().path("conditions"), "Ready")).map(c -> c.status().equals("True")).orElse(false),
        Duration.ofMinutes(5));
    assertThat(ready).isTrue();
    assertThat(admin.list(ListRequest.all(GroupKind.of("", "Pod")).inNamespace("web")).items())
        .hasSize(2)
        .allMatch(pod -> pod.spec().path("nodeName").asText().startsWith("node-"))
        .allMatch(pod -> pod.status().path("phase").asText().equals("Running"));
  }
  // guide: end simulated
}
