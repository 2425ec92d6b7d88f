package dev.converge.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Golden plans, text and JSON, for the scenarios of issue 2: the datadog stack from empty, one container image
 * changed, a feature's resources no longer desired (pruned, with an owner), a selector change (replace) and
 * a namespace with its contents deleted. Each rendering is also checked to be byte-identical when planned
 * again from the same inputs.
 */
class GoldenPlanTest {
  private static final ResourceKey OWNER = ResourceKey.parse("datadoghq.com/DatadogAgent/default/datadog");
  private static final Planner PLANNER = Planner.defaults();

  static List<Resource> stack() {
    return Manifests.readDir(Manifests.DATADOG_STACK);
  }

  /**
   * The graph of {@code resources}, owned by the DatadogAgent when {@code owned}; the user's credentials
   * Secret is then added unowned, as the operator references it but never owns it.
   */
  static DesiredGraph graph(List<Resource> resources, boolean owned) {
    DesiredGraph.Builder builder = DesiredGraph.builder();
    if (owned) {
      builder.owner(OWNER);
    }
    for (Resource resource : resources) {
      boolean users = owned && resource.name().equals("datadog-secret");
      builder.add(users ? DesiredResource.of(resource).unowned() : DesiredResource.of(resource));
    }
    return builder.build();
  }

  /** What a server returns after applying every resource of {@code graph}. */
  static List<Resource> applied(DesiredGraph graph) {
    List<Resource> live = new ArrayList<>();
    int serial = 1;
    for (var entry : graph.resources().values()) {
      live.add(ServerView.of(entry.resource(), serial++));
    }
    return live;
  }

  private static void golden(String name, Plan plan) {
    Golden.check(name + ".txt", PlanPrinter.text(plan));
    Golden.check(name + ".json", PlanPrinter.json(plan));
  }

  private static Resource edit(Resource resource, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> editor) {
    return resource.edit(editor);
  }

  private static List<Resource> without(List<Resource> resources, Predicate<Resource> drop) {
    return resources.stream().filter(drop.negate()).toList();
  }

  @Test
  void datadogStack_fromEmpty() {
    DesiredGraph graph = graph(stack(), false);
    Plan plan = PLANNER.plan(graph, Observed.empty());
    assertThat(plan.size()).isEqualTo(16);
    assertThat(PlanPrinter.text(PLANNER.plan(graph(stack(), false), Observed.empty()))).isEqualTo(PlanPrinter.text(plan));
    golden("datadog-stack-from-empty", plan);
  }

  @Test
  void datadogStack_appliedIsConverged() {
    DesiredGraph graph = graph(stack(), true);
    assertThat(PLANNER.plan(graph, Observed.of(applied(graph))).isEmpty()).isTrue();
  }

  @Test
  void imageChanged_oneUpdate() {
    DesiredGraph graph = graph(stack(), true);
    List<Resource> live = new ArrayList<>();
    for (Resource object : applied(graph)) {
      live.add(!object.name().equals("datadog-agent") || !object.kind().equals("DaemonSet") ? object : edit(object, tree -> {
        for (var container : tree.path("spec").path("template").path("spec").path("containers")) {
          if (container.path("name").asText().equals("agent")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) container).put("image", "gcr.io/datadoghq/agent:7.50.0");
          }
        }
      }));
    }
    Plan plan = PLANNER.plan(graph, Observed.of(live));
    assertThat(plan.size()).isEqualTo(1);
    golden("image-changed", plan);
  }

  @Test
  void featureTurnedOff_prunesItsResources() {
    List<Resource> everything = stack();
    DesiredGraph before = graph(everything, true);
    List<Resource> live = new ArrayList<>(applied(before));
    // An object with the same kind but without the ownership marks is never touched.
    live.add(ServerView.of(Manifests.yaml("""
        apiVersion: v1
        kind: Service
        metadata: {name: someone-elses, namespace: default}
        spec: {ports: [{port: 80}]}
        """), 99));
    // The admission controller is turned off: its service and webhook go, the Cluster Agent's env changes.
    List<Resource> desired = new ArrayList<>();
    for (Resource object : without(everything, r -> r.name().equals("datadog-admission-controller") || r.name().equals("datadog-webhook"))) {
      desired.add(!object.kind().equals("Deployment") ? object : edit(object, tree -> {
        for (var env : tree.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
          if (env.path("name").asText().equals("DD_ADMISSION_CONTROLLER_ENABLED")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) env).put("value", "false");
          }
        }
      }));
    }
    Plan plan = PLANNER.plan(graph(desired, true), Observed.of(live));
    assertThat(plan.actions()).extracting(a -> a.verb() + " " + a.key()).containsExactly(
        "delete admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook",
        "update apps/Deployment/default/datadog-cluster-agent",
        "delete Service/default/datadog-admission-controller");
    golden("feature-pruned", plan);
  }

  @Test
  void selectorChanged_replacesWithOrphan() {
    DesiredGraph before = graph(stack(), true);
    List<Resource> desired = new ArrayList<>();
    for (Resource object : stack()) {
      desired.add(!object.kind().equals("Deployment") ? object : edit(object, tree -> {
        tree.withObjectProperty("spec").withObjectProperty("selector").withObjectProperty("matchLabels")
            .put("app.kubernetes.io/name", "datadog-cluster-agent");
        tree.withObjectProperty("spec").withObjectProperty("template").withObjectProperty("metadata").withObjectProperty("labels")
            .put("app.kubernetes.io/name", "datadog-cluster-agent");
      }));
    }
    Plan plan = PLANNER.plan(graph(desired, true), Observed.of(applied(before)));
    assertThat(plan.actions()).extracting(a -> a.verb() + " " + a.key())
        .containsExactly("replace apps/Deployment/default/datadog-cluster-agent");
    golden("selector-replaced", plan);
  }

  @Test
  void namespaceWithContents_deletedContentsFirst() {
    List<Resource> extra = Manifests.read("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: datadog-checks}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: checks-runner, namespace: datadog-checks}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: checks-config, namespace: datadog-checks}
        data: {checks.yaml: "instances: []"}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: checks-runner, namespace: datadog-checks}
        spec:
          selector: {matchLabels: {app: checks-runner}}
          template:
            metadata: {labels: {app: checks-runner}}
            spec:
              serviceAccountName: checks-runner
              containers:
                - name: runner
                  image: gcr.io/datadoghq/agent:latest
                  volumeMounts: [{name: config, mountPath: /etc/datadog-agent/conf.d}]
              volumes: [{name: config, configMap: {name: checks-config}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: checks-runner, namespace: datadog-checks}
        spec: {selector: {app: checks-runner}, ports: [{port: 5005}]}
        """);
    List<Resource> all = new ArrayList<>(stack());
    all.addAll(extra);
    DesiredGraph before = graph(all, true);
    Plan plan = PLANNER.plan(graph(stack(), true), Observed.of(applied(before)));
    assertThat(plan.actions()).extracting(a -> a.verb() + " " + a.key()).containsExactly(
        "delete apps/Deployment/datadog-checks/checks-runner",
        "delete Service/datadog-checks/checks-runner",
        "delete ConfigMap/datadog-checks/checks-config",
        "delete ServiceAccount/datadog-checks/checks-runner",
        "delete Namespace/datadog-checks");
    golden("namespace-deleted", plan);
  }

  @Test
  void teardown_deletesEverythingOwnedWebhookFirst() {
    DesiredGraph graph = graph(stack(), true);
    List<Resource> live = new ArrayList<>(applied(graph));
    live.add(Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"unowned\",\"namespace\":\"default\"}}")));
    Plan plan = PLANNER.planTeardown(OWNER, Observed.of(live));
    assertThat(plan.size()).isEqualTo(15);
    assertThat(plan.steps().get(0).actions()).extracting(a -> a.key().toString())
        .containsExactly("admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook");
    assertThat(plan.find(ResourceKey.parse("ConfigMap/default/unowned"))).isEmpty();
    golden("teardown", plan);
  }
}
