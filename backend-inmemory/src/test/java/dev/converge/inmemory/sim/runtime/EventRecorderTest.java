package dev.converge.inmemory.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recorder's writes: names that never collide, one write at a time, the queue's limit. */
class EventRecorderTest {
  private static final GroupKind EVENT = GroupKind.of("", "Event");
  private static final EventRecorder.Ref POD = new EventRecorder.Ref("Pod", "v1", "default", "web", "u1", "3", "");
  private final VirtualScheduler clock = new VirtualScheduler();
  private final InMemoryCluster cluster = InMemoryCluster.create(clock, 1);
  private final SimContext ctx =
      new SimContext(clock, cluster.server(), new Randoms(1), new Trace(clock), ThrottleFactory.unlimited());

  private List<Resource> events() {
    return List.copyOf(cluster.server().cache().objects(EVENT).values());
  }

  @Test
  void twoComponents_recordingAboutOneObjectAtOneInstant_bothGetTheirEvent() {
    EventRecorder scheduler = new EventRecorder(ctx.client("s", Identity.admin()), "default-scheduler", "");
    EventRecorder kubelet = new EventRecorder(ctx.client("k", Identity.admin()), "kubelet", "node-0");
    scheduler.normal(POD, "Scheduled", "Successfully assigned default/web to node-0");
    kubelet.normal(POD.container("app"), "Pulling", "Pulling image \"app:1\"");
    clock.runUntilIdle();
    assertThat(events()).extracting(e -> e.json().path("reason").asText()).containsExactly("Scheduled", "Pulling");
    assertThat(events()).extracting(Resource::name).allMatch(name -> name.startsWith("web."));
  }

  @Test
  void writes_goOneAtATime_andAtMostAThousandWait() {
    EventRecorder recorder = new EventRecorder(ctx.client("c", Identity.admin()), "replicaset-controller", "");
    for (int i = 0; i < 1_200; i++) {
      EventRecorder.Ref pod = new EventRecorder.Ref("Pod", "v1", "default", "p" + i, "u" + i, "1", "");
      recorder.normal(pod, "Killing", "Stopping container app");
    }
    // The first is being written; 1,000 wait behind it; the other 199 were dropped.
    assertThat(recorder.dropped()).isEqualTo(199);
    long before = cluster.requests().total();
    clock.runUntilIdle();
    assertThat(cluster.requests().total() - before).isEqualTo(1_000);
    assertThat(events()).hasSize(1_001);
  }
}
