package dev.converge.inmemory.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** client-go's correlation rules, one by one, against hand-counted cases ({@code events_cache.go} defaults). */
class EventCorrelatorTest {
  private static final long SECOND = 1_000_000_000L;
  private static final EventRecorder.Ref POD = new EventRecorder.Ref("Pod", "v1", "ns", "web", "u1", "7", "");
  private final EventCorrelator correlator = new EventCorrelator();

  private static EventCorrelator.Candidate event(EventRecorder.Ref object, String reason, String message, String name) {
    return new EventCorrelator.Candidate("kubelet", "node-0", object, "Normal", reason, message, name);
  }

  @Test
  void theSameEventAgain_patchesTheFirstWithItsCount() {
    EventCorrelator.Result first = correlator.correlate(event(POD, "Started", "up", "web.1"), 0, "web.1");
    EventCorrelator.Result again = correlator.correlate(event(POD, "Started", "up", "web.2"), 5 * SECOND, "web.2");
    assertThat(first).isEqualTo(new EventCorrelator.Result(false, "web.1", "up", 1, 0, false));
    assertThat(again).isEqualTo(new EventCorrelator.Result(false, "web.1", "up", 2, 0, true));
    // A different field path is a different event.
    EventCorrelator.Result container = correlator.correlate(event(POD.container("app"), "Started", "up", "web.3"),
        6 * SECOND, "web.3");
    assertThat(container.patch()).isFalse();
  }

  @Test
  void theTenthDistinctMessage_withinTenMinutes_startsOneCombinedEvent() {
    for (int i = 1; i <= 9; i++) {
      EventCorrelator.Result result = correlator.correlate(event(POD, "Killing", "m" + i, "web." + i), i * SECOND,
          "web." + i);
      assertThat(result.message()).isEqualTo("m" + i);
      assertThat(result.patch()).isFalse();
    }
    EventCorrelator.Result tenth = correlator.correlate(event(POD, "Killing", "m10", "web.10"), 10 * SECOND, "web.10");
    EventCorrelator.Result eleventh = correlator.correlate(event(POD, "Killing", "m11", "web.11"), 11 * SECOND,
        "web.11");
    assertThat(tenth).isEqualTo(new EventCorrelator.Result(false, "web.10",
        "(combined from similar events): m10", 1, 10 * SECOND, false));
    assertThat(eleventh).isEqualTo(new EventCorrelator.Result(false, "web.10",
        "(combined from similar events): m11", 2, 10 * SECOND, true));
    // More than ten minutes after the group's last event, it starts over: the message is its own again.
    EventCorrelator.Result later = correlator.correlate(event(POD, "Killing", "m12", "web.12"), 612 * SECOND,
        "web.12");
    assertThat(later.message()).isEqualTo("m12");
    // Another reason is another group.
    assertThat(correlator.correlate(event(POD, "Pulled", "p", "web.13"), 613 * SECOND, "web.13").message())
        .isEqualTo("p");
  }

  @Test
  void theSpamFilter_allows25AtOnce_thenOneEveryFiveMinutes_perSourceAndObject() {
    int accepted = 0;
    for (int i = 0; i < 40; i++) {
      if (!correlator.correlate(event(POD, "Started", "up", "web." + i), 0, "web." + i).skip()) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(25);
    EventRecorder.Ref other = new EventRecorder.Ref("Pod", "v1", "ns", "db", "u2", "7", "");
    assertThat(correlator.correlate(event(other, "Started", "up", "db.1"), 0, "db.1").skip()).isFalse();
    assertThat(correlator.correlate(event(POD, "Started", "up", "web.x"), 299 * SECOND, "web.x").skip()).isTrue();
    assertThat(correlator.correlate(event(POD, "Started", "up", "web.y"), 300 * SECOND, "web.y").skip()).isFalse();
    assertThat(correlator.correlate(event(POD, "Started", "up", "web.z"), 301 * SECOND, "web.z").skip()).isTrue();
    // The logger counted the dropped ones too, as client-go's does (it observes before it filters).
    assertThat(correlator.countOf(event(POD, "Started", "up", "web.1"))).isEqualTo(43);
  }
}
