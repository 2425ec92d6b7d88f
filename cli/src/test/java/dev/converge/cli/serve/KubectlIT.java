package dev.converge.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.examples.datadog.install.OperatorInstall;
import dev.converge.inmemory.admission.AdmissionReviews;
import dev.converge.testkit.Kubectl;
import dev.converge.testkit.Kubectl.Result;
import dev.converge.testkit.LoopbackWebhookServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine's {@code kubectl} (1.32) against {@code converge serve}, in-process, through the kubeconfig it writes
 * (TLS with the server's own certificate, a bearer token for {@code system:masters}): {@code get nodes} lists the
 * nodes; client-side and server-side {@code apply} of the shared Secret and DatadogAgent examples (the CRD first);
 * {@code get pods -A -w} streams a change; {@code delete}; {@code get datadogagents} with the CRD's printer columns;
 * {@code explain deployment.spec} from the OpenAPI v3 schemas; a DaemonSet applied with kubectl rolls out to every
 * simulated node while the server runs. Skipped, with a message, where kubectl is absent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlIT {
  private static final int NODES = 3;
  @TempDir static Path dir;
  private static ConvergeServer server;
  /** An image the simulated registry does not have ({@code --missing-image}). */
  private static final String MISSING_IMAGE = "example.com/missing:1.0";
  /** An operator's webhook server behind Service webhook-system/webhook-service ({@code --webhook-service}). */
  private static LoopbackWebhookServer operatorWebhooks;

  @BeforeAll
  static void serve() {
    assumeTrue(Kubectl.available(), "kubectl is not on the PATH: skipping the kubectl integration tests");
    operatorWebhooks = LoopbackWebhookServer.start(KubectlIT::injected, List.of("webhook-service.webhook-system.svc"));
    server = ConvergeServer.start(NODES, List.of(), 0, dir.resolve("converge.kubeconfig"), 7, List.of(),
        List.of(WebhookService.parse("webhook-system/webhook-service=" + operatorWebhooks.address())),
        cluster -> cluster.missingImages(List.of(MISSING_IMAGE)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (operatorWebhooks != null) {
      operatorWebhooks.close();
    }
  }

  /** A mutating webhook's answer: label {@code injected=over-the-network} added. */
  private static JsonNode injected(String path, JsonNode review) {
    ObjectNode object = (ObjectNode) Json.parse(Json.write(review.at("/request/object")));
    ((ObjectNode) object.get("metadata")).putObject("labels").put("injected", "over-the-network");
    return AdmissionReviews.patch(review, object);
  }

  @Test
  @Order(1)
  void timestamps_neverLieInTheFuture_thoughTheNodesRegisteredFasterThanTheWallClock() throws Exception {
    // The server opens once the wall clock has caught up with the virtual registration; before, a new object's
    // creationTimestamp was about five seconds ahead of the wall clock.
    Result created = kubectl("create", "configmap", "clock", "-o", "jsonpath={.metadata.creationTimestamp}");
    assertThat(Instant.parse(created.out())).isBeforeOrEqualTo(Instant.now());
    kubectl("delete", "configmap", "clock");
  }

  @Test
  @Order(1)
  void getNodes_listsEveryNode() throws Exception {
    Result result = kubectl("get", "nodes", "--no-headers", "-o", "custom-columns=NAME:.metadata.name");
    assertThat(result.out().lines()).containsExactly("node-0", "node-1", "node-2");
    assertThat(kubectl("get", "nodes").out()).contains("STATUS", "ROLES", "AGE", "VERSION").contains("Ready");
  }

  @Test
  @Order(2)
  void applyAndServerSideApply_ofTheSharedSecret() throws Exception {
    Path secret = resource("datadog-secret.yaml");
    assertThat(kubectl("apply", "-f", secret.toString()).out()).isEqualTo("secret/datadog-secret created\n");
    assertThat(kubectl("apply", "--server-side", "-f", secret.toString()).out())
        .isEqualTo("secret/datadog-secret serverside-applied\n");
    assertThat(kubectl("get", "secret", "datadog-secret", "-o", "jsonpath={.data.api-key}").out())
        .isEqualTo("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  }

  @Test
  @Order(3)
  void datadogAgent_appliesOnceItsCrdIsInstalled_andListsWithPrinterColumns() throws Exception {
    Path agent = resource("datadog-agent.yaml");
    // Before the CRD, kubectl's validator falls back to /openapi/v2 (protobuf) and then reports the missing kind as it
    // does against a real cluster; with a media type Go cannot parse, it failed with "mime: unexpected content".
    Result early = kubectlAllowingFailure("apply", "-f", agent.toString());
    assertThat(early.exitCode()).isEqualTo(1);
    assertThat(early.err()).contains("no matches for kind \"DatadogAgent\" in version \"datadoghq.com/v2alpha1\"",
        "ensure CRDs are installed first");
    Path crd = dir.resolve("crd.json");
    Files.writeString(crd, Json.write(OperatorInstall.crd().json()));
    assertThat(kubectl("apply", "-f", crd.toString()).out())
        .isEqualTo("customresourcedefinition.apiextensions.k8s.io/datadogagents.datadoghq.com created\n");
    assertThat(kubectl("apply", "-f", agent.toString()).out()).isEqualTo("datadogagent.datadoghq.com/datadog created\n");
    assertThat(kubectl("apply", "-f", agent.toString()).out()).isEqualTo("datadogagent.datadoghq.com/datadog unchanged\n");
    assertThat(kubectl("apply", "--server-side", "-f", agent.toString()).out())
        .isEqualTo("datadogagent.datadoghq.com/datadog serverside-applied\n");
    List<String> lines = kubectl("get", "datadogagents").out().lines().toList();
    assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "AGENT", "CLUSTER-AGENT", "AGE");
    assertThat(lines.get(1)).startsWith("datadog ");
    assertThat(kubectl("get", "dd", "datadog", "-o", "jsonpath={.spec.global.site}").out()).isEqualTo("us5.datadoghq.com");
  }

  @Test
  @Order(4)
  void getPodsAllNamespacesWatch_streamsChanges() throws Exception {
    Process watch = new ProcessBuilder(command("get", "pods", "-A", "-w")).redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ended) {
        // the process was stopped
      }
    });
    reader.start();
    try {
      // No pods yet: kubectl prints nothing until the first event. Whether the pod is created before or after the
      // watch opens, it shows up: in the initial list, or as an ADDED event.
      Path pod = dir.resolve("pod.yaml");
      Files.writeString(pod, "apiVersion: v1\nkind: Pod\nmetadata: {name: watched, namespace: kube-system}\n"
          + "spec:\n  containers: [{name: c, image: busybox}]\n");
      kubectl("apply", "-f", pod.toString());
      String line = next(lines, "watched");
      // The simulated kubelet may have started the pod before kubectl's watch opened (a loaded machine): then its
      // first line already shows the next status kubectl prints for it.
      String[] columns = line.split("\\s+");
      assertThat(columns).startsWith("kube-system", "watched", "0/1");
      assertThat(columns[3]).isIn("Pending", "ContainerCreating");
      assertThat(columns[4]).isEqualTo("0");
      assertThat(kubectl("delete", "-f", pod.toString()).out()).isEqualTo("pod \"watched\" deleted\n");
      assertThat(next(lines, "watched")).startsWith("kube-system");
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(5)
  void delete_removesTheObject() throws Exception {
    assertThat(kubectl("delete", "secret", "datadog-secret").out()).isEqualTo("secret \"datadog-secret\" deleted\n");
    Result missing = kubectlAllowingFailure("get", "secret", "datadog-secret");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("Error from server (NotFound): secrets \"datadog-secret\" not found");
  }

  @Test
  @Order(6)
  void explainDeploymentSpec_showsKubernetesFieldDocumentation() throws Exception {
    String out = kubectl("explain", "deployment.spec").out();
    assertThat(out).contains("KIND:       Deployment", "VERSION:    v1", "FIELD: spec <DeploymentSpec>",
        "DeploymentSpec is the specification of the desired behavior of the", "replicas\t<integer>",
        "template\t<PodTemplateSpec> -required-");
  }

  @Test
  @Order(7)
  void daemonSet_appliedWithKubectl_runsOnEveryNode_becauseTheSimulationKeepsRunning() throws Exception {
    Path daemonSet = agentDaemonSet(dir);
    kubectl("apply", "-f", daemonSet.toString());
    // kube-controller-manager's DaemonSet controller creates a pod per node, the scheduler binds them and each
    // kubelet pulls the image and starts the container: seconds of virtual time, which follows the wall clock.
    assertThat(kubectl("rollout", "status", "daemonset/agent", "--timeout=50s").out())
        .contains("daemon set \"agent\" successfully rolled out");
    List<String> pods = kubectl("get", "pods", "-l", "app=agent", "--no-headers",
        "-o", "custom-columns=NODE:.spec.nodeName,PHASE:.status.phase").out().lines().sorted().toList();
    assertThat(pods).containsExactly("node-0   Running", "node-1   Running", "node-2   Running");
    assertThat(server.failure()).isNull();
  }

  @Test
  @Order(8)
  void imperativeCreates_sendProtobufBodies_andStoreWhatTheJsonFormWouldStore() throws Exception {
    // kubectl 1.32's typed clients send built-in kinds as application/vnd.kubernetes.protobuf.
    assertThat(kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=0").out())
        .isEqualTo("deployment.apps/web created\n");
    assertThat(kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"
        + " {.spec.template.spec.containers[0].imagePullPolicy}").out())
        .as("the explicit zero is kept and the server's defaults fill the rest").isEqualTo("0 nginx:1.25 IfNotPresent");
    assertThat(kubectl("create", "secret", "generic", "creds", "--from-literal=token=s3cret").out())
        .isEqualTo("secret/creds created\n");
    assertThat(kubectl("get", "secret", "creds", "-o", "jsonpath={.data.token}").out()).isEqualTo("czNjcmV0");
    assertThat(kubectl("create", "namespace", "team-a").out()).isEqualTo("namespace/team-a created\n");
    assertThat(kubectl("create", "configmap", "settings", "-n", "team-a", "--from-literal=level=debug").out())
        .isEqualTo("configmap/settings created\n");
    assertThat(kubectl("create", "service", "clusterip", "web", "--tcp=80:8080").out()).isEqualTo("service/web created\n");
    assertThat(kubectl("get", "service", "web", "-o", "jsonpath={.spec.ports[0].targetPort} {.spec.ports[0].nodePort}")
        .out()).isEqualTo("8080 ");
    assertThat(kubectl("create", "priorityclass", "zero", "--value=0").out())
        .isEqualTo("priorityclass.scheduling.k8s.io/zero created\n");
    assertThat(kubectl("create", "ingress", "web", "--rule=example.com/api=web:80").out())
        .isEqualTo("ingress.networking.k8s.io/web created\n");
    assertThat(kubectl("get", "ingress", "web", "-o", "jsonpath={.spec.rules[0].http.paths[0].backend.service.name}").out())
        .as("IngressRuleValue is inline in JSON").isEqualTo("web");
    Result again = kubectlAllowingFailure("create", "deployment", "web", "--image=nginx:1.25");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("deployments.apps \"web\" already exists");
  }

  @Test
  @Order(9)
  void scale_patchesTheScaleSubresource_recordedUnderTheUserAgentsProduct() throws Exception {
    kubectl("create", "deployment", "scaled", "--image=nginx:1.25", "--replicas=1");
    assertThat(kubectl("scale", "deployment", "scaled", "--replicas=3").out()).isEqualTo("deployment.apps/scaled scaled\n");
    assertThat(kubectl("get", "deployment", "scaled", "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("3");
    // kubectl scale names no field manager: kube-apiserver records the user agent's product, "kubectl".
    assertThat(kubectl("get", "deployment", "scaled", "-o",
        "jsonpath={range .metadata.managedFields[*]}{.manager}:{.subresource} {end}").out()).contains("kubectl:scale");
    assertThat(kubectl("get", "--raw", "/apis/apps/v1/namespaces/default/deployments/scaled/scale").out())
        .contains("\"kind\":\"Scale\"", "\"spec\":{\"replicas\":3}", "\"selector\":\"app=scaled\"");
    Result stale = kubectlAllowingFailure("scale", "deployment", "scaled", "--replicas=1", "--current-replicas=2");
    assertThat(stale.err()).contains("Expected replicas to be 2, was 3");
  }

  @Test
  @Order(10)
  void diffAndServerDryRuns_showTheOutcome_andChangeNothing() throws Exception {
    Path file = dir.resolve("dry.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: dry, namespace: default}
        data: {level: info}
        """);
    assertThat(kubectl("apply", "-f", file.toString(), "--dry-run=server").out())
        .isEqualTo("configmap/dry created (server dry run)\n");
    assertThat(kubectlAllowingFailure("get", "configmap", "dry").exitCode()).isEqualTo(1);
    kubectl("apply", "-f", file.toString());
    Files.writeString(file, Files.readString(file).replace("info", "debug"));
    // kubectl diff patches with dryRun=All and compares: exit code 1 means "differences found".
    Result diff = kubectlAllowingFailure("diff", "-f", file.toString());
    assertThat(diff.exitCode()).as(diff.err()).isEqualTo(1);
    assertThat(diff.out()).contains("-  level: info", "+  level: debug");
    assertThat(kubectl("get", "configmap", "dry", "-o", "jsonpath={.data.level}").out()).isEqualTo("info");
    assertThat(kubectl("delete", "configmap", "dry", "--dry-run=server").out())
        .isEqualTo("configmap \"dry\" deleted (server dry run)\n");
    assertThat(kubectl("get", "configmap", "dry", "-o", "jsonpath={.data.level}").out()).isEqualTo("info");
  }

  @Test
  @Order(11)
  void authCanIAndWhoami_askTheServersRbac() throws Exception {
    assertThat(kubectl("auth", "can-i", "create", "pods").out()).isEqualTo("yes\n");
    Result bob = kubectlAllowingFailure("auth", "can-i", "create", "pods", "--as=bob");
    assertThat(bob.exitCode()).isEqualTo(1);
    assertThat(bob.out()).isEqualTo("no\n");
    kubectl("create", "rolebinding", "bob-edits", "--clusterrole=cluster-admin", "--user=bob", "-n", "default");
    assertThat(kubectl("auth", "can-i", "create", "pods", "--as=bob", "-n", "default").out()).isEqualTo("yes\n");
    assertThat(kubectl("auth", "whoami", "--as=bob", "--as-group=devs").out())
        .contains("Username    bob").contains("Groups      [devs system:authenticated]");
  }

  @Test
  @Order(12)
  void drain_evictsThroughTheDisruptionBudget() throws Exception {
    kubectl("create", "deployment", "guarded", "--image=nginx:1.25", "--replicas=2");
    kubectl("create", "poddisruptionbudget", "guarded", "--selector=app=guarded", "--min-available=1");
    assertThat(kubectl("rollout", "status", "deployment/guarded", "--timeout=50s").out()).contains("successfully rolled out");
    String node = kubectl("get", "pods", "-l", "app=guarded", "-o", "jsonpath={.items[0].spec.nodeName}").out();
    // The disruption controller has seen both pods Ready: one disruption is allowed.
    for (int i = 0; i < 50 && !kubectl("get", "pdb", "guarded", "-o", "jsonpath={.status.disruptionsAllowed}").out()
        .equals("1"); i++) {
      Thread.sleep(200);
    }
    assertThat(kubectl("get", "pdb", "guarded").out().lines().findFirst().orElseThrow().split("\\s{2,}"))
        .containsExactly("NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE");
    Result drain = kubectl("drain", node, "--ignore-daemonsets", "--pod-selector=app=guarded", "--timeout=50s");
    assertThat(drain.out()).contains("evicting pod default/guarded-", "evicted", "node/" + node + " drained");
    kubectl("uncordon", node);
  }

  @Test
  @Order(13)
  void createToken_authenticatesAsTheServiceAccount_untilItIsDeleted() throws Exception {
    kubectl("create", "serviceaccount", "robot");
    String token = kubectl("create", "token", "robot").out().trim();
    assertThat(kubectl("--token=" + token, "auth", "whoami").out()).contains("system:serviceaccount:default:robot");
    assertThat(kubectlAllowingFailure("--token=" + token, "get", "secrets").err())
        .contains("User \"system:serviceaccount:default:robot\" cannot list resource \"secrets\"");
    kubectl("delete", "serviceaccount", "robot");
    assertThat(kubectlAllowingFailure("--token=" + token, "get", "pods").err()).contains("Unauthorized");
  }

  @Test
  @Order(14)
  void unknownFields_areRefusedByDefault_warnedOrDropped_asKubectlsValidateFlagAsks() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: typo, namespace: default}
        data: {level: info}
        dta: {level: debug}
        """);
    // kubectl sends fieldValidation=Strict unless told otherwise.
    Result strict = kubectlAllowingFailure("apply", "-f", file.toString());
    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.err()).contains("Error from server (BadRequest): error when creating \"" + file
        + "\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"dta\"");
    Result serverSide = kubectlAllowingFailure("apply", "--server-side", "-f", file.toString());
    assertThat(serverSide.err()).contains("Error from server: failed to create typed patch object (default/typo; /v1, "
        + "Kind=ConfigMap): .dta: field not declared in schema");
    Result warned = kubectl("apply", "--validate=warn", "-f", file.toString());
    assertThat(warned.out()).isEqualTo("configmap/typo created\n");
    assertThat(warned.err()).as("one warning, once").isEqualTo("Warning: unknown field \"dta\"\n");
    assertThat(kubectl("get", "configmap", "typo", "-o", "jsonpath={.data.level}").out()).isEqualTo("info");
    // A custom resource is checked against its CRD's structural schema (installed by the DatadogAgent test above).
    Path agent = dir.resolve("typo-agent.yaml");
    Files.writeString(agent, Files.readString(resource("datadog-agent.yaml")).replace("name: datadog\n", "name: typo\n")
        .replace("  features:", "  featurs:"));
    assertThat(kubectlAllowingFailure("apply", "-f", agent.toString()).err()).contains("DatadogAgent in version "
        + "\"v2alpha1\" cannot be handled as a DatadogAgent: strict decoding error: unknown field \"spec.featurs\"");
  }

  @Test
  @Order(15)
  void serverSideApply_mergesACustomResourcesKeyedList_betweenFieldManagers() throws Exception {
    Path crd = dir.resolve("routes-crd.yaml");
    Files.writeString(crd, oneVersionCrd("example.com", "Route", "routes", """
        properties:
          backends:
            type: array
            x-kubernetes-list-type: map
            x-kubernetes-list-map-keys: [name]
            items: {type: object, required: [name], properties: {name: {type: string}, port: {type: integer}}}
          owners: {type: array, items: {type: string}}
        """));
    kubectl("apply", "-f", crd.toString());
    kubectl("wait", "--for", "condition=established", "--timeout=30s", "crd/routes.example.com");
    String route = "apiVersion: example.com/v1\nkind: Route\nmetadata: {name: r, namespace: default}\nspec: %s\n";
    Path alice = dir.resolve("route-alice.yaml");
    Files.writeString(alice, route.formatted("{backends: [{name: web, port: 80}], owners: [alice]}"));
    Path bob = dir.resolve("route-bob.yaml");
    Files.writeString(bob, route.formatted("{backends: [{name: metrics, port: 9090}]}"));
    kubectl("apply", "--server-side", "--field-manager=alice", "-f", alice.toString());
    kubectl("apply", "--server-side", "--field-manager=bob", "-f", bob.toString());
    assertThat(kubectl("get", "route", "r", "-o", "jsonpath={.spec.backends[*].name}").out())
        .as("each manager's item, merged by key").isEqualTo("web metrics");
    Path takeOver = dir.resolve("route-bob-owners.yaml");
    Files.writeString(takeOver, route.formatted("{owners: [bob]}"));
    Result conflict = kubectlAllowingFailure("apply", "--server-side", "--field-manager=bob", "-f", takeOver.toString());
    assertThat(conflict.exitCode()).isEqualTo(1);
    assertThat(conflict.err()).as("an unmarked list is atomic, and alice owns it")
        .contains("Apply failed with 1 conflict: conflict with \"alice\": .spec.owners");
  }

  @Test
  @Order(16)
  void everyServedVersionOfACrd_isServed_storedInTheStorageVersion_andADeprecatedOneWarns() throws Exception {
    // A group of its own: kubectl's disk cache keeps each group version's resource list, and an example.org/v1 list
    // cached before this CRD (routes, above) would hide gadgets at v1 until the cache expires.
    Path crd = dir.resolve("gadgets-crd.yaml");
    String schema = "{openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}";
    Files.writeString(crd, """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.org}
        spec:
          group: example.org
          scope: Namespaced
          names: {kind: Gadget, plural: gadgets}
          versions:
            - {name: v1alpha1, served: true, storage: false, deprecated: true, schema: %s}
            - {name: v1, served: true, storage: true, schema: %s}
        """.formatted(schema, schema));
    kubectl("apply", "-f", crd.toString());
    kubectl("wait", "--for", "condition=established", "--timeout=30s", "crd/gadgets.example.org");
    assertThat(kubectl("api-versions").out()).contains("example.org/v1\n", "example.org/v1alpha1\n");
    Path old = dir.resolve("gadget-v1alpha1.yaml");
    Files.writeString(old, "apiVersion: example.org/v1alpha1\nkind: Gadget\nmetadata: {name: g, namespace: default}\n"
        + "spec: {size: 1}\n");
    String warning = "Warning: example.org/v1alpha1 Gadget is deprecated; use example.org/v1 Gadget\n";
    Result created = kubectl("apply", "-f", old.toString());
    assertThat(created.out()).isEqualTo("gadget.example.org/g created\n");
    assertThat(created.err()).contains(warning);
    Result atOld = kubectl("get", "gadgets.v1alpha1.example.org", "g", "-o", "jsonpath={.apiVersion} {.spec.size}");
    assertThat(atOld.out()).isEqualTo("example.org/v1alpha1 1");
    assertThat(atOld.err()).isEqualTo(warning);
    Result preferred = kubectl("get", "gadget", "g", "-o", "jsonpath={.apiVersion} {.spec.size}");
    assertThat(preferred.out()).as("kubectl reads the preferred version").isEqualTo("example.org/v1 1");
    assertThat(preferred.err()).isEmpty();
  }

  @Test
  @Order(17)
  void crdValidationRules_refuseWhatTheirCelRulesRefuse_andACrdWhoseRuleDoesNotCompile() throws Exception {
    String spec = """
        x-kubernetes-validations: [{rule: "%s", message: "min must not exceed max"}]
        properties: {min: {type: integer}, max: {type: integer}}
        """;
    Path bad = dir.resolve("bads-crd.yaml");
    Files.writeString(bad, oneVersionCrd("example.net", "Bad", "bads", spec.formatted("self.min <= self.maximum")));
    Result refused = kubectlAllowingFailure("apply", "-f", bad.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: "
        + "Invalid value: apiextensions.ValidationRule{Rule:\"self.min <= self.maximum\"", "compilation failed: "
        + "ERROR: <input>:1:17: undefined field 'maximum'");
    Path quotas = dir.resolve("quotas-crd.yaml");
    Files.writeString(quotas, oneVersionCrd("example.net", "Quota", "quotas", spec.formatted("self.min <= self.max")));
    kubectl("apply", "-f", quotas.toString());
    kubectl("wait", "--for", "condition=established", "--timeout=30s", "crd/quotas.example.net");
    Path quota = dir.resolve("quota.yaml");
    String object = "apiVersion: example.net/v1\nkind: Quota\nmetadata: {name: q, namespace: default}\nspec: %s\n";
    Files.writeString(quota, object.formatted("{min: 1, max: 2}"));
    assertThat(kubectl("apply", "-f", quota.toString()).out()).isEqualTo("quota.example.net/q created\n");
    Files.writeString(quota, object.formatted("{min: 3, max: 2}"));
    Result invalid = kubectlAllowingFailure("apply", "-f", quota.toString());
    assertThat(invalid.exitCode()).isEqualTo(1);
    assertThat(invalid.err()).contains("The Quota \"q\" is invalid: spec: Invalid value: \"object\": min must not exceed max");
  }

  @Test
  @Order(18)
  void aLeftoverWebhook_blocksWhatItMatches_untilItIsRemoved() throws Exception {
    kubectl("create", "namespace", "guarded");
    Path webhook = dir.resolve("leftover-webhook.yaml");
    Files.writeString(webhook, """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: leftover}
        webhooks:
          - name: inject.leftover.example.com
            admissionReviewVersions: [v1]
            sideEffects: None
            clientConfig: {service: {namespace: guarded, name: gone, path: /inject}}
            namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: guarded}}
            rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
        """);
    kubectl("apply", "-f", webhook.toString());
    Result blocked = kubectlAllowingFailure("create", "configmap", "settings", "-n", "guarded", "--from-literal=a=1");
    assertThat(blocked.exitCode()).isEqualTo(1);
    assertThat(blocked.err()).contains("Internal error occurred: failed calling webhook \"inject.leftover.example.com\": "
        + "failed to call webhook: Post \"https://gone.guarded.svc:443/inject?timeout=10s\": service \"gone\" not found");
    kubectl("delete", "mutatingwebhookconfiguration", "leftover");
    assertThat(kubectl("create", "configmap", "settings", "-n", "guarded", "--from-literal=a=1").out())
        .isEqualTo("configmap/settings created\n");
  }

  @Test
  @Order(19)
  void aValidatingAdmissionPolicy_refusesWhatItsBindingDenies() throws Exception {
    kubectl("create", "namespace", "policed");
    Path policy = dir.resolve("replicas-policy.yaml");
    Files.writeString(policy, """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: max-replicas.example.com}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
          validations: [{expression: "object.spec.replicas <= 5"}]
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: max-replicas}
        spec:
          policyName: max-replicas.example.com
          validationActions: [Deny]
          matchResources: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: policed}}}
        """);
    kubectl("apply", "-f", policy.toString());
    Result refused = kubectlAllowingFailure("create", "deployment", "big", "-n", "policed", "--image=nginx:1.27", "--replicas=6");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("error: failed to create deployment: deployments.apps \"big\" is forbidden: "
        + "ValidatingAdmissionPolicy 'max-replicas.example.com' with binding 'max-replicas' denied request: failed "
        + "expression: object.spec.replicas <= 5\n");
    assertThat(kubectl("create", "deployment", "small", "-n", "policed", "--image=nginx:1.27", "--replicas=2").out())
        .isEqualTo("deployment.apps/small created\n");
    // kubectl apply prints the Status's cause as the Kubernetes docs show it: "The deployments "nginx" is invalid: : …".
    Path big = dir.resolve("big-deployment.yaml");
    Files.writeString(big, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big, namespace: policed}
        spec:
          replicas: 6
          selector: {matchLabels: {app: big}}
          template:
            metadata: {labels: {app: big}}
            spec: {containers: [{name: web, image: nginx:1.27}]}
        """);
    Result applied = kubectlAllowingFailure("apply", "-f", big.toString());
    assertThat(applied.exitCode()).isEqualTo(1);
    assertThat(applied.err()).contains("The deployments \"big\" is invalid: : ValidatingAdmissionPolicy "
        + "'max-replicas.example.com' with binding 'max-replicas' denied request: failed expression: object.spec.replicas <= 5");
  }

  @Test
  @Order(20)
  void aConversionWebhookWhoseServiceIsGone_failsReadsAtTheOtherVersion_whileTheStorageVersionStillServes() throws Exception {
    kubectl("create", "namespace", "converting");
    Path crd = dir.resolve("dials-crd.yaml");
    Files.writeString(crd, """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: dials.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Dial, plural: dials}
          conversion:
            strategy: Webhook
            webhook:
              conversionReviewVersions: [v1]
              clientConfig: {service: {namespace: converting, name: converter, path: /convert}}
          versions:
            - name: v1
              served: true
              storage: true
              schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
            - name: v2
              served: true
              storage: false
              schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {replicas: {type: integer}}}}}}
        """);
    kubectl("apply", "-f", crd.toString());
    kubectl("wait", "--for", "condition=established", "--timeout=30s", "crd/dials.example.com");
    Path dial = dir.resolve("dial.yaml");
    Files.writeString(dial, """
        apiVersion: example.com/v1
        kind: Dial
        metadata: {name: volume, namespace: converting}
        spec: {size: 3}
        """);
    kubectl("apply", "-f", dial.toString());

    // kubernetes/kubernetes#109603: "We can list the v1 but not v1beta1".
    assertThat(kubectl("get", "dials.v1.example.com", "volume", "-n", "converting", "-o", "jsonpath={.spec.size}").out())
        .isEqualTo("3");
    Result failed = kubectlAllowingFailure("get", "dials.v2.example.com", "volume", "-n", "converting");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err()).isEqualTo("Error from server: conversion webhook for example.com/v1, Kind=Dial failed: Post "
        + "\"https://converter.converting.svc:443/convert?timeout=30s\": service \"converter\" not found\n");
  }

  @Test
  @Order(21)
  void aWebhookAtAUrl_isCalledOverHttps_asEnvtestCallsAnOperatorsWebhookServer() throws Exception {
    kubectl("create", "namespace", "webhooked");
    try (LoopbackWebhookServer webhook = LoopbackWebhookServer.start(KubectlIT::injected)) {
      Path configuration = dir.resolve("network-webhook.yaml");
      Files.writeString(configuration, """
          apiVersion: admissionregistration.k8s.io/v1
          kind: MutatingWebhookConfiguration
          metadata: {name: network}
          webhooks:
            - name: inject.network.example.com
              admissionReviewVersions: [v1]
              sideEffects: None
              clientConfig: {url: "%s", caBundle: "%s"}
              namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: webhooked}}
              rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
          """.formatted(webhook.url("/inject"), webhook.caBundle()));
      kubectl("apply", "-f", configuration.toString());
      kubectl("create", "configmap", "settings", "-n", "webhooked", "--from-literal=a=1");

      assertThat(kubectl("get", "configmap", "settings", "-n", "webhooked", "-o", "jsonpath={.metadata.labels.injected}")
          .out()).isEqualTo("over-the-network");
      assertThat(webhook.requests()).containsExactly("POST /inject?timeout=10s");
      kubectl("delete", "mutatingwebhookconfiguration", "network");
    }
  }

  @Test
  @Order(22)
  void aWebhookAtAService_isPostedToTheAddressWebhookServiceGives_withTheConfigurationWrittenForACluster()
      throws Exception {
    // kubebuilder's layout: the webhook configuration names Service webhook-system/webhook-service, and the
    // certificate is made for webhook-service.webhook-system.svc.
    Path manifests = dir.resolve("service-webhook.yaml");
    Files.writeString(manifests, """
        apiVersion: v1
        kind: Namespace
        metadata: {name: webhook-system}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: webhook-service, namespace: webhook-system}
        spec:
          ports: [{port: 443, targetPort: 9443}]
          selector: {control-plane: controller-manager}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: operator}
        webhooks:
          - name: mconfigmap.operator.example.com
            admissionReviewVersions: [v1]
            sideEffects: None
            clientConfig:
              service: {name: webhook-service, namespace: webhook-system, path: /mutate--v1-configmap}
              caBundle: "%s"
            namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: webhook-system}}
            rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
        """.formatted(operatorWebhooks.caBundle()));
    kubectl("apply", "-f", manifests.toString());
    kubectl("create", "configmap", "settings", "-n", "webhook-system", "--from-literal=a=1");

    assertThat(kubectl("get", "configmap", "settings", "-n", "webhook-system", "-o",
        "jsonpath={.metadata.labels.injected}").out()).isEqualTo("over-the-network");
    assertThat(operatorWebhooks.requests()).containsExactly("POST /mutate--v1-configmap?timeout=10s");
    kubectl("delete", "mutatingwebhookconfiguration", "operator");
  }

  @Test
  @Order(23)
  void logs_ofARunningSimulatedPod_areEmpty_aContainerThePodLacksIsRefused_andExecSaysWhyItCannot() throws Exception {
    kubectl("run", "logged", "-n", "default", "--image=nginx:1.27");
    kubectl("wait", "--for=condition=Ready", "pod/logged", "-n", "default", "--timeout=60s");

    Result logs = kubectl("logs", "logged", "-n", "default");
    assertThat(logs.out()).isEmpty();
    // Asked of the server directly (kubectl checks the name itself first): kube-apiserver's 400.
    Result raw = kubectlAllowingFailure("get", "--raw", "/api/v1/namespaces/default/pods/logged/log?container=nope");
    assertThat(raw.exitCode()).isNotZero();
    assertThat(raw.err()).contains("container nope is not valid for pod logged");
    // kubectl exec tries a WebSocket, then SPDY: both reach the pod's checks, then a refusal that says why.
    Result exec = kubectlAllowingFailure("exec", "logged", "-n", "default", "--", "ls");
    assertThat(exec.exitCode()).isNotZero();
    assertThat(exec.err()).contains("Error from server (BadRequest): cannot exec into container \"logged\" of pod "
        + "\"logged\"", "the kubelets of the in-memory cluster run no container processes");
    kubectl("delete", "pod", "logged", "-n", "default", "--wait=false");
  }

  @Test
  @Order(24)
  void job_runsToCompletion_andKubectlWaitsForIt() throws Exception {
    Path job = Files.writeString(dir.resolve("job.yaml"), """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate, namespace: default}
        spec:
          completions: 2
          template:
            metadata: {annotations: {sim.converge.dev/run-for: 1s}}
            spec:
              restartPolicy: Never
              containers: [{name: migrate, image: busybox:1.36}]
        """);
    kubectl("apply", "-f", job.toString());
    // Each pod pulls, runs 1 s and exits 0; the Job controller counts it and creates the next: seconds of the
    // wall clock, which the virtual one follows.
    assertThat(kubectl("wait", "--for=condition=complete", "job/migrate", "-n", "default", "--timeout=60s").out())
        .contains("job.batch/migrate condition met");
    assertThat(kubectl("get", "job", "migrate", "-n", "default", "--no-headers").out())
        .matches("migrate\\s+Complete\\s+2/2\\s+\\d+s\\s+\\d+s\\s*");
    assertThat(kubectl("get", "pods", "-n", "default", "-l", "batch.kubernetes.io/job-name=migrate", "--no-headers",
        "-o", "custom-columns=PHASE:.status.phase,FINALIZERS:.metadata.finalizers").out().lines())
        .containsExactly("Succeeded   <none>", "Succeeded   <none>");
    kubectl("delete", "job", "migrate", "-n", "default");
  }

  @Test
  @Order(25)
  void cronJob_listsWithItsColumns_refusesABadSchedule_andAJobFromItIsUnexpected() throws Exception {
    kubectl("create", "cronjob", "nightly", "-n", "default", "--image=busybox:1.36", "--schedule=0 3 * * *");
    assertThat(kubectl("get", "cronjob", "nightly", "-n", "default", "--no-headers").out())
        .matches("nightly\\s+0 3 \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+<none>\\s+\\d+s\\s*");
    Result bad = kubectlAllowingFailure("create", "cronjob", "bad", "-n", "default", "--image=busybox:1.36",
        "--schedule=61 * * * *");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("spec.schedule: Invalid value: \"61 * * * *\"");

    // kubectl create job --from makes the CronJob the Job's controller; the CronJob controller did not create it.
    kubectl("create", "job", "manual", "-n", "default", "--from=cronjob/nightly");
    assertThat(kubectl("get", "job", "manual", "-n", "default", "-o",
        "jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}")
        .out()).isEqualTo("CronJob/manual");
    String reasons = "";
    for (int i = 0; i < 40 && !reasons.contains("UnexpectedJob"); i++) {
      Thread.sleep(250);
      reasons = kubectl("get", "events", "-n", "default", "--field-selector", "involvedObject.name=nightly",
          "-o", "jsonpath={.items[*].reason}").out();
    }
    assertThat(reasons).contains("UnexpectedJob");
    kubectl("delete", "cronjob", "nightly", "-n", "default");
  }

  /**
   * A namespaced CRD with one version, {@code v1}, whose schema has an object {@code spec} described by {@code
   * specSchema} (YAML, as if at the top level).
   */
  private static String oneVersionCrd(String group, String kind, String plural, String specSchema) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: %s.%s}
        spec:
          group: %s
          scope: Namespaced
          names: {kind: %s, plural: %s}
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
        """.formatted(plural, group, group, kind, plural) + specSchema.indent(14);
  }

  /** Writes DaemonSet {@code default/agent} (label {@code app=agent}, image {@code datadog/agent:7}) into {@code dir}. */
  static Path agentDaemonSet(Path dir) throws IOException {
    return Files.writeString(dir.resolve("daemonset.yaml"), """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: default}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              containers: [{name: agent, image: datadog/agent:7}]
        """);
  }

  /** The next line mentioning {@code text}, within 20 seconds. */
  private static String next(BlockingQueue<String> lines, String text) throws InterruptedException {
    while (true) {
      String line = lines.poll(20, TimeUnit.SECONDS);
      assertThat(line).as("a watch line mentioning " + text).isNotNull();
      if (line.contains(text)) {
        return line;
      }
    }
  }

  @Test
  @Order(26)
  void aPodWhoseImageTheRegistryLacks_showsErrImagePull_withContainerdsNotFound() throws Exception {
    kubectl("run", "typo", "-n", "default", "--image=" + MISSING_IMAGE);
    kubectl("wait", "--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=ErrImagePull", "pod/typo",
        "-n", "default", "--timeout=60s");
    String row = kubectl("get", "pod", "typo", "-n", "default", "--no-headers").out();
    assertThat(row).containsPattern("typo\\s+0/1\\s+ErrImagePull\\s+0");
    assertThat(kubectl("get", "events", "-n", "default", "--field-selector", "involvedObject.name=typo").out())
        .contains("Failed to pull image \"" + MISSING_IMAGE + "\": rpc error: code = NotFound");
    kubectl("delete", "pod", "typo", "-n", "default", "--wait=false");
  }

  private static Result kubectl(String... args) {
    Result result = kubectlAllowingFailure(args);
    assertThat(result.exitCode()).as("kubectl " + String.join(" ", args) + "\n" + result.err()).isZero();
    return result;
  }

  private static Result kubectlAllowingFailure(String... args) {
    return Kubectl.of(server.kubeconfig(), dir).run(args);
  }

  private static List<String> command(String... args) {
    return Kubectl.of(server.kubeconfig(), dir).command(args);
  }

  private static Path resource(String name) throws Exception {
    return Path.of(KubectlIT.class.getResource("/examples/" + name).toURI());
  }
}
