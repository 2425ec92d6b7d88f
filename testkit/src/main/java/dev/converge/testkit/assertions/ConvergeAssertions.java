package dev.converge.testkit.assertions;

import dev.converge.api.Plan;
import dev.converge.api.ResourceKey;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.loop.ControlLoop;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.RequestLog;

/**
 * The entry points of the testkit's AssertJ assertions. Import them statically beside AssertJ's own:
 *
 * <pre>{@code
 * import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
 * import static dev.converge.testkit.assertions.ConvergeAssertions.assertThatConvergence;
 * }</pre>
 */
public final class ConvergeAssertions {
  private ConvergeAssertions() {}

  /** Checks on a plan: {@code creates(key).before(other)}, {@code updates(key).changing(path)}, {@code isEmpty()}. */
  public static PlanAssert assertThat(Plan plan) {
    return new PlanAssert(plan);
  }

  /** Checks on what an in-memory cluster holds, made without requests. */
  public static ClusterAssert assertThat(InMemoryCluster cluster) {
    return new ClusterAssert(cluster);
  }

  /** Checks on an execution: outcomes, summary, requests. */
  public static ReportAssert assertThat(ExecutionReport report) {
    return new ReportAssert(report);
  }

  /** Checks on API load recorded by an in-memory cluster: {@code forIdentity(x).mutating().isZero()}. */
  public static LoadAssert assertThat(RequestLog requests) {
    return new LoadAssert(requests);
  }

  /** Checks that {@code loop} converges on {@code primary} and then writes nothing. */
  public static ConvergenceAssert assertThatConvergence(ControlLoop<?> loop, ResourceKey primary) {
    return new ConvergenceAssert(loop, primary);
  }
}
