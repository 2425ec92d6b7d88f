package dev.converge.guides.website;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Condition;
import dev.converge.api.Conditions;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.PassResult;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.testkit.FakeTicker;
import dev.converge.testkit.KubeObjects;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, third part: status over time, with a {@link FakeTicker} that moves only when the test says so and
 * single passes of the loop ({@link ControlLoop#reconcile}) instead of a driver. A condition's transition time
 * moves only when its status flips, so an unchanged status is never rewritten; an invalid spec creates
 * nothing and says why in the status.
 */
class WebsiteStatusTest {
  private static final ResourceKey BLOG = WebsiteCrd.key("web", "blog");

  // guide: begin fake-ticker
  private final FakeTicker ticker = new FakeTicker(); // 2025-01-01T00:00:00Z until advanced
  private final InMemoryCluster cluster = InMemoryCluster.create(ticker, 7);
  private final Backend admin = cluster.backend();
  private final ControlLoop<Website> loop = ControlLoop.builder(admin, new WebsiteReconciler(), ticker).build();
  // guide: end fake-ticker

  private void install(Resource website) {
    admin.create(KubeObjects.namespace("web"));
    admin.create(WebsiteCrd.definition());
    admin.create(website);
  }

  private static Resource blog(String image) {
    return KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
        Json.object().put("image", image).put("replicas", 2));
  }

  private Condition ready() {
    return Conditions.find(admin.get(BLOG).orElseThrow().status().path("conditions"), "Ready").orElseThrow();
  }

  // guide: begin status-test
  @Test
  void theReadyCondition_movesItsTransitionTimeOnlyWhenItFlips() {
    install(blog("nginx:1.27"));
    loop.reconcile(BLOG);
    assertThat(ready()).isEqualTo(new Condition("Ready", "False", "Unavailable", "0/2 replicas available",
        "2025-01-01T00:00:00Z"));

    ticker.advance(Duration.ofHours(1));
    PassResult unchanged = loop.reconcile(BLOG);
    assertThat(unchanged.writes()).isZero();
    assertThat(ready().lastTransitionTime()).isEqualTo("2025-01-01T00:00:00Z");

    Resource deployment = admin.get(ResourceKey.parse("apps/Deployment/web/blog")).orElseThrow();
    admin.updateStatus(deployment.edit(tree -> tree.putObject("status").put("availableReplicas", 2)));
    ticker.advance(Duration.ofMinutes(1));
    PassResult flipped = loop.reconcile(BLOG);
    assertThat(flipped.statusWritten()).isTrue();
    assertThat(ready()).isEqualTo(new Condition("Ready", "True", "Available", "", "2025-01-01T01:01:00Z"));
  }
  // guide: end status-test

  // guide: begin invalid-test
  @Test
  void anInvalidSpec_createsNothing_andSaysWhyInTheStatus() {
    install(blog(""));

    PassResult pass = loop.reconcile(BLOG);

    assertThat(pass.tag()).isEqualTo("invalid");
    assertThat(ready().reason()).isEqualTo("InvalidSpec");
    assertThat(ready().message()).isEqualTo("spec.image is required");
    assertThat(cluster).ownsNothing(BLOG, loop.ownedKinds());
  }
  // guide: end invalid-test
}
