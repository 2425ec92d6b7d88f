package dev.converge.testkit.assertions;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.Ownership;
import dev.converge.api.Plan;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.core.exec.ActionStatus;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.plan.Planner;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.server.Identity;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import dev.converge.inmemory.InMemoryCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cluster, load and report assertions on a real in-memory cluster: they read without requests, count exactly
 * the requests their filters select, compute rates over ticker time, and fail naming what they counted.
 */
@InMemoryClusterTest
class ClusterAndLoadAssertTest {
  private static final Identity AGENT = Identity.serviceAccount("default", "agent");

  @Test
  void clusterAssertions_readWithoutRequests(InMemoryCluster cluster, InMemoryBackend admin) {
    ResourceKey owner = ResourceKey.parse("example.dev/App/default/web");
    admin.apply(KubeObjects.deployment("default", "web", "nginx:1.27").withLabel("team", "a")
        .withLabel(Ownership.OWNER_LABEL, Ownership.labelValue(owner)).withAnnotation(Ownership.OWNER_ANNOTATION, owner.toString()),
        ApplyOptions.defaults());
    long before = cluster.requests().total();

    assertThat(cluster).has("apps/Deployment/default/web").doesNotHave("apps/Deployment/default/api")
        .object("apps/Deployment/default/web").hasLabel("team", "a").isOwnedBy(owner)
        .hasText("spec.template.spec.restartPolicy", "Always");
    assertThat(cluster).deployment("apps/Deployment/default/web").runsImage("main", "nginx:1.27")
        .isNotReadyBecause("waiting for the controller to observe generation 1");
    assertThat(cluster.requests().total()).isEqualTo(before);

    assertThatThrownBy(() -> assertThat(cluster).deployment("apps/Deployment/default/web").isAvailable())
        .hasMessageContaining("expected apps/Deployment/default/web to pass \"Deployment available\" but it does not");
    assertThatThrownBy(() -> assertThat(cluster).ownsNothing(owner, List.of(dev.converge.api.GroupKind.of("apps", "Deployment"))))
        .hasMessageContaining("expected nothing owned by example.dev/App/default/web to remain but found [apps/Deployment/default/web]");
    assertThatThrownBy(() -> assertThat(cluster).object("apps/Deployment/default/web").isUnowned())
        .hasMessageContaining("to carry no ownership mark");
  }

  @Test
  void jobAssertions_readTheJobsConditions(InMemoryCluster cluster, InMemoryBackend admin) {
    admin.apply(dev.converge.api.Resource.of(dev.converge.api.Json.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"default"},
         "spec":{"completions":2,"template":{"spec":{"restartPolicy":"Never",
           "containers":[{"name":"main","image":"migrate:1"}]}}}}""")), ApplyOptions.defaults());

    // No Job controller in a plain in-memory cluster: nothing runs, and the assertion says so.
    assertThat(cluster).job("batch/Job/default/migrate").isNotReadyBecause("0/2 succeeded, 0 active, 0 failed");
    assertThatThrownBy(() -> assertThat(cluster).job("batch/Job/default/migrate").isComplete())
        .hasMessageContaining("to pass \"Job complete\" but it does not");
    assertThatThrownBy(() -> assertThat(cluster).job("batch/Job/default/other"))
        .hasMessageContaining("batch/Job/default/other");
  }

  @Test
  void loadAssertions_countTheSelectedRequests_andRatesOverTickerTime(InMemoryCluster cluster, VirtualScheduler clock) {
    InMemoryBackend admin = cluster.backend();
    admin.apply(KubeObjects.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"agent"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"kind":"ServiceAccount","name":"agent","namespace":"default"}]}"""), ApplyOptions.defaults());
    InMemoryBackend agent = cluster.backend(AGENT);
    long mark = cluster.requests().mark();
    for (int minute = 0; minute < 10; minute++) {
      agent.list(dev.converge.api.backend.ListRequest.all(dev.converge.api.GroupKind.of("", "Pod")));
      agent.list(dev.converge.api.backend.ListRequest.all(dev.converge.api.GroupKind.of("", "Pod")));
      clock.runFor(Duration.ofMinutes(1));
    }
    admin.apply(KubeObjects.configMap("default", "a", "k", "1"), ApplyOptions.defaults());
    admin.delete(ResourceKey.namespaced("", "ConfigMap", "default", "a"), DeleteOptions.background());

    assertThat(cluster.requests()).since(mark).forIdentity(AGENT.name()).mutating().isZero();
    assertThat(cluster.requests()).since(mark).forIdentity(AGENT.name()).forVerb("list").count().isEqualTo(20);
    assertThat(cluster.requests()).since(mark).forIdentity(AGENT.name()).ratePerMinute().isEqualTo(2.0);
    assertThat(cluster.requests()).since(mark).forIdentity(AGENT.name()).over(Duration.ofMinutes(5)).ratePerMinute()
        .isEqualTo(4.0);
    assertThat(cluster.requests()).since(mark).mutating().requests()
        .containsExactly("patch configmaps default/a 201", "delete configmaps default/a 200");
    assertThatThrownBy(() -> assertThat(cluster.requests()).since(mark).forIdentity("system:admin").mutating().isZero())
        .hasMessageContaining("expected no requests since #" + mark + " by system:admin (mutating) but there were 2")
        .hasMessageContaining("delete configmaps default/a 200");
  }

  @Test
  void reportAssertions_onAnExecution(InMemoryBackend backend) {
    DesiredGraph graph = DesiredGraph.builder()
        .add(KubeObjects.serviceAccount("default", "web"))
        .add(KubeObjects.deployment("default", "web", "nginx:1.27", 1, "web"))
        .build();
    Plan plan = Planner.defaults().plan(graph, Observed.empty());
    ExecutionReport report = PlanExecutor.create(backend).execute(plan, Observed.empty());

    assertThat(report).isComplete().hasNoFailures().hasWrites(2)
        .hasSummary("2 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed")
        .requests().containsExactly("apply ServiceAccount/default/web", "apply apps/Deployment/default/web");
    assertThat(report).action("apps/Deployment/default/web").hasStatus(ActionStatus.APPLIED).hasAttempts(1);
    assertThatThrownBy(() -> assertThat(report).action("apps/Deployment/default/web").hasStatus(ActionStatus.WAITING))
        .hasMessageContaining("expected create apps/Deployment/default/web to be WAITING");
  }
}
