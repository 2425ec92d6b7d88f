package dev.converge.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Diff;
import dev.converge.api.FieldChange;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Redaction;
import dev.converge.api.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The diff rules of DESIGN.md §3, one by one: only desired fields, server fields and status ignored, keyed
 * lists by key (with server-defaulted keys), sets as sets, atomic lists element by element, quantities and
 * int-or-string by value, zero values against absent fields, Secret stringData against base64 data, masked
 * secret values, rendered paths, and the normalizer registry.
 */
class DiffRulesTest {
  private static final Planner PLANNER = Planner.defaults();

  private static Diff diff(String desired, String live) {
    return PLANNER.diff(Manifests.yaml(desired), Manifests.yaml(live));
  }

  private static String describe(Diff diff) {
    StringBuilder out = new StringBuilder();
    for (FieldChange change : diff.changes()) {
      out.append(change.path()).append(": ").append(text(change.before())).append(" -> ").append(text(change.after())).append('\n');
    }
    return out.toString();
  }

  private static String text(JsonNode node) {
    return node == null ? "(none)" : Json.write(node);
  }

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: prod}
      spec:
        template:
          spec:
            containers:
              - name: app
                image: app:1
                ports: [{containerPort: 8080}]
                env: [{name: A, value: "1"}, {name: B, value: "2"}]
              - name: sidecar
                image: proxy:1
      """;

  @Test
  void diff_comparesOnlyFieldsTheDesiredObjectSets() {
    assertThat(diff(DEPLOYMENT, DEPLOYMENT.replace("image: app:1", "image: app:1\n          imagePullPolicy: Always")
        + "  replicas: 3\nstatus: {readyReplicas: 3}\n").isEmpty()).isTrue();
  }

  @Test
  void diff_ignoresServerManagedMetadataAndStatusEvenWhenDesiredSetsThem() {
    String desired = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c, namespace: prod, resourceVersion: "1", uid: a, generation: 1, creationTimestamp: x,
                   managedFields: [], selfLink: /x, deletionTimestamp: y, deletionGracePeriodSeconds: 30}
        status: {phase: Old}
        data: {k: v}
        """;
    String live = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c, namespace: prod, resourceVersion: "99", uid: b, generation: 7, creationTimestamp: z}
        status: {phase: New}
        data: {k: v}
        """;
    assertThat(diff(desired, live).isEmpty()).isTrue();
  }

  @Test
  void diff_matchesKeyedListElementsByKeyNotIndex() {
    String live = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: prod}
        spec:
          template:
            spec:
              containers:
                - name: sidecar
                  image: proxy:1
                - name: app
                  image: app:1
                  ports: [{containerPort: 8080, protocol: TCP}]
                  env: [{name: B, value: "2"}, {name: A, value: "1"}]
        """;
    assertThat(live).isNotEqualTo(DEPLOYMENT);
    assertThat(diff(DEPLOYMENT, live).isEmpty()).isTrue();
  }

  @Test
  void diff_namesKeyedElementsInPaths() {
    String live = DEPLOYMENT.replace("{name: B, value: \"2\"}", "{name: B, value: \"3\"}").replace("image: proxy:1", "image: proxy:0");
    assertThat(describe(diff(DEPLOYMENT, live))).isEqualTo("""
        spec.template.spec.containers[name=app].env[name=B].value: "3" -> "2"
        spec.template.spec.containers[name=sidecar].image: "proxy:0" -> "proxy:1"
        """);
  }

  @Test
  void diff_reportsAMissingKeyedElementWholeWithItsDefaultedKey() {
    String live = DEPLOYMENT.replace("ports: [{containerPort: 8080}]", "ports: [{containerPort: 9090, protocol: TCP}]");
    assertThat(describe(diff(DEPLOYMENT, live)))
        .isEqualTo("spec.template.spec.containers[name=app].ports[containerPort=8080,protocol=TCP]: (none) -> {\"containerPort\":8080}\n");
  }

  @Test
  void diff_portsWithDifferentProtocolsAreDifferentElements() {
    String udp = DEPLOYMENT.replace("{containerPort: 8080}", "{containerPort: 8080, protocol: UDP}");
    assertThat(diff(udp, DEPLOYMENT).paths())
        .containsExactly("spec.template.spec.containers[name=app].ports[containerPort=8080,protocol=UDP]");
  }

  @Test
  void diff_setsNeedEveryDesiredElementInAnyOrder() {
    String desired = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: p, finalizers: [a, b]}\n";
    assertThat(diff(desired, desired.replace("[a, b]", "[b, x, a]")).isEmpty()).isTrue();
    assertThat(diff(desired, desired.replace("[a, b]", "[b]")).paths()).containsExactly("metadata.finalizers");
  }

  @Test
  void diff_atomicListsCompareElementByElementWithServerDefaultsInside() {
    String desired = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: w}
        webhooks:
          - name: a.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
        """;
    String live = desired.replace("resources: [pods]}", "resources: [pods], scope: \"*\"}");
    assertThat(diff(desired, live).isEmpty()).isTrue();
    assertThat(describe(diff(desired, desired.replace("[CREATE]", "[CREATE, UPDATE]"))))
        .isEqualTo("webhooks[name=a.example.com].rules[0].operations: [\"CREATE\",\"UPDATE\"] -> [\"CREATE\"]\n");
  }

  @Test
  void diff_atomicListOfDifferentLengthIsOneChange() {
    String desired = DEPLOYMENT.replace("image: proxy:1", "image: proxy:1\n          args: [--a, --b]");
    assertThat(describe(diff(desired, desired.replace("[--a, --b]", "[--a]"))))
        .isEqualTo("spec.template.spec.containers[name=sidecar].args: [\"--a\"] -> [\"--a\",\"--b\"]\n");
  }

  @Test
  void diff_quantitiesCompareByAmount() {
    String desired = DEPLOYMENT.replace("image: proxy:1", "image: proxy:1\n          resources: {requests: {cpu: 1000m, memory: 1024Mi}, limits: {cpu: 2, memory: 0.5Gi}}");
    String live = DEPLOYMENT.replace("image: proxy:1", "image: proxy:1\n          resources: {requests: {cpu: \"1\", memory: 1Gi}, limits: {cpu: \"2\", memory: 512Mi}}");
    assertThat(diff(desired, live).isEmpty()).isTrue();
    assertThat(describe(diff(desired, live.replace("memory: 1Gi", "memory: 1G"))))
        .isEqualTo("spec.template.spec.containers[name=sidecar].resources.requests.memory: \"1G\" -> \"1024Mi\"\n");
  }

  @Test
  void diff_intOrStringComparesByValue() {
    String service = """
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: p}
        spec: {ports: [{port: 80, targetPort: 8080}]}
        """;
    assertThat(diff(service, service.replace("targetPort: 8080", "targetPort: \"8080\"")).isEmpty()).isTrue();
    assertThat(diff(service.replace("targetPort: 8080", "targetPort: \"8080\""), service).isEmpty()).isTrue();
    assertThat(diff(service.replace("targetPort: 8080", "targetPort: \"10%\""), service.replace("targetPort: 8080", "targetPort: 10")).paths())
        .containsExactly("spec.ports[port=80,protocol=TCP].targetPort");
  }

  @Test
  void diff_numbersCompareByValueWhateverTheirJavaType() {
    Resource desired = Manifests.json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\",\"namespace\":\"p\"},\"spec\":{\"replicas\":3}}");
    Resource live = Manifests.json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\",\"namespace\":\"p\"},\"spec\":{\"replicas\":3.0}}");
    assertThat(PLANNER.diff(desired, live).isEmpty()).isTrue();
  }

  @Test
  void diff_zeroValueAgainstAbsentFieldIsNoDifference() {
    String desired = DEPLOYMENT.replace("image: proxy:1", "image: proxy:1\n          workingDir: \"\"\n          stdin: false\n"
        + "          securityContext: {privileged: false}\n          command: []\n          livenessProbe: {initialDelaySeconds: 0}");
    assertThat(diff(desired, DEPLOYMENT).isEmpty()).isTrue();
  }

  @Test
  void diff_zeroValueAgainstADifferentLiveValueIsADifference() {
    String desired = DEPLOYMENT.replace("image: proxy:1", "image: proxy:1\n          stdin: false");
    assertThat(describe(diff(desired, desired.replace("stdin: false", "stdin: true"))))
        .isEqualTo("spec.template.spec.containers[name=sidecar].stdin: true -> false\n");
  }

  private static final String SECRET = """
      apiVersion: v1
      kind: Secret
      metadata: {name: s, namespace: p}
      stringData: {api-key: hunter2}
      """;

  @Test
  void diff_stringDataComparesAgainstBase64Data() {
    String live = "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: p}\ntype: Opaque\ndata: {api-key: aHVudGVyMg==}\n";
    assertThat(diff(SECRET, live).isEmpty()).isTrue();
    assertThat(describe(diff(SECRET, live.replace("aHVudGVyMg==", "b3RoZXI="))))
        .isEqualTo("stringData.api-key: (none) -> \"(sensitive)\"\n");
  }

  @Test
  void diff_masksSecretDataValuesInChanges() {
    String desired = "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: p}\ndata: {token: c2VjcmV0}\n";
    Diff diff = diff(desired, desired.replace("c2VjcmV0", "b2xk"));
    assertThat(describe(diff)).isEqualTo("data.token: \"(sensitive)\" -> \"(sensitive)\"\n");
    assertThat(describe(diff(desired, "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: p}\n")))
        .isEqualTo("data.token: (none) -> \"(sensitive)\"\n");
    assertThat(Json.write(diff.changes().get(0).after())).doesNotContain("c2VjcmV0").contains(Redaction.MASK);
  }

  @Test
  void diff_bracketsAndQuotesFieldsThatAreNotPlainNames() {
    String desired = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: p, labels: {app.kubernetes.io/name: a}}\n";
    assertThat(diff(desired, desired.replace("name: a}", "name: b}")).paths())
        .containsExactly("metadata.labels[\"app.kubernetes.io/name\"]");
  }

  @Test
  void diff_emptyClusterIpIsSatisfiedByTheAllocatedOne() {
    String desired = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: p}\nspec: {clusterIP: \"\", clusterIPs: []}\n";
    String live = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: p}\nspec: {clusterIP: 10.0.0.1, clusterIPs: [10.0.0.1]}\n";
    assertThat(diff(desired, live).isEmpty()).isTrue();
  }

  @Test
  void diff_isDeterministic() {
    String live = DEPLOYMENT.replace("value: \"2\"", "value: \"9\"").replace("app:1", "app:0");
    assertThat(diff(DEPLOYMENT, live)).isEqualTo(diff(DEPLOYMENT, live));
  }

  @Test
  void registry_satisfiesRuleDropsDifferencesOnlyAtItsKindAndPath() {
    Planner lenient = Planner.builder()
        .normalize(GroupKind.of("apps", "Deployment"), "spec.template.spec.containers[*].image",
            Normalizer.satisfiedWhen(at -> at.live() != null && at.live().asText().startsWith(at.desired().asText().split(":")[0])))
        .build();
    String live = DEPLOYMENT.replace("app:1", "app:2");
    assertThat(lenient.diff(Manifests.yaml(DEPLOYMENT), Manifests.yaml(live)).isEmpty()).isTrue();
    assertThat(PLANNER.diff(Manifests.yaml(DEPLOYMENT), Manifests.yaml(live)).isEmpty()).isFalse();
  }

  @Test
  void registry_rewriteRuleIsComparedAgainInPlace() {
    Planner lowercase = Planner.builder()
        .normalizeAll("metadata.labels.*", Normalizer.rewriting(value -> Json.nodes().textNode(value.asText().toLowerCase())))
        .build();
    Resource desired = Manifests.yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: p, labels: {tier: WEB}}\n");
    Resource live = Manifests.yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: p, labels: {tier: web}}\n");
    assertThat(lowercase.diff(desired, live).isEmpty()).isTrue();
    assertThat(describe(lowercase.diff(desired, live.edit(t -> t.with("metadata").with("labels").put("tier", "db")))))
        .isEqualTo("metadata.labels.tier: \"db\" -> \"web\"\n");
  }

  @Test
  void registry_withoutBuiltinsQuantitiesCompareAsText() {
    Planner bare = Planner.builder().normalizers(NormalizerRegistry.empty()).build();
    String desired = DEPLOYMENT.replace("image: proxy:1", "image: proxy:1\n          resources: {requests: {cpu: 1000m}}");
    assertThat(bare.diff(Manifests.yaml(desired), Manifests.yaml(desired.replace("1000m", "\"1\""))).paths())
        .containsExactly("spec.template.spec.containers[name=sidecar].resources.requests.cpu");
  }

  private static final String ROUTE_CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: routes.example.com}
      spec:
        group: example.com
        scope: Namespaced
        names: {kind: Route, plural: routes}
        versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      backends:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                        items: {type: object, required: [name], properties: {name: {type: string}, port: {type: integer}}}
                      hosts: {type: array, x-kubernetes-list-type: set, items: {type: string}}
                      owners: {type: array, items: {type: string}}
      """;

  private static final String ROUTE = """
      apiVersion: example.com/v1
      kind: Route
      metadata: {name: r, namespace: prod}
      spec:
        backends: [{name: web, port: 80}]
        hosts: [a.example.com]
        owners: [team-a]
      """;

  @Test
  void customResourceLists_followTheirCrdsMarkers_whenThePlanHoldsTheCrd() {
    // Another manager added a backend and a host, which the API server merged into the keyed list and the set.
    Resource live = ServerView.of(Manifests.yaml(ROUTE.replace("[{name: web, port: 80}]", "[{name: web, port: 80}, {name: metrics, port: 9090}]")
        .replace("[a.example.com]", "[b.example.com, a.example.com]")), 1);
    Resource crd = ServerView.of(Manifests.yaml(ROUTE_CRD), 1);
    DesiredGraph withCrd = DesiredGraph.builder().add(Manifests.yaml(ROUTE_CRD)).add(Manifests.yaml(ROUTE)).build();
    assertThat(PLANNER.plan(withCrd, Observed.of(List.of(crd, live))).isEmpty()).as("the CRD desired: keyed by name, a set").isTrue();
    DesiredGraph routeOnly = DesiredGraph.builder().add(Manifests.yaml(ROUTE)).build();
    assertThat(PLANNER.plan(routeOnly, Observed.of(List.of(crd, live))).isEmpty()).as("the CRD only live").isTrue();
    assertThat(describe(PLANNER.plan(routeOnly, Observed.of(List.of(live))).actions().get(0).diff().orElseThrow()))
        .as("no CRD in sight: lists are atomic")
        .isEqualTo("spec.backends: [{\"name\":\"web\",\"port\":80},{\"name\":\"metrics\",\"port\":9090}] -> [{\"name\":\"web\",\"port\":80}]\n"
            + "spec.hosts: [\"b.example.com\",\"a.example.com\"] -> [\"a.example.com\"]\n");
    Resource reordered = ServerView.of(Manifests.yaml(ROUTE.replace("[team-a]", "[team-b]")), 1);
    assertThat(PLANNER.plan(routeOnly, Observed.of(List.of(crd, reordered))).isEmpty()).as("an unmarked list stays atomic").isFalse();
  }
}
