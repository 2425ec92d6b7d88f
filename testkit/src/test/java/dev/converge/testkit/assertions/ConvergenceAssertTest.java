package dev.converge.testkit.assertions;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThatConvergence;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.StatusContext;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Convergence assertions run real passes: a reconciler whose graph is stable converges and then writes
 * nothing; one that wants something new on every pass converges but never goes quiet; one whose graph the
 * server rejects never converges; each failure shows the passes.
 */
@InMemoryClusterTest
class ConvergenceAssertTest {
  private static final GroupKind KIND = GroupKind.of("tests.converge.dev", "Thing");
  private static final ResourceKey THING = ResourceKey.of(KIND, "default", "one");

  /** A reconciler of Things that own one ConfigMap whose data {@code content} computes. */
  private static Reconciler<Resource> owning(Function<Integer, Resource> content) {
    AtomicInteger passes = new AtomicInteger();
    return new Reconciler<>() {
      @Override
      public GroupKind primaryKind() {
        return KIND;
      }

      @Override
      public ImmutableSet<GroupKind> ownedKinds() {
        return ImmutableSet.of(GroupKind.of("", "ConfigMap"), GroupKind.of("apps", "Deployment"));
      }

      @Override
      public Resource decode(Resource primary) {
        return primary;
      }

      @Override
      public DesiredGraph desired(Resource primary, Context context) {
        return DesiredGraph.builder().owner(context.primary()).add(content.apply(passes.incrementAndGet())).build();
      }

      @Override
      public ObjectNode status(StatusContext<Resource> context) {
        return Json.object().put("seen", true);
      }
    };
  }

  private static ControlLoop<Resource> loop(InMemoryCluster cluster, VirtualScheduler clock, Reconciler<Resource> reconciler) {
    cluster.backend().create(KubeObjects.customResourceDefinition("tests.converge.dev", "v1", "Thing", "things", true));
    cluster.backend().create(KubeObjects.customResource("tests.converge.dev/v1", "Thing", "default", "one", Json.object()));
    return ControlLoop.builder(cluster.backend(), reconciler, clock).build();
  }

  @Test
  void stableGraph_converges_andThenWritesNothing(InMemoryCluster cluster, VirtualScheduler clock) {
    ControlLoop<Resource> loop = loop(cluster, clock, owning(pass -> KubeObjects.configMap("default", "one", "k", "v")));
    assertThatConvergence(loop, THING).withRequestLog(cluster.requests())
        .convergesWithin(1)
        .writesNothingWhenConverged()
        .passes().containsExactly("converged writes=3 status=written requeue=none", "converged writes=0 requeue=none");
  }

  @Test
  void graphThatChangesEveryPass_neverGoesQuiet(InMemoryCluster cluster, VirtualScheduler clock) {
    ControlLoop<Resource> loop = loop(cluster, clock,
        owning(pass -> KubeObjects.configMap("default", "one", "pass", Integer.toString(pass))));
    ConvergenceAssert assertion = assertThatConvergence(loop, THING).withRequestLog(cluster.requests()).convergesWithin(1);
    assertThatThrownBy(assertion::writesNothingWhenConverged)
        .hasMessageContaining("expected a converged pass over tests.converge.dev/Thing/default/one to write nothing but it was: "
            + "converged writes=1 requeue=none");
  }

  @Test
  void graphTheServerRejects_neverConverges(InMemoryCluster cluster, VirtualScheduler clock) {
    ControlLoop<Resource> loop = loop(cluster, clock, owning(pass -> KubeObjects.deployment("default", "one", "nginx:1.27")
        .edit(tree -> tree.withObjectProperty("spec").remove("selector"))));
    assertThatThrownBy(() -> assertThatConvergence(loop, THING).convergesWithin(3))
        .hasMessageContaining("expected tests.converge.dev/Thing/default/one to converge within 3 pass(es) but the passes were:")
        .hasMessageContaining("pass 3: failed")
        .hasMessageContaining("create apps/Deployment/default/one FAILED");
  }
}
