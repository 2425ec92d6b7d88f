package dev.converge.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Action;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Properties of the planner over random graphs ({@link RandomGraphs}), each run with a fixed seed:
 * <ul>
 *   <li>every action comes after the actions it depends on (each generated edge, and each {@code after});
 *   <li>deletes run in reverse (a teardown deletes each dependent before its prerequisite, for every edge a
 *       live object shows: implicit ones and the depends-on annotation);
 *   <li>the plan is the same, byte for byte, for any order of the inputs;
 *   <li>planning against the objects as a server returns them (server fields, defaults, stringData as data,
 *       reordered keyed lists, canonical quantities, zero values dropped, status) gives an empty plan.
 * </ul>
 */
class PlannerPropertiesTest {
  private static final ResourceKey OWNER = ResourceKey.parse("example.com/App/ns-0/app");
  private static final Planner PLANNER = Planner.defaults();

  private static List<Resource> serverView(DesiredGraph graph) {
    List<Resource> live = new ArrayList<>();
    int serial = 1;
    for (DesiredResource entry : graph.resources().values()) {
      live.add(ServerView.of(entry.resource(), serial++));
    }
    return live;
  }

  @Property(seed = "20261126", tries = 300)
  void everyActionComesAfterItsDependencies(@ForAll long seed) {
    RandomGraphs g = RandomGraphs.generate(seed);
    Plan plan = PLANNER.plan(g.graph(OWNER, g.entries), Observed.empty());
    assertThat(plan.size()).isEqualTo(g.entries.size());
    for (RandomGraphs.Need need : g.edges) {
      assertThat(plan.stepOf(need.prerequisite())).as("%s before %s", need.prerequisite(), need.dependent())
          .isLessThan(plan.stepOf(need.dependent()));
    }
    for (Action action : plan.actions()) {
      for (ResourceKey waited : action.after()) {
        assertThat(plan.stepOf(waited)).isLessThan(plan.stepOf(action.key()));
      }
    }
  }

  @Property(seed = "20261126", tries = 300)
  void deletesRunInReverse(@ForAll long seed) {
    RandomGraphs g = RandomGraphs.generate(seed);
    List<Resource> live = serverView(g.graph(OWNER, g.entries));
    Plan plan = PLANNER.planTeardown(OWNER, Observed.of(live));
    assertThat(plan.size()).isEqualTo(live.size());
    for (RandomGraphs.Need need : g.edges) {
      if (need.graphOnly()) {
        continue; // a dependsOn of the graph is not on the live object: nothing to honour it by
      }
      assertThat(plan.stepOf(need.dependent())).as("delete %s before %s", need.dependent(), need.prerequisite())
          .isLessThan(plan.stepOf(need.prerequisite()));
    }
  }

  @Property(seed = "20261126", tries = 200)
  void samePlanForAnyInputOrder(@ForAll long seed) {
    RandomGraphs g = RandomGraphs.generate(seed);
    Random random = new Random(seed);
    DesiredGraph graph = g.graph(OWNER, g.entries);
    // Actual state: a random part applied, some of it drifted, plus owned objects no longer desired.
    List<Resource> live = new ArrayList<>();
    for (Resource object : serverView(graph)) {
      int roll = random.nextInt(4);
      if (roll == 1) {
        live.add(object);
      } else if (roll == 2) {
        live.add(object.edit(tree -> tree.with("metadata").with("labels").put("app.kubernetes.io/part-of", "drifted")));
      } else if (roll == 3 && !object.kind().equals("Namespace")) {
        live.add(object.edit(tree -> tree.with("metadata").put("name", object.name() + "-old")));
      }
    }
    List<DesiredResource> shuffled = new ArrayList<>(g.entries);
    Collections.shuffle(shuffled, random);
    List<Resource> liveShuffled = new ArrayList<>(live);
    Collections.shuffle(liveShuffled, random);
    Plan first = PLANNER.plan(graph, Observed.of(live));
    Plan second = PLANNER.plan(g.graph(OWNER, shuffled), Observed.of(liveShuffled));
    assertThat(second).isEqualTo(first);
    assertThat(PlanPrinter.text(second)).isEqualTo(PlanPrinter.text(first));
    assertThat(PlanPrinter.json(second)).isEqualTo(PlanPrinter.json(first));
  }

  @Property(seed = "20261126", tries = 300)
  void desiredAgainstItsServerViewIsAnEmptyPlan(@ForAll long seed) {
    RandomGraphs g = RandomGraphs.generate(seed);
    DesiredGraph graph = g.graph(OWNER, g.entries);
    Plan plan = PLANNER.plan(graph, Observed.of(serverView(graph)));
    assertThat(PlanPrinter.text(plan)).isEqualTo(PlanPrinter.text(Plan.empty()));
  }
}
