package dev.converge.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Action;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Edge;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.ResourceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each ordering rule of DESIGN.md §3 on its own: explicit dependencies, Namespace, CRD, ServiceAccount,
 * Secret, ConfigMap and PVC references from every pod-template location, Role/ClusterRole to bindings,
 * Service to webhooks and APIServices; edges only inside the graph; cycles named edge by edge.
 */
class EdgeRulesTest {
  private static final Planner PLANNER = Planner.defaults();

  private static Plan planFromEmpty(String yaml) {
    DesiredGraph.Builder builder = DesiredGraph.builder();
    Manifests.read(yaml).forEach(builder::add);
    return PLANNER.plan(builder.build(), Observed.empty());
  }

  /** The hard (non kind-order) edges into {@code key}, as {@code "after …: …"} lines. */
  private static List<String> hardEdges(Plan plan, String key) {
    Action action = plan.find(ResourceKey.parse(key)).orElseThrow();
    return action.orderedBy().stream().filter(e -> e.rule() != dev.converge.api.EdgeRule.KIND_ORDER).map(Edge::toString).toList();
  }

  @Test
  void namespace_precedesEverythingInIt() {
    Plan plan = planFromEmpty("""
        {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: team}}
        ---
        {apiVersion: v1, kind: Namespace, metadata: {name: team}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: other, namespace: elsewhere}}
        """);
    assertThat(hardEdges(plan, "ConfigMap/team/c")).containsExactly("after Namespace/team: namespaced object");
    assertThat(hardEdges(plan, "ConfigMap/elsewhere/other")).isEmpty();
    assertThat(plan.stepOf(ResourceKey.parse("Namespace/team"))).isLessThan(plan.stepOf(ResourceKey.parse("ConfigMap/team/c")));
  }

  @Test
  void crd_precedesItsCustomResourcesOnly() {
    Plan plan = planFromEmpty("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: datadogagents.datadoghq.com}
        spec: {group: datadoghq.com, names: {kind: DatadogAgent, plural: datadogagents}}
        ---
        {apiVersion: datadoghq.com/v2alpha1, kind: DatadogAgent, metadata: {name: datadog, namespace: default}}
        ---
        {apiVersion: example.com/v1, kind: DatadogAgent, metadata: {name: lookalike, namespace: default}}
        """);
    assertThat(hardEdges(plan, "datadoghq.com/DatadogAgent/default/datadog"))
        .containsExactly("after apiextensions.k8s.io/CustomResourceDefinition/datadogagents.datadoghq.com: custom resource of this CRD");
    assertThat(hardEdges(plan, "example.com/DatadogAgent/default/lookalike")).isEmpty();
    assertThat(plan.gates()).containsOnlyKeys(ResourceKey.parse("apiextensions.k8s.io/CustomResourceDefinition/datadogagents.datadoghq.com"));
  }

  private static final String REFERENCED = """
      {apiVersion: v1, kind: ServiceAccount, metadata: {name: sa, namespace: p}}
      ---
      {apiVersion: v1, kind: Secret, metadata: {name: env-secret, namespace: p}}
      ---
      {apiVersion: v1, kind: Secret, metadata: {name: from-secret, namespace: p}}
      ---
      {apiVersion: v1, kind: Secret, metadata: {name: vol-secret, namespace: p}}
      ---
      {apiVersion: v1, kind: Secret, metadata: {name: projected-secret, namespace: p}}
      ---
      {apiVersion: v1, kind: Secret, metadata: {name: pull, namespace: p}}
      ---
      {apiVersion: v1, kind: ConfigMap, metadata: {name: env-cm, namespace: p}}
      ---
      {apiVersion: v1, kind: ConfigMap, metadata: {name: from-cm, namespace: p}}
      ---
      {apiVersion: v1, kind: ConfigMap, metadata: {name: vol-cm, namespace: p}}
      ---
      {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data, namespace: p}}
      ---
      """;

  private static final String POD_SPEC = """
      serviceAccountName: sa
      imagePullSecrets: [{name: pull}]
      initContainers:
        - name: init
          image: busybox
          envFrom: [{secretRef: {name: from-secret}}, {configMapRef: {name: from-cm}}]
      containers:
        - name: app
          image: app
          env:
            - {name: A, valueFrom: {secretKeyRef: {name: env-secret, key: k}}}
            - {name: B, valueFrom: {configMapKeyRef: {name: env-cm, key: k}}}
            - {name: C, valueFrom: {secretKeyRef: {name: not-in-graph, key: k}}}
      volumes:
        - {name: s, secret: {secretName: vol-secret}}
        - {name: c, configMap: {name: vol-cm}}
        - {name: d, persistentVolumeClaim: {claimName: data}}
        - {name: p, projected: {sources: [{secret: {name: projected-secret}}]}}
      """;

  private static String indent(String text, int spaces) {
    return text.indent(spaces);
  }

  @Test
  void aRuntimeClassName_ordersTheWorkloadAfterTheClusterScopedRuntimeClass() {
    Plan plan = planFromEmpty("""
        apiVersion: node.k8s.io/v1
        kind: RuntimeClass
        metadata: {name: gvisor}
        handler: runsc
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: sandboxed, namespace: default}
        spec:
          template:
            spec:
              runtimeClassName: gvisor
              containers: [{name: app, image: app}]
        """);
    assertThat(hardEdges(plan, "apps/DaemonSet/default/sandboxed")).containsExactly(
        "after node.k8s.io/RuntimeClass/gvisor: referenced runtime class (spec.template.spec.runtimeClassName)");
  }

  @Test
  void podTemplateReferences_orderWorkloadsAfterWhatTheyUse() {
    Plan plan = planFromEmpty(REFERENCED + """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: p}
        spec:
          template:
            spec:
        """ + indent(POD_SPEC, 6));
    String t = "spec.template.spec.";
    assertThat(hardEdges(plan, "apps/Deployment/p/web")).containsExactly(
        "after ConfigMap/p/env-cm: referenced config map (" + t + "containers[name=app].env[name=B].valueFrom.configMapKeyRef.name)",
        "after ConfigMap/p/from-cm: referenced config map (" + t + "initContainers[name=init].envFrom[1].configMapRef.name)",
        "after ConfigMap/p/vol-cm: referenced config map (" + t + "volumes[name=c].configMap.name)",
        "after PersistentVolumeClaim/p/data: referenced persistent volume claim (" + t + "volumes[name=d].persistentVolumeClaim.claimName)",
        "after Secret/p/env-secret: referenced secret (" + t + "containers[name=app].env[name=A].valueFrom.secretKeyRef.name)",
        "after Secret/p/from-secret: referenced secret (" + t + "initContainers[name=init].envFrom[0].secretRef.name)",
        "after Secret/p/projected-secret: referenced secret (" + t + "volumes[name=p].projected.sources[0].secret.name)",
        "after Secret/p/pull: referenced secret (" + t + "imagePullSecrets[name=pull].name)",
        "after Secret/p/vol-secret: referenced secret (" + t + "volumes[name=s].secret.secretName)",
        "after ServiceAccount/p/sa: referenced service account (" + t + "serviceAccountName)");
  }

  @Test
  void podTemplateReferences_foundInEveryWorkloadKind() {
    String[][] kinds = {
      {"apps/v1", "DaemonSet", "spec.template.spec", "spec:\n  template:\n    spec:\n"},
      {"apps/v1", "StatefulSet", "spec.template.spec", "spec:\n  template:\n    spec:\n"},
      {"apps/v1", "ReplicaSet", "spec.template.spec", "spec:\n  template:\n    spec:\n"},
      {"batch/v1", "Job", "spec.template.spec", "spec:\n  template:\n    spec:\n"},
      {"batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec", "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"},
      {"v1", "Pod", "spec", "spec:\n"},
    };
    for (String[] kind : kinds) {
      int depth = kind[3].split("\n").length * 2;
      Plan plan = planFromEmpty("{apiVersion: v1, kind: ServiceAccount, metadata: {name: sa, namespace: p}}\n---\n"
          + "apiVersion: " + kind[0] + "\nkind: " + kind[1] + "\nmetadata: {name: w, namespace: p}\n" + kind[3]
          + indent("serviceAccountName: sa\ncontainers: [{name: c, image: i}]\n", depth));
      String key = (kind[0].contains("/") ? kind[0].substring(0, kind[0].indexOf('/')) + "/" : "") + kind[1] + "/p/w";
      assertThat(hardEdges(plan, key)).as(kind[1])
          .containsExactly("after ServiceAccount/p/sa: referenced service account (" + kind[2] + ".serviceAccountName)");
    }
  }

  @Test
  void roles_precedeTheBindingsThatNameThem() {
    Plan plan = planFromEmpty("""
        {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r, namespace: p}}
        ---
        {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: cr}}
        ---
        {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: rb, namespace: p}, roleRef: {kind: Role, name: r}}
        ---
        {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: rb2, namespace: p}, roleRef: {kind: ClusterRole, name: cr}}
        ---
        {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: crb}, roleRef: {kind: ClusterRole, name: cr}}
        """);
    assertThat(hardEdges(plan, "rbac.authorization.k8s.io/RoleBinding/p/rb"))
        .containsExactly("after rbac.authorization.k8s.io/Role/p/r: bound role (roleRef)");
    assertThat(hardEdges(plan, "rbac.authorization.k8s.io/RoleBinding/p/rb2"))
        .containsExactly("after rbac.authorization.k8s.io/ClusterRole/cr: bound role (roleRef)");
    assertThat(hardEdges(plan, "rbac.authorization.k8s.io/ClusterRoleBinding/crb"))
        .containsExactly("after rbac.authorization.k8s.io/ClusterRole/cr: bound role (roleRef)");
  }

  @Test
  void services_precedeWebhooksAndApiServicesThatCallThem() {
    Plan plan = planFromEmpty("""
        {apiVersion: v1, kind: Service, metadata: {name: hook, namespace: sys}}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: v}
        webhooks: [{name: v.example.com, clientConfig: {service: {namespace: sys, name: hook}}}]
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: v1beta1.metrics.k8s.io}
        spec: {service: {namespace: sys, name: hook}}
        """);
    assertThat(hardEdges(plan, "admissionregistration.k8s.io/ValidatingWebhookConfiguration/v"))
        .containsExactly("after Service/sys/hook: service it calls (webhooks[name=v.example.com].clientConfig.service)");
    assertThat(hardEdges(plan, "apiregistration.k8s.io/APIService/v1beta1.metrics.k8s.io"))
        .containsExactly("after Service/sys/hook: service it calls (spec.service)");
  }

  @Test
  void explicitDependency_overridesKindOrderWithoutContradiction() {
    DesiredGraph graph = DesiredGraph.builder()
        .add(Manifests.yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: db, namespace: p}}"))
        .add(DesiredResource.of(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: after-db, namespace: p}}"))
            .dependsOn(ResourceKey.parse("apps/Deployment/p/db")))
        .build();
    Plan plan = PLANNER.plan(graph, Observed.empty());
    assertThat(plan.actions()).extracting(a -> a.key().toString()).containsExactly("apps/Deployment/p/db", "ConfigMap/p/after-db");
    assertThat(plan.find(ResourceKey.parse("ConfigMap/p/after-db")).orElseThrow().orderedBy()).extracting(Edge::toString)
        .containsExactly("after apps/Deployment/p/db: explicit dependency");
    assertThat(plan.find(ResourceKey.parse("ConfigMap/p/after-db")).orElseThrow().after()).extracting(ResourceKey::toString)
        .containsExactly("apps/Deployment/p/db");
  }

  @Test
  void kindOrder_heldBackActionRecordsTheStepItWaitsFor() {
    Plan plan = planFromEmpty("""
        {apiVersion: v1, kind: Service, metadata: {name: s, namespace: p}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: p}}
        """);
    Action service = plan.find(ResourceKey.parse("Service/p/s")).orElseThrow();
    assertThat(service.orderedBy()).extracting(Edge::toString)
        .containsExactly("after ConfigMap/p/c: default kind order (ConfigMap before Service)");
    assertThat(service.after()).extracting(ResourceKey::toString).containsExactly("ConfigMap/p/c");
  }

  @Test
  void unchangedPrerequisite_isRecordedButNotWaitedFor() {
    DesiredGraph graph = DesiredGraph.builder()
        .add(Manifests.yaml("{apiVersion: v1, kind: ServiceAccount, metadata: {name: sa, namespace: p}}"))
        .add(Manifests.yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: w, namespace: p}, spec: {template: {spec: {serviceAccountName: sa}}}}"))
        .build();
    Observed actual = Observed.of(List.of(ServerView.of(graph.resources().firstEntry().getValue().resource(), 1)));
    Plan plan = PLANNER.plan(graph, actual);
    Action create = plan.find(ResourceKey.parse("apps/Deployment/p/w")).orElseThrow();
    assertThat(create.orderedBy()).extracting(Edge::toString)
        .containsExactly("after ServiceAccount/p/sa: referenced service account (spec.template.spec.serviceAccountName)");
    assertThat(create.after()).isEmpty();
  }

  @Test
  void cycle_throughImplicitAndExplicitEdges_namesEveryMemberAndRule() {
    DesiredGraph graph = DesiredGraph.builder()
        .add(DesiredResource.of(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: p}}"))
            .dependsOn(ResourceKey.parse("apps/Deployment/p/w")))
        .add(DesiredResource.of(Manifests.yaml("{apiVersion: v1, kind: ServiceAccount, metadata: {name: sa, namespace: p}}"))
            .dependsOn(ResourceKey.parse("ConfigMap/p/c")))
        .add(Manifests.yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: w, namespace: p}, spec: {template: {spec: {serviceAccountName: sa}}}}"))
        .build();
    assertThatThrownBy(() -> PLANNER.plan(graph, Observed.empty()))
        .isInstanceOfSatisfying(DependencyCycleException.class, e -> assertThat(e.members()).extracting(ResourceKey::toString)
            .containsExactly("ConfigMap/p/c", "ServiceAccount/p/sa", "apps/Deployment/p/w"))
        .hasMessage("dependency cycle: ConfigMap/p/c -> ServiceAccount/p/sa (explicit dependency)"
            + " -> apps/Deployment/p/w (referenced service account (spec.template.spec.serviceAccountName))"
            + " -> ConfigMap/p/c (explicit dependency)");
  }

  @Test
  void cycle_shortestThroughANamespaceIsReported() {
    DesiredGraph graph = DesiredGraph.builder()
        .add(DesiredResource.of(Manifests.yaml("{apiVersion: v1, kind: Namespace, metadata: {name: p}}"))
            .dependsOn(ResourceKey.parse("apps/Deployment/p/w")))
        .add(Manifests.yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: w, namespace: p}}"))
        .build();
    assertThatThrownBy(() -> PLANNER.plan(graph, Observed.empty()))
        .hasMessage("dependency cycle: Namespace/p -> apps/Deployment/p/w (namespaced object) -> Namespace/p (explicit dependency)");
  }

  @Test
  void cycle_isReportedEvenWhenNothingChanges() {
    DesiredGraph graph = DesiredGraph.builder()
        .add(DesiredResource.of(Manifests.yaml("{apiVersion: v1, kind: Namespace, metadata: {name: p}}"))
            .dependsOn(ResourceKey.parse("ConfigMap/p/c")))
        .add(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: p}}"))
        .build();
    List<dev.converge.api.Resource> live = GoldenPlanTest.applied(graph);
    assertThatThrownBy(() -> PLANNER.plan(graph, Observed.of(live))).isInstanceOf(DependencyCycleException.class);
  }

  @Test
  void dependsOnAnnotation_ordersAppliesAndTheReverseDeletes() {
    String yaml = """
        {apiVersion: v1, kind: Service, metadata: {name: api, namespace: p}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c, namespace: p, annotations: {converge.dev/depends-on: "Service/p/api, not a key"}}
        """;
    Plan plan = planFromEmpty(yaml);
    assertThat(plan.actions()).extracting(a -> a.key().toString()).containsExactly("Service/p/api", "ConfigMap/p/c");
    assertThat(hardEdges(plan, "ConfigMap/p/c"))
        .containsExactly("after Service/p/api: explicit dependency (metadata.annotations[\"converge.dev/depends-on\"])");
    DesiredGraph.Builder owned = DesiredGraph.builder().owner(ResourceKey.parse("example.com/App/p/app"));
    Manifests.read(yaml).forEach(owned::add);
    Plan teardown = PLANNER.planTeardown(ResourceKey.parse("example.com/App/p/app"), Observed.of(GoldenPlanTest.applied(owned.build())));
    assertThat(teardown.actions()).extracting(a -> a.key().toString()).containsExactly("ConfigMap/p/c", "Service/p/api");
  }
}
