package dev.converge.guides.website;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static dev.converge.testkit.assertions.ConvergeAssertions.assertThatConvergence;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.core.drive.SimulatedDriver;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, second part: the Website reconciler on an in-memory cluster, with testkit's extension, assertions
 * and the real control loop, single-threaded on virtual time. A new Website converges in one pass and the
 * next pass writes nothing, by the server's own count; the simulated driver's transcript and the request log
 * say exactly what the operator did; drift is repaired from a watch event; deleting the Website removes what
 * it owned in reverse install order.
 */
// guide: begin extension
@InMemoryClusterTest(seed = 7)
class WebsiteOnClusterTest {
  private static final ResourceKey BLOG = WebsiteCrd.key("web", "blog");
  private static final String OPERATOR = "system:serviceaccount:web-system:website-operator";

  @BeforeEach
  void install(Backend admin) {
    admin.create(KubeObjects.namespace("web-system"));
    admin.create(KubeObjects.namespace("web"));
    for (Resource object : WebsiteRbac.install("web-system")) {
      admin.create(object);
    }
    admin.create(WebsiteCrd.definition());
  }

  private static Resource blog(String image) {
    return KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
        Json.object().put("image", image).put("replicas", 2));
  }
  // guide: end extension

  // guide: begin convergence
  @Test
  void aNewWebsite_convergesInOnePass_andTheNextPassWritesNothing(InMemoryCluster cluster, VirtualScheduler clock) {
    Backend asOperator = cluster.backend(Identity.serviceAccount("web-system", "website-operator"));
    ControlLoop<Website> loop = ControlLoop.builder(asOperator, new WebsiteReconciler(), clock).build();
    cluster.backend().create(blog("nginx:1.27"));

    assertThatConvergence(loop, BLOG).withRequestLog(cluster.requests())
        .convergesWithin(1)
        .writesNothingWhenConverged();

    assertThat(cluster).deployment("apps/Deployment/web/blog").runsImage("web", "nginx:1.27");
    assertThat(cluster).object("ConfigMap/web/blog-content").isOwnedBy(BLOG);
    Resource content = cluster.backend().get(ResourceKey.parse("ConfigMap/web/blog-content")).orElseThrow();
    assertThat(content.json().path("data").path("index.html").asText()).isEqualTo(Website.DEFAULT_INDEX);
  }
  // guide: end convergence

  // guide: begin driver
  @Test
  void theDriver_createsInInstallOrder_repairsDrift_andTearsDownInReverse(InMemoryCluster cluster, VirtualScheduler clock) {
    Backend asOperator = cluster.backend(Identity.serviceAccount("web-system", "website-operator"));
    ControlLoop<Website> loop = ControlLoop.builder(asOperator, new WebsiteReconciler(), clock).seed(7).build();
    SimulatedDriver driver = SimulatedDriver.builder(loop, clock).resyncPeriod(Duration.ZERO).build();
    Backend admin = cluster.backend();
    admin.create(blog("nginx:1.27"));

    long created = cluster.requests().mark();
    driver.start();
    clock.runUntilIdle(); // every pass and watch event, in virtual time, until nothing is left to do

    assertThat(driver.transcript()).containsExactly(
        "t=0ms guides.converge.dev/Website/web/blog converged writes=6 status=written requeue=none",
        "t=0ms guides.converge.dev/Website/web/blog converged writes=0 requeue=none");
    assertThat(cluster.requests()).since(created).forIdentity(OPERATOR).mutating().requests().containsExactly(
        "update websites web/blog 200",                // the finalizer
        "patch serviceaccounts web/blog 201",           // server-side apply, in install order
        "patch configmaps web/blog-content 201",
        "patch services web/blog 201",
        "patch deployments web/blog 201",
        "update websites/status web/blog 200");

    long drifted = cluster.requests().mark();
    admin.apply(KubeObjects.parse("""
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "blog", "namespace": "web"},
         "spec": {"replicas": 5}}"""), ApplyOptions.manager("kubectl-scale").forced());
    clock.runUntilIdle();

    assertThat(cluster).object("apps/Deployment/web/blog").hasText("spec.replicas", "2");
    assertThat(cluster.requests()).since(drifted).forIdentity(OPERATOR).mutating().requests()
        .containsExactly("patch deployments web/blog 200");

    long deleted = cluster.requests().mark();
    admin.delete(BLOG, DeleteOptions.background());
    clock.runUntilIdle();

    assertThat(cluster.requests()).since(deleted).forIdentity(OPERATOR).mutating().requests().containsExactly(
        "delete deployments web/blog 200",
        "delete services web/blog 200",
        "delete configmaps web/blog-content 200",
        "delete serviceaccounts web/blog 200",
        "update websites web/blog 200");               // the finalizer removed: the Website goes
    assertThat(cluster).doesNotHave(BLOG.toString()).ownsNothing(BLOG, loop.ownedKinds());
  }
  // guide: end driver
}
