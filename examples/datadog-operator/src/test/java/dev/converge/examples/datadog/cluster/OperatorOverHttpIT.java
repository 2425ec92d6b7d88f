package dev.converge.examples.datadog.cluster;

import static com.google.common.base.Preconditions.checkState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.Outcome;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.api.backend.Selection;
import dev.converge.core.drive.ThreadedDriver;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.PassResult;
import dev.converge.core.plan.Planner;
import dev.converge.examples.datadog.DatadogAgentReconciler;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.AgentManifests;
import dev.converge.examples.datadog.install.OperatorInstall;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.http.HttpFront;
import dev.converge.inmemory.server.Identity;
import dev.converge.k8s.KubeconfigContext;
import dev.converge.k8s.KubernetesBackend;
import dev.converge.k8s.KubernetesBackendOptions;
import dev.converge.k8s.LeaderElection;
import dev.converge.k8s.LeaderElectionSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DatadogAgent operator as it runs in a pod, against {@code converge serve}: the real {@link ControlLoop}
 * driven by a {@link ThreadedDriver} in real time, over {@link KubernetesBackend} (informers, server-side apply)
 * and the in-memory cluster's HTTP front, authenticated as the operator's ServiceAccount so RBAC applies to every
 * request. The cluster has the operator installed from {@link OperatorInstall}'s graph and {@link WorkloadStandIn}
 * for the workload controllers.
 *
 * <ul>
 *   <li>The shared examples converge, and the next pass writes nothing and sends no request: the driver's loop
 *       reads through its watch cache.
 *   <li>Two operator instances, each with its own connection and a {@link LeaderElection} on one Lease (lease 2 s,
 *       renew 1 s, retry 200 ms): only the leader reconciles. When the leader stops (closes, releasing the Lease)
 *       the other takes over within one lease duration and reconciles the next change. When the leader's
 *       connection dies instead (it can no longer renew, nor write), the other takes over once the Lease expires,
 *       measured from the moment the connection died.
 * </ul>
 */
class OperatorOverHttpIT {
  private static final String NAMESPACE = DatadogFixtures.NAMESPACE;
  private static final Identity OPERATOR = Identity.serviceAccount(NAMESPACE, OperatorInstall.NAME);
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration RENEW = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofMillis(200);
  private static final ResourceKey DDA = ResourceKey.namespaced(DatadogAgent.GROUP, DatadogAgent.KIND, NAMESPACE, "datadog");

  @TempDir Path dir;
  private InMemoryCluster cluster;
  private final List<Replica> replicas = new ArrayList<>();

  @BeforeEach
  void installOperator() {
    cluster = InMemoryCluster.create(Ticker.system(), 42);
    WorkloadStandIn.install(cluster, 3);
    DesiredGraph install = OperatorInstall.graph(NAMESPACE);
    Observed before = cluster.backend().observe(Selection.keys(install.resources().keySet()));
    ExecutionReport report = PlanExecutor.create(cluster.backend()).execute(Planner.defaults().plan(install, before), before);
    checkState(report.isComplete(), "operator install failed: %s", report);
  }

  @AfterEach
  void stop() {
    replicas.forEach(Replica::close);
  }

  /** {@code kubectl create -n datadog -f} of the shared Secret and DatadogAgent, as an administrator. */
  private void createSharedExamples() {
    for (String file : List.of("datadog-secret.yaml", "datadog-agent.yaml")) {
      for (Resource resource : AgentManifests.readAll(DatadogFixtures.sharedExample(file))) {
        cluster.server().create(Identity.admin(), AgentManifests.inNamespace(resource, NAMESPACE, ""));
      }
    }
  }

  private static long awaitMillis(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new AssertionError("expected " + what + " within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static boolean convergedQuietly(PassResult pass) {
    return pass.outcome() instanceof Outcome.Converged && pass.writes() == 0;
  }

  @Test
  void operator_converges_andTheNextPassWritesNothing_norSendsAnyRequest() throws Exception {
    Replica operator = replica("a");
    operator.startDriver();
    createSharedExamples();

    awaitMillis("a converged pass that writes nothing", () -> operator.passes.stream().anyMatch(OperatorOverHttpIT::convergedQuietly),
        Duration.ofSeconds(60));

    Resource dda = cluster.backend().get(DDA).orElseThrow();
    assertThat(dda.status().path("agent").path("status").asText()).isEqualTo("Running (3/3/3)");
    assertThat(dda.status().path("clusterAgent").path("status").asText()).isEqualTo("Running (1/1/1)");
    Resource daemonSet = cluster.backend().get(ResourceKey.namespaced("apps", "DaemonSet", NAMESPACE, "datadog-agent")).orElseThrow();
    assertThat(Ownership.isOwnedBy(daemonSet, DDA)).isTrue();
    assertThat(daemonSet.json().path("metadata").path("managedFields").findValuesAsText("manager")).contains("datadog-operator");

    long mark = cluster.requests().mark();
    int before = operator.passes.size();
    operator.enqueue(DDA);
    awaitMillis("the next pass", () -> operator.passes.size() > before, Duration.ofSeconds(30));
    operator.stopDriver();
    List<RequestRecord> requests = cluster.requests().since(mark);
    List<PassResult> next = List.copyOf(operator.passes.subList(before, operator.passes.size()));

    assertThat(next).extracting(PassResult::toString).as("passes after convergence")
        .containsOnly("converged writes=0 requeue=none");
    // The driver's loop reads through its watch cache (lists and watches opened when it started): a converged
    // pass reads nothing from the server, and writes nothing.
    assertThat(requests).extracting(r -> r.verb() + " " + r.resource() + " " + r.namespace() + "/" + r.name())
        .as("requests of a converged pass").isEmpty();
  }

  @Test
  void twoInstances_onlyTheLeaderReconciles_andTheOtherTakesOverWithinOneLease_whenTheLeaderStops() throws Exception {
    Replica a = replica("a").campaign();
    awaitMillis("a leads", a::isLeader, Duration.ofSeconds(20));
    Replica b = replica("b").campaign();
    createSharedExamples();
    awaitMillis("a converges the agent", () -> a.passes.stream().anyMatch(OperatorOverHttpIT::convergedQuietly),
        Duration.ofSeconds(60));
    TimeUnit.MILLISECONDS.sleep(LEASE.toMillis()); // ten retry periods: b keeps trying and must not lead

    assertThat(b.isLeader()).isFalse();
    assertThat(b.passes).as("passes run by the follower").isEmpty();
    assertThat(b.driverStarts).isZero();

    a.closeElection(); // a clean stop: a releases the Lease
    long takeOver = awaitMillis("b leads", b::isLeader, Duration.ofSeconds(20));
    int aPasses = a.passes.size();
    editAgentTags("env:handover");
    awaitMillis("b reconciles the edit", () -> b.passes.stream().anyMatch(p -> p.writes() > 0), Duration.ofSeconds(60));

    assertThat(takeOver).as("take-over after a clean stop, ms").isLessThan(LEASE.toMillis());
    assertThat(a.passes).as("passes of the stopped leader").hasSize(aPasses);
    System.out.printf("operator hand-over on a clean stop: %d ms (lease %d ms)%n", takeOver, LEASE.toMillis());
  }

  @Test
  void twoInstances_theOtherTakesOverOnceTheLeaseExpires_whenTheLeadersConnectionDies() throws Exception {
    Replica a = replica("a").campaign();
    awaitMillis("a leads", a::isLeader, Duration.ofSeconds(20));
    Replica b = replica("b").campaign();
    createSharedExamples();
    awaitMillis("a converges the agent", () -> a.passes.stream().anyMatch(OperatorOverHttpIT::convergedQuietly),
        Duration.ofSeconds(60));
    assertThat(b.passes).isEmpty();

    a.front.close(); // a crashes as far as the cluster can tell: no renewal, no release, no write
    long takeOver = awaitMillis("b leads", b::isLeader, Duration.ofSeconds(20));
    editAgentTags("env:takeover");
    awaitMillis("b reconciles the edit", () -> b.passes.stream().anyMatch(p -> p.writes() > 0), Duration.ofSeconds(60));

    // Not before the Lease expires (b must not steal a live lease)... and within a lease duration plus the
    // follower's polling: client-go's rule counts the lease from when the follower last saw the record change,
    // which it checks every retry period (with up to 1.2x jitter), so the bound is lease + 2 x 2.2 x retry.
    long bound = LEASE.toMillis() + 2 * (RETRY.toMillis() * 22 / 10);
    assertThat(takeOver).as("take-over after the leader's connection died, ms")
        .isBetween(LEASE.toMillis() - RETRY.toMillis() * 22 / 10 - RENEW.toMillis(), bound + 1_000);
    System.out.printf("operator take-over after the leader died: %d ms (lease %d ms, bound %d ms)%n", takeOver,
        LEASE.toMillis(), bound);
  }

  private void editAgentTags(String tag) {
    Resource live = cluster.backend().get(DDA).orElseThrow();
    cluster.server().update(Identity.admin(), live.edit(tree -> tree.withObjectProperty("spec").withObjectProperty("global")
        .withArrayProperty("tags").add(tag)));
  }

  private Replica replica(String name) throws Exception {
    Replica replica = new Replica(name);
    replicas.add(replica);
    return replica;
  }

  /**
   * One operator instance: its own HTTP front on the same cluster (so its connection can die alone), a token for
   * the operator's ServiceAccount, a kubeconfig, a backend with informers, a control loop, and — while it leads,
   * or when started directly — a threaded driver.
   */
  private final class Replica implements AutoCloseable {
    final String name;
    final HttpFront front;
    final KubeconfigContext context;
    final KubernetesBackend backend;
    final ControlLoop<DatadogAgent> loop;
    final List<PassResult> passes = new CopyOnWriteArrayList<>();
    volatile int driverStarts;
    private @Nullable ThreadedDriver driver;
    private @Nullable LeaderElection election;

    Replica(String name) throws Exception {
      this.name = name;
      String token = "operator-" + name;
      this.front = HttpFront.builder(cluster.server()).token(token, OPERATOR).plainHttp().start();
      Path kubeconfig = dir.resolve(name + ".kubeconfig");
      Files.writeString(kubeconfig, front.kubeconfig(token));
      this.context = KubeconfigContext.read(kubeconfig, null);
      this.backend = context.backend(KubernetesBackendOptions.defaults().withFieldManager(OperatorInstall.NAME)
          .withInformers(Duration.ofMinutes(10)), new SimpleMeterRegistry());
      this.loop = ControlLoop.builder(backend, new DatadogAgentReconciler(), Ticker.system()).seed(42)
          .executor(PlanExecutor.builder(backend).sleeper(ThreadedDriver.realTimeSleeper()).build())
          .build();
    }

    /** Campaigns for the Lease; leads by running a driver. */
    Replica campaign() {
      LeaderElectionSettings settings = LeaderElectionSettings.of(NAMESPACE, "datadog-operator-lock", "operator-" + name)
          .withDurations(LEASE, RENEW, RETRY);
      election = context.leaderElection(settings, this::startDriver, this::stopDriver, new SimpleMeterRegistry()).start();
      return this;
    }

    /** Queues a pass over {@code primary} on the running driver. */
    synchronized void enqueue(ResourceKey primary) {
      checkState(driver != null, "%s runs no driver", name);
      driver.enqueue(primary);
    }

    boolean isLeader() {
      LeaderElection current = election;
      return current != null && current.isLeader();
    }

    /** Starts a new driver (a Guava service runs once; each term gets its own). Returns at once. */
    synchronized void startDriver() {
      ThreadedDriver started = ThreadedDriver.builder(loop).listener(passes::add).shutdownTimeout(Duration.ofSeconds(2))
          .build();
      driver = started;
      driverStarts++;
      started.startAsync();
    }

    /**
     * Stops the driver and waits until its pass in flight has ended (at most its 2 s shutdown timeout): called by
     * the election before it releases the Lease, so the next leader never reconciles beside this one.
     */
    void stopDriver() {
      ThreadedDriver current;
      synchronized (this) {
        current = driver;
        driver = null;
      }
      if (current != null) {
        current.stopAsync().awaitTerminated();
      }
    }

    void closeElection() {
      LeaderElection current = election;
      if (current != null) {
        current.close();
      }
    }

    @Override
    public void close() {
      closeElection();
      stopDriver();
      backend.close();
      front.close();
    }
  }
}
