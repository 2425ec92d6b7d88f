package dev.converge.cli.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import dev.converge.cli.serve.ConvergeServer;
import dev.converge.examples.datadog.install.OperatorInstall;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge plan|apply --kubeconfig} against {@code converge serve} in-process, through the kubeconfig it
 * writes (HTTPS with its own certificate, a bearer token) and backend-k8s: the shop fixture, the shared Secret
 * and DatadogAgent examples and the DatadogAgent CRD are planned, applied (the custom resource one pass after its
 * CRD, once Established), applied again with no write, and planned again as no change although the server
 * defaulted and added fields; an edit is planned and applied alone; {@code --owner/--prune} deletes exactly the
 * owned objects the files dropped; an unreachable server is exit code 3.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplyKubeconfigIT {
  private static final Path SHOP = Path.of("src/test/resources/fixtures/shop");
  @TempDir static Path dir;
  private static ConvergeServer server;
  private static Path kubeconfig;
  private static Path manifests;

  private record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void serve() throws Exception {
    kubeconfig = dir.resolve("converge.kubeconfig");
    server = ConvergeServer.start(2, List.of(), 0, kubeconfig, 7);
    manifests = Files.createDirectories(dir.resolve("manifests"));
    try (Stream<Path> shop = Files.list(SHOP)) {
      for (Path file : shop.toList()) {
        Files.copy(file, manifests.resolve(file.getFileName()));
      }
    }
    Files.writeString(manifests.resolve("40-datadog-crd.json"), Json.write(OperatorInstall.crd().json()));
    Files.copy(Path.of("src/test/resources/examples/datadog-secret.yaml"), manifests.resolve("50-datadog-secret.yaml"));
    Files.copy(Path.of("src/test/resources/examples/datadog-agent.yaml"), manifests.resolve("60-datadog-agent.yaml"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Run converge(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Resource live(ResourceKey key) {
    return server.cluster().backend().get(key).orElseThrow();
  }

  @Test
  @Order(1)
  void plan_ofTheLiveCluster_createsWhatIsMissing() {
    Run run = converge("plan", "-f", manifests.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    // The cluster has the namespace default already: the Secret and the DatadogAgent in it are creates too.
    assertThat(run.out()).contains("  + apiextensions.k8s.io/CustomResourceDefinition/datadogagents.datadoghq.com\n")
        .endsWith("Plan: 12 to create, 0 to update, 0 to replace, 0 to delete, in 11 steps.\n");
  }

  @Test
  @Order(2)
  void apply_createsEverything_theCustomResourceOncePastItsCrd_withProgressAndReport() {
    Run run = converge("apply", "-f", manifests.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith(
        "Apply complete: 12 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed; 12 write requests in 2 passes.\n");
    assertThat(run.out()).contains("  create datadoghq.com/DatadogAgent/default/datadog APPLIED\n",
        "  create apps/Deployment/shop/api APPLIED\n");
    assertThat(run.err()).startsWith("converge: applying 12 resources to " + server.front().url() + " (context converge)\n"
        + "converge: pass 1: 12 changes in 11 steps\n");
    assertThat(run.err()).contains("  applied apiextensions.k8s.io/CustomResourceDefinition/datadogagents.datadoghq.com\n",
        "converge: pass 2: 1 change in 1 step\n  applied datadoghq.com/DatadogAgent/default/datadog\n");
  }

  @Test
  @Order(3)
  void secondApply_ofTheSameFiles_writesNothing_andSaysSo() {
    long mutating = server.cluster().requests().mutatingTotal();

    Run run = converge("apply", "-f", manifests.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(
        "No changes: the cluster already matches the manifests; nothing was written (0 write requests).\n");
    assertThat(server.cluster().requests().mutatingTotal()).isEqualTo(mutating);
  }

  @Test
  @Order(4)
  void plan_afterApply_isEmpty_thoughTheServerDefaultedAndAddedFields() {
    // What the server holds differs from the files in every way a server adds to an object...
    Resource deployment = live(ResourceKey.namespaced("apps", "Deployment", "shop", "api"));
    assertThat(deployment.spec().path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
    assertThat(deployment.spec().path("template").path("spec").path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(deployment.json().path("metadata").path("managedFields").isArray()).isTrue();
    assertThat(live(ResourceKey.namespaced("", "Service", "shop", "api")).spec().path("clusterIP").asText()).isNotEmpty();
    Resource secret = live(ResourceKey.namespaced("", "Secret", "default", "datadog-secret"));
    assertThat(secret.json().has("stringData")).isFalse();
    assertThat(secret.json().path("data").path("api-key").asText()).isEqualTo("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    // ...and none of it is a change: only the fields the manifests set are compared.
    Run run = converge("plan", "-f", manifests.toString(), "--kubeconfig", kubeconfig.toString(), "--context", "converge");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("No changes: the actual state matches the desired state.\n");
  }

  @Test
  @Order(5)
  void anEditedManifest_isPlannedAndAppliedAlone() throws Exception {
    Path config = manifests.resolve("10-config.yaml");
    Files.writeString(config, Files.readString(config).replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));

    Run plan = converge("plan", "-f", manifests.toString(), "--kubeconfig", kubeconfig.toString());
    Run apply = converge("apply", "-f", manifests.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(plan.out()).contains("  ~ ConfigMap/shop/api-settings\n")
        .endsWith("Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, in 1 step.\n");
    assertThat(apply.exitCode()).isZero();
    assertThat(apply.out()).isEqualTo("""
        Apply complete: 1 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed; 1 write request in 1 pass.
          update ConfigMap/shop/api-settings APPLIED
        """);
    assertThat(live(ResourceKey.namespaced("", "ConfigMap", "shop", "api-settings")).json().path("data").path("LOG_LEVEL")
        .asText()).isEqualTo("debug");
  }

  @Test
  @Order(6)
  void prune_deletesExactlyTheOwnedObjectsTheFilesDropped() throws Exception {
    Path tools = Files.createDirectories(dir.resolve("tools"));
    Files.writeString(tools.resolve("a.yaml"), """
        apiVersion: v1
        kind: Namespace
        metadata: {name: tools}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: keep, namespace: tools}
        data: {k: "1"}
        """);
    Files.writeString(tools.resolve("b.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: drop, namespace: tools}
        data: {k: "2"}
        """);
    assertThat(converge("apply", "-f", tools.toString(), "--kubeconfig", kubeconfig.toString(), "--owner", "tools")
        .exitCode()).isZero();
    // Not owned by the set: no labels, and a forged label without the owner annotation.
    server.cluster().create("""
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bystander", "namespace": "tools"}}""");
    String label = live(ResourceKey.namespaced("", "ConfigMap", "tools", "drop")).labels().get("converge.dev/owner");
    server.cluster().create("""
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "forged", "namespace": "tools",
         "labels": {"converge.dev/owner": "%s"}}}""".formatted(label));
    Files.delete(tools.resolve("b.yaml"));

    Run withoutPrune = converge("apply", "-f", tools.toString(), "--kubeconfig", kubeconfig.toString(), "--owner", "tools");
    Run pruned = converge("apply", "-f", tools.toString(), "--kubeconfig", kubeconfig.toString(), "--owner", "tools",
        "--prune");

    assertThat(withoutPrune.out()).startsWith("No changes:");
    assertThat(pruned.exitCode()).isZero();
    assertThat(pruned.out()).isEqualTo("""
        Apply complete: 0 applied, 1 deleted, 0 waiting, 0 skipped, 0 failed; 1 write request in 1 pass.
          delete ConfigMap/tools/drop DELETED
        """);
    assertThat(server.cluster().backend().get(ResourceKey.namespaced("", "ConfigMap", "tools", "drop")))
        .isEmpty();
    for (String name : List.of("keep", "bystander", "forged")) {
      assertThat(live(ResourceKey.namespaced("", "ConfigMap", "tools", name)).name()).isEqualTo(name);
    }
  }

  @Test
  @Order(7)
  void anotherSetsObjects_areNotTakenOver_exitCode3_andNothingIsApplied() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("a.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: fresh, namespace: tools}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: keep, namespace: tools}
        data: {k: "other"}
        """);
    String before = live(ResourceKey.namespaced("", "ConfigMap", "tools", "keep")).resourceVersion();

    Run taken = converge("apply", "-f", other.toString(), "--kubeconfig", kubeconfig.toString(), "--owner", "other");
    Run ownerless = converge("apply", "-f", other.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(taken.exitCode()).isEqualTo(3);
    assertThat(taken.out()).isEmpty();
    assertThat(taken.err()).endsWith("error: ConfigMap/tools/keep metadata.annotations.converge.dev/owner-key: owned by"
        + " converge.dev/ManifestSet/tools, not converge.dev/ManifestSet/other\n");
    assertThat(ownerless.exitCode()).isEqualTo(3);
    assertThat(ownerless.err()).contains("owned by converge.dev/ManifestSet/tools; applied without an owner here");
    assertThat(live(ResourceKey.namespaced("", "ConfigMap", "tools", "keep")).resourceVersion()).isEqualTo(before);
    assertThat(server.cluster().backend().get(ResourceKey.namespaced("", "ConfigMap", "tools", "fresh"))).isEmpty();
  }

  @Test
  @Order(8)
  void aCustomResourceWhoseKindTheClusterDoesNotServe_isBadInput_andNothingIsApplied() throws Exception {
    Path files = Files.createDirectories(dir.resolve("gadgets"));
    Files.writeString(files.resolve("a.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: gadget-settings, namespace: default}
        ---
        apiVersion: example.com/v1
        kind: Gadget
        metadata: {name: g, namespace: default}
        """);
    String expected = "error: " + files.resolve("a.yaml") + ": document 2: kind: no CustomResourceDefinition in the input"
        + " defines example.com/Gadget (apiVersion example.com/v1), and the cluster does not serve it: install the CRD"
        + " first, or add it to the files\n";

    Run apply = converge("apply", "-f", files.toString(), "--kubeconfig", kubeconfig.toString());
    Run plan = converge("plan", "-f", files.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(apply).isEqualTo(new Run(2, "", expected));
    assertThat(plan).isEqualTo(new Run(2, "", expected));
    assertThat(server.cluster().backend().get(ResourceKey.namespaced("", "ConfigMap", "default", "gadget-settings")))
        .isEmpty();
  }

  @Test
  @Order(9)
  void unreachableCluster_isExitCode3_sayingWhatTheClientSaw() throws Exception {
    Path nowhere = dir.resolve("nowhere.kubeconfig");
    Files.writeString(nowhere, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "http://127.0.0.1:1"}
        users:
        - name: u
          user: {token: t}
        contexts:
        - name: gone
          context: {cluster: gone, user: u}
        current-context: gone
        """);

    Run run = converge("apply", "-f", SHOP.toString(), "--kubeconfig", nowhere.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("error: cluster: discovery ").contains("no answer from the API server");
  }
  @Test
  @Order(10)
  void waitForJobs_appliesWhatDependsOnAJob_onceTheServedClusterHasRunIt() throws Exception {
    Path files = Files.createDirectories(dir.resolve("migrations"));
    Files.writeString(files.resolve("app.yaml"), """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate, namespace: default}
        spec:
          template:
            metadata:
              annotations: {sim.converge.dev/run-for: 1s}
            spec:
              restartPolicy: Never
              containers: [{name: migrate, image: migrate:1}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          namespace: default
          annotations: {converge.dev/depends-on: batch/Job/default/migrate}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers: [{name: api, image: api:1}]
        """);

    Run run = converge("apply", "-f", files.toString(), "--kubeconfig", kubeconfig.toString(), "--wait-for-jobs");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("converge: waiting: waiting for batch/Job/default/migrate: Job complete: ");
    // The served cluster ran the Job (its kubelet and Job controller on the wall clock); the Deployment came after.
    Resource job = live(ResourceKey.namespaced("batch", "Job", "default", "migrate"));
    Resource api = live(ResourceKey.namespaced("apps", "Deployment", "default", "api"));
    java.time.Instant completed = java.time.Instant.parse(job.status().path("completionTime").asText());
    java.time.Instant created = java.time.Instant.parse(api.metadata().path("creationTimestamp").asText());
    assertThat(created).isAfterOrEqualTo(completed);
  }
}
