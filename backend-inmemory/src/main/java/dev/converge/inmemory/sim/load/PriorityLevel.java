package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A priority level of API priority and fairness ({@code PriorityLevelConfiguration}): its share of the server's
 * seats and, for a level that queues, its queues, hand size and queue length limit.
 *
 * @param name the level's name
 * @param type exempt (never limited), limited with queues, or limited and rejecting what does not fit
 * @param shares {@code nominalConcurrencyShares}: the level gets {@code ceil(serverSeats × shares / Σ shares)}
 *     seats (the exempt level takes no share)
 * @param queues the number of queues (queuing levels), 0 otherwise
 * @param handSize how many queues shuffle sharding deals each flow (queuing levels), 0 otherwise
 * @param queueLengthLimit requests a queue holds before a new one is rejected (queuing levels), 0 otherwise
 */
public record PriorityLevel(String name, Type type, int shares, int queues, int handSize, int queueLengthLimit) {

  /** How a level treats requests ({@code spec.type} and {@code limitResponse.type}). */
  public enum Type {
    /** Never waits and holds no seat ({@code exempt}, for {@code system:masters}). */
    EXEMPT,
    /** Waits in shuffle-sharded queues when the level's seats are taken ({@code limitResponse.type: Queue}). */
    QUEUE,
    /** Rejected with 429 when the level's seats are taken ({@code limitResponse.type: Reject}). */
    REJECT
  }

  public PriorityLevel {
    checkArgument(!name.isEmpty(), "a priority level needs a name");
    checkArgument(shares >= 0, "shares must not be negative: %s", shares);
    if (type == Type.QUEUE) {
      checkArgument(queues > 0 && handSize > 0 && handSize <= queues && handSize <= 15,
          "level %s: need 0 < handSize (%s) <= queues (%s) and handSize <= 15", name, handSize, queues);
      checkArgument(queueLengthLimit > 0, "level %s: queueLengthLimit must be positive", name);
    }
  }

  /** A limited level with queues. */
  public static PriorityLevel queuing(String name, int shares, int queues, int handSize, int queueLengthLimit) {
    return new PriorityLevel(name, Type.QUEUE, shares, queues, handSize, queueLengthLimit);
  }

  /** A limited level that rejects what does not fit, without queues. */
  public static PriorityLevel rejecting(String name, int shares) {
    return new PriorityLevel(name, Type.REJECT, shares, 0, 0, 0);
  }

  /** The exempt level. */
  public static PriorityLevel exempt(String name) {
    return new PriorityLevel(name, Type.EXEMPT, 0, 0, 0, 0);
  }
}
