package dev.converge.guides.website;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.core.plan.PlanPrinter;
import dev.converge.core.plan.Planner;
import dev.converge.testkit.KubeObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, first part: the reconciler is three pure functions, so most of it is tested without any cluster.
 * Decoding applies defaults and rejects a bad spec with the message users see; the desired graph of a Website
 * plans, against nothing, into the objects in install order (the plan is the golden file the guide shows).
 */
class WebsiteReconcilerTest {
  private final WebsiteReconciler reconciler = new WebsiteReconciler();

  /** A stored Website: the reconciler's context needs the primary as the server returned it. */
  private static Resource website(String image) {
    return KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog", Json.object().put("image", image))
        .edit(tree -> tree.withObjectProperty("metadata").put("uid", "0b1e9c4e-1111-4a2b-9c3d-5e6f7a8b9c0d"));
  }

  // guide: begin context
  private static Context contextOf(Resource primary) {
    return new Context() {
      @Override
      public Resource primary() {
        return primary;
      }

      @Override
      public Observed observed() {
        return Observed.empty();
      }

      @Override
      public RandomGenerator random() {
        return new SplittableRandom(42);
      }
    };
  }
  // guide: end context

  @Test
  void decode_appliesDefaults() {
    Website site = reconciler.decode(website("nginx:1.27"));

    assertThat(site).isEqualTo(new Website("web", "blog", "nginx:1.27", 1, Website.DEFAULT_INDEX));
  }

  // guide: begin decode-test
  @Test
  void decode_rejectsAWebsiteWithoutImage_withTheMessageUsersSee() {
    assertThatThrownBy(() -> reconciler.decode(website("")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage("spec.image is required");
  }
  // guide: end decode-test

  // guide: begin plan-test
  @Test
  void aNewWebsite_plansItsObjectsInInstallOrder() throws IOException {
    Resource primary = website("nginx:1.27");
    DesiredGraph desired = reconciler.desired(reconciler.decode(primary), contextOf(primary));

    Plan plan = Planner.defaults().plan(desired, Observed.empty());

    assertThat(plan).hasSize(4)
        .creates("apps/Deployment/web/blog").after("ServiceAccount/web/blog").after("ConfigMap/web/blog-content")
        .and().creates("Service/web/blog").before("apps/Deployment/web/blog");
    assertThat(PlanPrinter.text(plan)).isEqualTo(Files.readString(Path.of("src/test/resources/website-plan.txt")));
  }
  // guide: end plan-test

  @Test
  void everyDesiredObject_carriesTheWebsitesOwnership() {
    Resource primary = website("nginx:1.27");
    DesiredGraph desired = reconciler.desired(reconciler.decode(primary), contextOf(primary));

    assertThat(desired.resources().values()).allSatisfy(entry -> {
      assertThat(entry.resource().labels()).containsKey("converge.dev/owner");
      assertThat(entry.resource().ownerReferences()).singleElement()
          .satisfies(ref -> assertThat(ref.kind() + "/" + ref.name()).isEqualTo("Website/blog"));
    });
  }
}
