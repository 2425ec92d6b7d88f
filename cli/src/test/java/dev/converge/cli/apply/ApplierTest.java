package dev.converge.cli.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Ticker;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Selection;
import dev.converge.core.manifest.ManifestReader;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.plan.Planner;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.controllers.ControllerManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Applier}, the passes of {@code converge apply}, on an in-memory cluster with a virtual clock and a
 * recording sleeper (no real waiting): a custom resource waits one pass for its CRD to be Established, then is
 * applied; a second apply of the same files writes nothing; a failure ends the run without waiting; a gate that
 * never opens ends the run at the timeout.
 */
class ApplierTest {
  private static final String WIDGETS = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        scope: Namespaced
        names: {kind: Widget, plural: widgets, singular: widget}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
      ---
      apiVersion: example.com/v1
      kind: Widget
      metadata: {name: w, namespace: default}
      spec: {size: 3}
      """;

  @TempDir Path dir;
  private final VirtualTime time = new VirtualTime();
  private final StringWriter progress = new StringWriter();

  /** A ticker that moves only when the recording sleeper sleeps. */
  private static final class VirtualTime implements Ticker {
    private long nanos;
    final List<String> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public Instant now() {
      return Instant.EPOCH.plusNanos(nanos);
    }

    void sleep(Duration duration) {
      sleeps.add("sleep " + duration);
      nanos += duration.toNanos();
    }
  }

  private ManifestSet manifests(String yaml) throws Exception {
    Path file = dir.resolve("m.yaml");
    Files.writeString(file, yaml);
    return ManifestReader.defaults().read(file);
  }

  private ApplyReport apply(InMemoryCluster cluster, ManifestSet set, Duration timeout) throws InterruptedException {
    Applier applier = new Applier(cluster.backend(), Planner.builder().types(set.types()).build(),
        ApplyOptions.manager("converge"), time::sleep, time, timeout, new PrintWriter(progress, true));
    return applier.apply(set, set.graph(), Selection.keys(set.graph().resources().keySet()));
  }

  @Test
  void customResource_waitsOnePassForItsCrd_thenIsApplied() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(time, 1);
    ApplyReport report = apply(cluster, manifests(WIDGETS), Duration.ofSeconds(60));

    assertThat(report.render()).isEqualTo("""
        Apply complete: 2 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed; 2 write requests in 2 passes.
          create apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com APPLIED
          create example.com/Widget/default/w APPLIED
        """);
    assertThat(report.isComplete()).isTrue();
    assertThat(time.sleeps).containsExactly("sleep PT1S");
    assertThat(progress.toString()).isEqualTo("""
        converge: pass 1: 2 changes in 2 steps
          applied apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com
        converge: waiting: waiting for apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com: \
        CRD Established: condition Established is not True; looking again in 1s
        converge: pass 2: 1 change in 1 step
          applied example.com/Widget/default/w
        """);
  }

  @Test
  void secondApply_ofTheSameFiles_writesNothing_andSaysSo() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(time, 1);
    ManifestSet set = manifests(WIDGETS);
    apply(cluster, set, Duration.ofSeconds(60));
    long mutating = cluster.requests().mutatingTotal();

    ApplyReport again = apply(cluster, set, Duration.ofSeconds(60));

    assertThat(again.render()).isEqualTo(
        "No changes: the cluster already matches the manifests; nothing was written (0 write requests).\n");
    assertThat(again.isComplete()).isTrue();
    assertThat(again.writes()).isZero();
    assertThat(cluster.requests().mutatingTotal()).isEqualTo(mutating);
  }

  @Test
  void failedAction_endsTheRun_withoutWaiting() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(time, 1);
    ApplyReport report = apply(cluster, manifests("""
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w, namespace: default}
        spec: {size: 3}
        """), Duration.ofSeconds(60));

    assertThat(report.isComplete()).isFalse();
    assertThat(report.passes()).isEqualTo(1);
    assertThat(report.render()).startsWith(
        "Apply incomplete: 0 applied, 0 deleted, 0 waiting, 0 skipped, 1 failed; 1 write request in 1 pass.\n"
            + "  create example.com/Widget/default/w FAILED: 404 NotFound");
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void gateThatNeverOpens_endsTheRunAtTheTimeout_sayingSo() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(time, 1);
    cluster.controllers().setMode(ControllerManager.Mode.MANUAL); // no CRD controller: never Established

    ApplyReport report = apply(cluster, manifests(WIDGETS), Duration.ofSeconds(3));

    assertThat(time.sleeps).containsExactly("sleep PT1S", "sleep PT1S", "sleep PT1S");
    assertThat(report.passes()).isEqualTo(4);
    assertThat(report.isComplete()).isFalse();
    assertThat(report.render()).isEqualTo("""
        Apply incomplete: 1 applied, 0 deleted, 1 waiting, 0 skipped, 0 failed; 1 write request in 4 passes.
          create apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com APPLIED
          create example.com/Widget/default/w WAITING: waiting for \
        apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com: CRD Established: condition Established is \
        not True
        Gave up waiting after 3s (--timeout); run apply again to continue.
        """);
  }
}
