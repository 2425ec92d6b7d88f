package dev.converge.testkit.proofs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Conditions;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.Json;
import dev.converge.api.Outcome;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.StatusContext;
import dev.converge.testkit.KubeObjects;

/**
 * The small reconciler of the convergence proofs: a {@code proofs.converge.dev/v1} {@code Shop} owns a
 * ServiceAccount, a ConfigMap, a Deployment running {@code spec.image} as that service account and mounting
 * nothing else, a Service (unless {@code spec.service: false}) and a cluster-scoped ClusterRole named after the
 * namespace and the shop. Its status is a {@code Ready} condition.
 */
final class ShopReconciler implements Reconciler<ShopReconciler.Shop> {
  static final GroupKind KIND = GroupKind.of("proofs.converge.dev", "Shop");
  static final GroupKind SERVICE_ACCOUNT = GroupKind.of("", "ServiceAccount");
  static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  static final GroupKind SERVICE = GroupKind.of("", "Service");
  static final GroupKind CLUSTER_ROLE = GroupKind.of("rbac.authorization.k8s.io", "ClusterRole");
  static final ImmutableSet<GroupKind> OWNED = ImmutableSet.of(SERVICE_ACCOUNT, CONFIG_MAP, DEPLOYMENT, SERVICE, CLUSTER_ROLE);

  /** The typed primary. */
  record Shop(String namespace, String name, String image, boolean service) {}

  static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"shops.proofs.converge.dev"},
       "spec":{"group":"proofs.converge.dev","scope":"Namespaced",
        "names":{"kind":"Shop","plural":"shops","singular":"shop","listKind":"ShopList"},
        "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                     "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}""";

  static Resource shop(String namespace, String name, String image, boolean service) {
    return KubeObjects.customResource("proofs.converge.dev/v1", "Shop", namespace, name,
        Json.object().put("image", image).put("service", service));
  }

  static ResourceKey key(String namespace, String name) {
    return ResourceKey.of(KIND, namespace, name);
  }

  @Override
  public GroupKind primaryKind() {
    return KIND;
  }

  @Override
  public ImmutableSet<GroupKind> ownedKinds() {
    return OWNED;
  }

  @Override
  public Shop decode(Resource primary) {
    String image = primary.spec().path("image").asText("");
    if (image.isEmpty()) {
      throw new InvalidSpecException("spec.image", "spec.image is required");
    }
    return new Shop(primary.namespace(), primary.name(), image, primary.spec().path("service").asBoolean(true));
  }

  @Override
  public DesiredGraph desired(Shop shop, Context context) {
    DesiredGraph.Builder graph = DesiredGraph.builder().owner(context.primary());
    graph.add(KubeObjects.serviceAccount(shop.namespace(), shop.name()));
    graph.add(KubeObjects.configMap(shop.namespace(), shop.name() + "-config", "image", shop.image()));
    graph.add(KubeObjects.deployment(shop.namespace(), shop.name(), shop.image(), 2, shop.name()));
    if (shop.service()) {
      graph.add(KubeObjects.service(shop.namespace(), shop.name(), 80));
    }
    graph.add(KubeObjects.clusterRole(shop.namespace() + "-" + shop.name() + "-reader", "configmaps"));
    return graph.build();
  }

  @Override
  public ObjectNode status(StatusContext<Shop> context) {
    Outcome outcome = context.outcome();
    boolean converged = outcome instanceof Outcome.Converged;
    String reason = converged ? "Converged" : outcome.getClass().getSimpleName();
    ObjectNode status = Json.object();
    status.set("conditions", Conditions.set(context.primary().status().path("conditions"), "Ready",
        converged ? "True" : "False", reason, converged ? "" : outcome.toString(), context.now()));
    return status;
  }
}
