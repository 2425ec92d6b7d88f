package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.dsStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One seed, one trace: a 1,000-node cluster rolling out a DaemonSet gives the same trace hash three times with
 * the same seed (default, randomised delays), and another hash with another seed.
 */
class SimulationDeterminismTest {

  private static String run(long seed) {
    Simulation sim = Simulation.builder().seed(seed).pool(NodePool.plain(1000)).build().start();
    sim.runFor(Duration.ofSeconds(15));
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofSeconds(75));
    assertThat(dsStatus(sim, "agent").path("numberAvailable").asInt()).isEqualTo(1000);
    // Every request is a token, plus one per kubelet start and the simulation's own start.
    assertThat(sim.trace().events()).isEqualTo(sim.cluster().requests().total() + 1001);
    return sim.traceHash();
  }

  @Test
  void sameSeed_sameTraceHash_threeTimes_anotherSeed_anotherHash() {
    String first = run(42);
    assertThat(run(42)).isEqualTo(first);
    assertThat(run(42)).isEqualTo(first);
    assertThat(run(43)).isNotEqualTo(first);
  }
}
