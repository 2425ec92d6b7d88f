package dev.converge.testkit.generate;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Action;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.ResourceKey;
import dev.converge.core.plan.Planner;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The generators: the same seed gives equal objects and graphs, another seed others; generated graphs are
 * valid and plannable, their explicit dependencies point into the graph, and planning a graph against its
 * drifted state touches exactly the objects the drift changed or removed.
 */
class GraphGeneratorTest {

  @Test
  void theSameSeed_givesEqualResources_andAnotherSeedOthers() {
    ResourceGenerator one = new ResourceGenerator(5);
    ResourceGenerator two = new ResourceGenerator(5);
    ResourceGenerator other = new ResourceGenerator(6);
    for (int i = 0; i < 20; i++) {
      var a = one.any();
      assertThat(two.any()).isEqualTo(a);
      assertThat(other.any()).as("draw %s of another seed", i).isNotNull();
    }
    assertThat(new ResourceGenerator(5).configMap("x")).isNotEqualTo(new ResourceGenerator(6).configMap("x"));
  }

  @Test
  void theSameSeed_givesEqualGraphs_andEqualPlans() {
    DesiredGraph a = new GraphGenerator(11).graph(60);
    DesiredGraph b = new GraphGenerator(11).graph(60);
    assertThat(a.resources()).isEqualTo(b.resources());
    assertThat(Planner.defaults().plan(a, Observed.empty())).isEqualTo(Planner.defaults().plan(b, Observed.empty()));
    assertThat(new GraphGenerator(12).graph(60).resources()).isNotEqualTo(a.resources());
  }

  @Test
  void generatedGraphs_areValid_plannable_andDependOnlyOnTheirOwnEntries() {
    for (long seed = 0; seed < 50; seed++) {
      DesiredGraph graph = new GraphGenerator(seed).graph(40);
      assertThat(graph.size()).as("seed %s", seed).isEqualTo(43); // 40 drawn, 3 namespaces
      for (DesiredResource entry : graph.resources().values()) {
        assertThat(graph.resources().keySet()).as("seed %s", seed).containsAll(entry.dependsOn());
      }
      Plan plan = Planner.defaults().plan(graph, Observed.empty());
      assertThat(plan).as("seed %s", seed).hasSize(43);
      assertThat(plan.actions()).allMatch(action -> action instanceof Action.Create);
      assertThat(plan).creates("Namespace/ns-a").before(firstIn(graph, "ns-a").toString());
    }
  }

  @Test
  void planningAgainstADriftedState_touchesExactlyWhatDrifted() {
    GraphGenerator generator = new GraphGenerator(3);
    DesiredGraph graph = generator.graph(50);
    Observed drifted = generator.drift(graph);
    Plan plan = Planner.defaults().plan(graph, drifted);
    Set<ResourceKey> expected = graph.resources().values().stream()
        .filter(entry -> drifted.get(entry.key())
            .map(live -> !Planner.defaults().diff(entry.resource(), live).isEmpty())
            .orElse(true))
        .map(DesiredResource::key)
        .collect(Collectors.toSet());
    assertThat(expected).isNotEmpty();
    assertThat(plan.actions()).extracting(Action::key).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(plan.actions().size()).isLessThan(graph.size());
  }

  private static ResourceKey firstIn(DesiredGraph graph, String namespace) {
    return graph.resources().keySet().stream().filter(k -> k.namespace().equals(namespace)).findFirst().orElseThrow();
  }
}
