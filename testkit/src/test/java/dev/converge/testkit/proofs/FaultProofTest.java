package dev.converge.testkit.proofs;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static dev.converge.testkit.assertions.ConvergeAssertions.assertThatConvergence;
import static dev.converge.testkit.proofs.ProofWorld.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Conditions;
import dev.converge.api.Ownership;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.faults.FaultInjector;
import dev.converge.testkit.KubeObjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, item 5 (f): 200 seeded runs in which 10 % of the operator's requests fail with 500, 5 % of its
 * writes with a 409 conflict, and 5 % of watch events drop the watch, while two shops are created and one
 * of them is changed so that its Service must be pruned. Once the faults stop, every run converges (a pass
 * then writes nothing) to the desired state, and no run ever deleted anything but the pruned Service: the
 * unowned look-alikes and the other shop's objects are all still there.
 */
class FaultProofTest {
  private static final int RUNS = 200;
  private static final ResourceKey WEB = ShopReconciler.key("shop", "web");
  private static final ResourceKey WEBSHOP = ShopReconciler.key("shop", "webshop");
  private static final ImmutableList<String> LOOK_ALIKES = ImmutableList.of(
      "Service/shop/web-copy", "Service/shop/web-labelled", "ConfigMap/shop/web-config-old",
      "rbac.authorization.k8s.io/ClusterRole/shop-web-reader-2");

  /** One run: faults on while the shops are created and web is changed, then off until idle. */
  private static Run run(long seed) {
    FaultInjector faults = FaultInjector.builder(seed)
        .errors(0.10)
        .conflicts(0.05)
        .watchDrops(0.05)
        .targets(identity -> identity.equals(OPERATOR))
        .build();
    ProofWorld world = new ProofWorld(seed, faults);
    world.admin.create(KubeObjects.service("shop", "web-copy", 80));
    world.admin.create(KubeObjects.service("shop", "web-labelled", 80).withLabel(Ownership.OWNER_LABEL, Ownership.labelValue(WEB)));
    world.admin.create(KubeObjects.configMap("shop", "web-config-old", "image", "nginx:1.26"));
    world.admin.create(KubeObjects.clusterRole("shop-web-reader-2"));
    world.admin.create(ShopReconciler.shop("shop", "web", "nginx:1.27", true));
    world.admin.create(ShopReconciler.shop("shop", "webshop", "nginx:1.27", true));
    world.driver.start();
    world.clock.runFor(Duration.ofSeconds(20));
    world.admin.apply(ShopReconciler.shop("shop", "web", "nginx:1.28", false), ApplyOptions.manager("kubectl").forced());
    world.clock.runFor(Duration.ofSeconds(40));
    long injected = faults.injected();
    faults.setEnabled(false);
    world.settle();
    return new Run(seed, world, injected);
  }

  private record Run(long seed, ProofWorld world, long injected) {}

  @Test
  void everySeededRun_convergesOnceFaultsStop_andDeletesNothingItDoesNotOwn() {
    List<Long> faultsPerRun = new ArrayList<>();
    for (long seed = 0; seed < RUNS; seed++) {
      Run run = run(seed);
      ProofWorld world = run.world();
      faultsPerRun.add(run.injected());

      for (ResourceKey shop : List.of(WEB, WEBSHOP)) {
        assertThatConvergence(world.loop, shop).withRequestLog(world.cluster.requests())
            .as("seed %s, %s", seed, shop)
            .convergesWithin(1)
            .writesNothingWhenConverged();
        assertThat(Conditions.find(world.live(shop).status().path("conditions"), "Ready").orElseThrow().status())
            .as("seed %s: Ready of %s", seed, shop).isEqualTo("True");
      }
      assertThat(world.cluster).as("seed %s", seed)
          .doesNotHave("Service/shop/web")
          .has("Service/shop/webshop").has("ConfigMap/shop/webshop-config").has("apps/Deployment/shop/webshop");
      assertThat(world.cluster).deployment("apps/Deployment/shop/web").as("seed %s", seed).runsImage("main", "nginx:1.28");
      for (String lookAlike : LOOK_ALIKES) {
        assertThat(world.cluster).as("seed %s", seed).has(lookAlike);
      }
      List<String> deletes = world.cluster.requests().records().stream()
          .filter(r -> r.identity().equals(OPERATOR.name()) && r.verb().equals("delete"))
          .map(RequestRecord::name).distinct().toList();
      assertThat(deletes).as("seed %s: names the operator ever tried to delete", seed).containsOnly("web");
      assertThat(world.cluster.requests()).forIdentity(OPERATOR.name()).forVerb("delete").succeeded().requests()
          .as("seed %s: successful deletes", seed).containsExactly("delete services shop/web 200");
    }
    // The faults did happen: every run had some, and together thousands.
    assertThat(faultsPerRun).as("faults injected per run").allMatch(n -> n > 0);
    assertThat(faultsPerRun.stream().mapToLong(Long::longValue).sum()).isGreaterThan(1000);
  }

  @Test
  void theSameSeed_givesTheSameTranscript() {
    assertThat(run(3).world().driver.transcript()).isEqualTo(run(3).world().driver.transcript());
  }
}
