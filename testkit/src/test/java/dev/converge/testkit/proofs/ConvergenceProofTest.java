package dev.converge.testkit.proofs;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static dev.converge.testkit.assertions.ConvergeAssertions.assertThatConvergence;
import static dev.converge.testkit.proofs.ProofWorld.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Conditions;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.testkit.KubeObjects;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, item 5 (a)–(e): the Shop reconciler, run by the real {@link dev.converge.core.loop.ControlLoop} and
 * {@link dev.converge.core.drive.SimulatedDriver} on an in-memory cluster serving the Shop CRD.
 *
 * <ul>
 *   <li>(a) from an empty namespace it creates the five owned objects, in install order, and reports Ready;
 *   <li>(b) the next pass makes no mutating request, by the server's own accounting (and, reading from the
 *       driver's watch cache, no request at all);
 *   <li>(c) an image edited by someone else is restored, while a label another manager adds causes no write;
 *   <li>(d) pruning deletes the object no longer desired and spares unowned look-alikes (even one carrying the
 *       owner label without the owner-key annotation) and another shop's objects;
 *   <li>(e) deleting the shop removes every owned object, the cluster-scoped ClusterRole included, in the exact
 *       reverse of the install order, then the shop itself.
 * </ul>
 */
class ConvergenceProofTest {
  private static final ResourceKey SHOP = ShopReconciler.key("shop", "web");
  private static final String DEPLOYMENT = "apps/Deployment/shop/web";
  private static final String SERVICE = "Service/shop/web";
  private static final String CONFIG = "ConfigMap/shop/web-config";
  private static final String ACCOUNT = "ServiceAccount/shop/web";
  private static final String ROLE = "rbac.authorization.k8s.io/ClusterRole/shop-web-reader";

  private final ProofWorld world = new ProofWorld(7);

  private ProofWorld running(Resource... shops) {
    for (Resource shop : shops) {
      world.admin.create(shop);
    }
    return world.start();
  }

  /** {@code deployment} with its first container running {@code image}. */
  private static Resource withImage(Resource deployment, String image) {
    return deployment.edit(tree -> ((ObjectNode) tree.withObjectProperty("spec").withObjectProperty("template")
        .withObjectProperty("spec").withArrayProperty("containers").get(0)).put("image", image));
  }

  @Test
  void a_convergesFromEmpty_creatingEveryOwnedObjectInInstallOrder() {
    long mark = world.cluster.requests().mark();
    running(ShopReconciler.shop("shop", "web", "nginx:1.27", true));

    assertThat(world.driver.transcript()).containsExactly(
        "t=0ms proofs.converge.dev/Shop/shop/web converged writes=7 status=written requeue=none",
        "t=0ms proofs.converge.dev/Shop/shop/web converged writes=0 requeue=none");
    assertThat(world.cluster.requests()).since(mark).forIdentity(OPERATOR.name()).forVerb("patch").requests().containsExactly(
        "patch serviceaccounts shop/web 201",
        "patch configmaps shop/web-config 201",
        "patch clusterroles shop-web-reader 201",
        "patch services shop/web 201",
        "patch deployments shop/web 201");
    for (String owned : new String[] {ACCOUNT, CONFIG, ROLE, SERVICE, DEPLOYMENT}) {
      assertThat(world.cluster).object(owned).isOwnedBy(SHOP);
    }
    assertThat(world.cluster).deployment(DEPLOYMENT).runsImage("main", "nginx:1.27");
    assertThat(world.cluster).object(DEPLOYMENT).hasText("spec.template.spec.serviceAccountName", "web");
    Resource shop = world.live(SHOP);
    assertThat(Conditions.find(shop.status().path("conditions"), "Ready").orElseThrow().status()).isEqualTo("True");
    assertThat(shop.finalizers()).containsExactly("converge.dev/cleanup");
  }

  @Test
  void b_theNextPass_makesNoMutatingRequest() {
    running(ShopReconciler.shop("shop", "web", "nginx:1.27", true));
    long mark = world.cluster.requests().mark();

    long passes = world.driver.passes();
    world.driver.enqueue(SHOP);
    world.settle();

    assertThat(world.driver.passes()).isEqualTo(passes + 1);
    assertThat(world.cluster.requests()).since(mark).mutating().isZero();
    // The driver's pass reads from its watch cache: no request at all, not even a read.
    assertThat(world.cluster.requests()).since(mark).forIdentity(OPERATOR.name()).count().isZero();
    assertThatConvergence(world.loop, SHOP).withRequestLog(world.cluster.requests())
        .convergesWithin(1)
        .writesNothingWhenConverged();
  }

  @Test
  void c_driftIsRepaired_butAnotherManagersLabelCausesNoWrite() {
    running(ShopReconciler.shop("shop", "web", "nginx:1.27", true));
    Resource deployment = world.live(ResourceKey.parse(DEPLOYMENT));
    long mark = world.cluster.requests().mark();

    world.admin.update(withImage(deployment, "evil:6.6.6"));
    world.settle();

    assertThat(world.cluster).deployment(DEPLOYMENT).runsImage("main", "nginx:1.27");
    assertThat(world.cluster.requests()).since(mark).forIdentity(OPERATOR.name()).mutating().requests()
        .containsExactly("patch deployments shop/web 200");

    long labelled = world.cluster.requests().mark();
    long passes = world.driver.passes();
    world.admin.apply(KubeObjects.deployment("shop", "web", "ignored:0", 2, "").edit(t -> {
      t.remove("spec");
      t.withObjectProperty("metadata").putObject("labels").put("team", "storefront");
    }), ApplyOptions.manager("kubectl-label"));
    world.settle();

    assertThat(world.cluster).object(DEPLOYMENT).hasLabel("team", "storefront");
    // The label change came through the watch and brought a pass, which read from the cache and wrote nothing.
    assertThat(world.driver.passes()).isGreaterThan(passes);
    assertThat(world.cluster.requests()).since(labelled).forIdentity(OPERATOR.name()).count().isZero();
  }

  @Test
  void d_pruningDeletesWhatIsNoLongerDesired_andSparesUnownedLookAlikesAndAnotherShopsObjects() {
    running(ShopReconciler.shop("shop", "web", "nginx:1.27", true), ShopReconciler.shop("shop", "webshop", "nginx:1.27", true));
    world.admin.create(KubeObjects.service("shop", "web-copy", 80));
    world.admin.create(KubeObjects.configMap("shop", "web-config-old", "image", "nginx:1.26"));
    // Carries this shop's owner label but not the owner-key annotation: a hash collision or a copy, not ours.
    world.admin.create(KubeObjects.service("shop", "web-labelled", 80).withLabel(Ownership.OWNER_LABEL, Ownership.labelValue(SHOP)));
    world.admin.create(KubeObjects.clusterRole("shop-web-reader-2"));
    world.settle();
    long mark = world.cluster.requests().mark();

    world.admin.apply(ShopReconciler.shop("shop", "web", "nginx:1.27", false), ApplyOptions.manager("kubectl").forced());
    world.settle();

    assertThat(world.cluster.requests()).since(mark).forIdentity(OPERATOR.name()).forVerb("delete").requests()
        .containsExactly("delete services shop/web 200");
    assertThat(world.cluster).doesNotHave(SERVICE)
        .has("Service/shop/web-copy").has("Service/shop/web-labelled").has("ConfigMap/shop/web-config-old")
        .has("rbac.authorization.k8s.io/ClusterRole/shop-web-reader-2")
        .has("Service/shop/webshop").has("ConfigMap/shop/webshop-config").has(DEPLOYMENT);
  }

  @Test
  void e_deletingTheShop_removesEveryOwnedObject_inReverseInstallOrder_clusterScopedIncluded() {
    running(ShopReconciler.shop("shop", "web", "nginx:1.27", true));
    long mark = world.cluster.requests().mark();

    world.admin.delete(SHOP, DeleteOptions.background());
    world.settle();

    assertThat(world.cluster.requests()).since(mark).mutating().requests().containsExactly(
        "delete shops shop/web 200",
        "delete deployments shop/web 200",
        "delete services shop/web 200",
        "delete clusterroles shop-web-reader 200",
        "delete configmaps shop/web-config 200",
        "delete serviceaccounts shop/web 200",
        "update shops shop/web 200");
    assertThat(world.cluster).ownsNothing(SHOP, ShopReconciler.OWNED).doesNotHave(SHOP.toString()).doesNotHave(ROLE);
  }
}
