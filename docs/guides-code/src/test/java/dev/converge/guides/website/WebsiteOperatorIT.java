package dev.converge.guides.website;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Conditions;
import dev.converge.api.Condition;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.core.loop.PassResult;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import dev.converge.testkit.KubeObjects;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * Guide 1's operator, whole and in real time: {@link WebsiteOperator} with its threaded driver, running as its
 * own ServiceAccount with {@link WebsiteRbac}'s role, against an in-memory cluster on the wall clock. It
 * installs its CRD, creates a Website's objects and reports them unavailable; when the Deployment's pods
 * become available (the test plays the Deployment controller, which the in-memory cluster does not run), it
 * reports the Website Ready; it repairs drift from watch events alone; and when the Website is deleted it
 * removes everything it owned, then its finalizer. Waits are on the driver's pass listener, never sleeps.
 */
class WebsiteOperatorIT {
  private static final ResourceKey BLOG = WebsiteCrd.key("web", "blog");
  private static final String DEPLOYMENT = "apps/Deployment/web/blog";

  private static boolean quiet(PassResult pass) {
    return pass.primary().equals(BLOG) && pass.tag().equals("converged") && pass.writes() == 0;
  }

  private static Condition ready(Resource website) {
    return Conditions.find(website.status().path("conditions"), "Ready").orElseThrow();
  }

  @Test
  void theOperatorRunsAWebsite_fromCreationToDeletion() throws Exception {
    // guide: begin it-setup
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 42);
    Backend admin = cluster.backend(); // the test acts as system:admin, as kubectl would
    admin.create(KubeObjects.namespace("web-system"));
    admin.create(KubeObjects.namespace("web"));
    for (Resource object : WebsiteRbac.install("web-system")) {
      admin.create(object);
    }
    Backend asOperator = cluster.backend(Identity.serviceAccount("web-system", WebsiteRbac.NAME));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Passes passes = new Passes();
    // guide: end it-setup

    // guide: begin it-run
    try (WebsiteOperator operator = new WebsiteOperator(asOperator, registry, passes)) {
      operator.installCrd();
      operator.start();

      int created = passes.mark();
      admin.create(KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
          Json.object().put("image", "nginx:1.27").put("replicas", 2)));
      passes.awaitAfter(created, "that converged and wrote nothing", WebsiteOperatorIT::quiet);

      assertThat(cluster).deployment(DEPLOYMENT).runsImage("web", "nginx:1.27");
      assertThat(cluster).object(DEPLOYMENT).isOwnedBy(BLOG).hasText("spec.replicas", "2");
      Resource blog = admin.get(BLOG).orElseThrow();
      assertThat(blog.finalizers()).containsExactly("converge.dev/cleanup");
      assertThat(ready(blog).reason()).isEqualTo("Unavailable");
      assertThat(ready(blog).message()).isEqualTo("0/2 replicas available");
      // guide: end it-run

      // guide: begin it-available
      int available = passes.mark();
      Resource deployment = admin.get(ResourceKey.parse(DEPLOYMENT)).orElseThrow();
      admin.updateStatus(deployment.edit(tree -> tree.putObject("status")
          .put("observedGeneration", deployment.generation()).put("replicas", 2).put("availableReplicas", 2)));
      passes.awaitAfter(available, "that wrote the status", PassResult::statusWritten);

      blog = admin.get(BLOG).orElseThrow();
      assertThat(ready(blog).status()).isEqualTo("True");
      assertThat(blog.status().path("availableReplicas").asInt()).isEqualTo(2);
      // guide: end it-available

      int drifted = passes.mark();
      admin.apply(KubeObjects.parse("""
          {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "blog", "namespace": "web"},
           "spec": {"replicas": 5}}"""), ApplyOptions.manager("kubectl-scale").forced());
      // Not "the next quiet pass": one the status write above queued may run before the drift is seen.
      passes.awaitAfter(drifted, "that repaired the drift", pass -> pass.primary().equals(BLOG) && pass.writes() > 0);
      assertThat(cluster).object(DEPLOYMENT).hasText("spec.replicas", "2");

      // guide: begin it-delete
      int deleted = passes.mark();
      admin.delete(BLOG, DeleteOptions.background());
      passes.awaitAfter(deleted, "that cleaned up", pass -> pass.phase() == PassResult.Phase.CLEANED_UP);

      assertThat(cluster).ownsNothing(BLOG, new WebsiteReconciler().ownedKinds()).doesNotHave(BLOG.toString());
      assertThat(registry.get("converge.reconcile").tag("outcome", "converged").timer().count()).isPositive();
    }
    // guide: end it-delete
  }
}
