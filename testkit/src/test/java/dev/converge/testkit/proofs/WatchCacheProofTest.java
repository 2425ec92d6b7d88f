package dev.converge.testkit.proofs;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static dev.converge.testkit.assertions.ConvergeAssertions.assertThatConvergence;
import static dev.converge.testkit.proofs.ProofWorld.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.core.cache.WatchCache;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.faults.FaultInjector;
import dev.converge.testkit.KubeObjects;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §9, "converged steady state: 0 writes per pass, 0 reads outside the watch cache", end to end: the
 * Shop reconciler on the real {@link dev.converge.core.loop.ControlLoop} and {@link
 * dev.converge.core.drive.SimulatedDriver} against the in-memory cluster, judged by the server's request log.
 *
 * <ul>
 *   <li>once converged, an hour of resyncs and of passes brought by other writers' events makes no request of
 *       any verb from the operator's identity;
 *   <li>drift by another writer is seen through the watch and repaired with one write and no read;
 *   <li>with seeded watch drops and compactions (so that resuming watches meet {@code 410 Gone}), the cache
 *       resumes and re-lists, ends holding exactly the server's objects at their versions, and the shops
 *       converge;
 *   <li>read-your-writes: with watch events delayed, the pass right after the creating pass finds what it
 *       created and sends nothing.
 * </ul>
 */
class WatchCacheProofTest {
  private static final ResourceKey WEB = ShopReconciler.key("shop", "web");
  private static final ResourceKey WEBSHOP = ShopReconciler.key("shop", "webshop");
  private static final String DEPLOYMENT = "apps/Deployment/shop/web";

  private static List<String> operatorRequests(ProofWorld world, long mark) {
    return world.cluster.requests().since(mark).stream()
        .filter(r -> r.identity().equals(OPERATOR.name()))
        .map(r -> r.verb() + " " + r.resourceWithSubresource() + " " + r.namespace() + "/" + r.name() + " " + r.code())
        .toList();
  }

  private static Resource withImage(Resource deployment, String image) {
    return deployment.edit(tree -> ((ObjectNode) tree.withObjectProperty("spec").withObjectProperty("template")
        .withObjectProperty("spec").withArrayProperty("containers").get(0)).put("image", image));
  }

  @Test
  void onceConverged_anHourOfResyncsAndEvents_makesNoRequestFromTheOperator() {
    ProofWorld world = new ProofWorld(11, null, Duration.ofMinutes(1), new SimpleMeterRegistry());
    world.admin.create(ShopReconciler.shop("shop", "web", "nginx:1.27", true));
    world.driver.start();
    world.clock.runFor(Duration.ofSeconds(10));
    long mark = world.cluster.requests().mark();
    long passes = world.driver.passes();

    // Other writers: a label on an owned object (its event brings a pass), an annotation on the shop (likewise),
    // an unrelated ConfigMap (an event of an owned kind that concerns no shop).
    world.admin.apply(KubeObjects.deployment("shop", "web", "ignored:0", 2, "").edit(t -> {
      t.remove("spec");
      t.withObjectProperty("metadata").putObject("labels").put("team", "storefront");
    }), ApplyOptions.manager("kubectl-label"));
    world.admin.update(world.live(WEB).withAnnotation("note", "reviewed"));
    world.admin.create(KubeObjects.configMap("shop", "unrelated", "k", "v"));
    world.clock.runFor(Duration.ofHours(1));

    // Sixty resyncs, and one pass for the two events (both arrive before it runs: the queue folds them).
    assertThat(world.driver.passes() - passes).as("passes in the hour").isEqualTo(61);
    assertThat(operatorRequests(world, mark)).as("the operator's requests once converged").isEmpty();
    assertThat(world.cluster).deployment(DEPLOYMENT).runsImage("main", "nginx:1.27");
  }

  @Test
  void driftByAnotherWriter_isSeenThroughTheWatch_andRepairedWithOneWriteAndNoRead() {
    ProofWorld world = new ProofWorld(12);
    world.admin.create(ShopReconciler.shop("shop", "web", "nginx:1.27", true));
    world.start();
    long mark = world.cluster.requests().mark();

    world.admin.update(withImage(world.live(ResourceKey.parse(DEPLOYMENT)), "evil:6.6.6"));
    world.settle();

    assertThat(world.cluster).deployment(DEPLOYMENT).runsImage("main", "nginx:1.27");
    assertThat(operatorRequests(world, mark)).containsExactly("patch deployments shop/web 200");
  }

  @Test
  void seededWatchDropsAndCompactions_areRecovered_andTheCacheEndsHoldingTheServersState() {
    for (long seed = 0; seed < 20; seed++) {
      FaultInjector faults = FaultInjector.builder(seed).watchDrops(0.3).targets(identity -> identity.equals(OPERATOR)).build();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ProofWorld world = new ProofWorld(seed, faults, Duration.ZERO, registry);
      world.admin.create(ShopReconciler.shop("shop", "web", "nginx:1.0", true));
      world.admin.create(ShopReconciler.shop("shop", "webshop", "nginx:1.0", true));
      world.driver.start();
      world.clock.runFor(Duration.ofSeconds(5));
      for (int i = 1; i <= 12; i++) {
        churn(world, i);
        if (i % 2 == 0) {
          world.cluster.server().compact(); // watches resuming from before now get 410 Gone
        }
        world.clock.runFor(Duration.ofMillis(2_500));
      }
      long injected = faults.injected();
      faults.setEnabled(false);
      world.settle();

      WatchCache cache = world.driver.cache();
      for (GroupKind kind : cache.kinds()) {
        assertThat(cached(cache, kind)).as("seed %s: cache of %s", seed, kind).isEqualTo(onServer(world, kind));
      }
      assertThat(world.cluster).deployment(DEPLOYMENT).as("seed %s", seed).runsImage("main", "nginx:1.12");
      for (ResourceKey shop : List.of(WEB, WEBSHOP)) {
        assertThatConvergence(world.loop, shop).withRequestLog(world.cluster.requests()).as("seed %s, %s", seed, shop)
            .convergesWithin(1).writesNothingWhenConverged();
      }
      // Every dropped watch was opened again exactly once (after a 410, by the re-list that followed).
      assertThat(injected).as("seed %s: watches dropped", seed).isPositive();
      assertThat(sum(registry, "converge.cache.watch.restarts")).as("seed %s: watch restarts", seed).isEqualTo((double) injected);
      assertThat(sum(registry, "converge.cache.relists")).as("seed %s: re-lists after 410", seed).isPositive();
    }
  }

  /** Step {@code i} of another writer's churn: a new image, a label, an unrelated object created and one deleted. */
  private static void churn(ProofWorld world, int i) {
    world.admin.apply(ShopReconciler.shop("shop", "web", "nginx:1." + i, true), ApplyOptions.manager("kubectl").forced());
    world.admin.update(world.live(ResourceKey.parse("ConfigMap/shop/webshop-config")).withLabel("churn", Integer.toString(i)));
    world.admin.create(KubeObjects.configMap("shop", "extra-" + i, "k", "v"));
    if (i > 1) {
      world.admin.delete(ResourceKey.parse("ConfigMap/shop/extra-" + (i - 1)), DeleteOptions.background());
    }
  }

  private static Map<ResourceKey, String> cached(WatchCache cache, GroupKind kind) {
    return cache.list(kind, null, LabelSelector.everything()).stream()
        .collect(Collectors.toMap(Resource::key, r -> String.valueOf(r.resourceVersion()), (a, b) -> a, TreeMap::new));
  }

  private static Map<ResourceKey, String> onServer(ProofWorld world, GroupKind kind) {
    return world.admin.list(ListRequest.all(kind)).items().stream()
        .collect(Collectors.toMap(Resource::key, r -> String.valueOf(r.resourceVersion()), (a, b) -> a, TreeMap::new));
  }

  private static double sum(SimpleMeterRegistry registry, String counter) {
    return registry.find(counter).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Test
  void readYourWrites_thePassBeforeTheWatchEventsArrive_findsWhatTheLastPassCreated() {
    ProofWorld world = new ProofWorld(13);
    world.cluster.server().setDispatcher(delivery -> world.clock.schedule(Duration.ofSeconds(2), delivery::run));
    world.admin.create(ShopReconciler.shop("shop", "web", "nginx:1.27", true));
    world.driver.start();
    world.clock.runFor(Duration.ofSeconds(1)); // the creating pass runs at t=0; no watch event has arrived yet
    long mark = world.cluster.requests().mark();

    world.driver.enqueue(WEB);
    world.clock.runFor(Duration.ZERO);
    assertThat(operatorRequests(world, mark)).as("the pass before the events").isEmpty();
    world.clock.runFor(Duration.ofSeconds(10));

    assertThat(world.driver.transcript()).startsWith(
        "t=0ms proofs.converge.dev/Shop/shop/web converged writes=7 status=written requeue=none",
        "t=1000ms proofs.converge.dev/Shop/shop/web converged writes=0 requeue=none");
    assertThat(world.driver.transcript()).extracting(line -> line.substring(line.indexOf(" writes=")))
        .containsOnly(" writes=7 status=written requeue=none", " writes=0 requeue=none");
    List<RequestRecord> creates = world.cluster.requests().records().stream()
        .filter(r -> r.identity().equals(OPERATOR.name()) && r.code() == 201).toList();
    assertThat(creates).hasSize(5);
    assertThat(operatorRequests(world, mark)).as("after the creating pass").isEmpty();
  }
}
