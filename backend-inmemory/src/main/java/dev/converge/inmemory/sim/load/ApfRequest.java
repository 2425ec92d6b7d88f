package dev.converge.inmemory.sim.load;

import dev.converge.core.time.ScheduledTask;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One request in priority and fairness, from classification to the release of its seats: where it was sent
 * (level, schema, flow, queue), how many seats it takes, when it arrived, and what was decided. The
 * decision is handed to {@code onDecision} once: dispatched (it may run now) or rejected (429).
 */
final class ApfRequest {
  final String identity;
  final String verb;
  final String schema;
  final String flow;
  final @Nullable LevelQueues level;
  final int seats;
  final long arrivalNanos;
  final Consumer<ApfRequest> onDecision;
  double arrivalR;
  int queue = -1;
  @Nullable ScheduledTask timeout;
  boolean decided;
  boolean rejected;
  long dispatchNanos;
  long serviceNanos;

  ApfRequest(String identity, String verb, String schema, String flow, @Nullable LevelQueues level, int seats,
      long arrivalNanos, Consumer<ApfRequest> onDecision) {
    this.identity = identity;
    this.verb = verb;
    this.schema = schema;
    this.flow = flow;
    this.level = level;
    this.seats = seats;
    this.arrivalNanos = arrivalNanos;
    this.onDecision = onDecision;
  }

  /** The time it waited in its queue before the decision. */
  long waitNanos() {
    return dispatchNanos - arrivalNanos;
  }

  /** The level's name, or {@code exempt} for requests no level limits. */
  String levelName() {
    return level == null ? "exempt" : level.name();
  }
}
