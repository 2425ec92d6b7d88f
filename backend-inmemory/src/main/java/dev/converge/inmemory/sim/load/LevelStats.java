package dev.converge.inmemory.sim.load;

/**
 * What one priority level did over a run.
 *
 * @param level the level's name
 * @param seats its seats
 * @param maxSeats the most seats one request of it may take
 * @param dispatched requests that ran
 * @param rejected requests answered 429 (queue full, no seat on a rejecting level, or waited too long)
 * @param timedOut of the rejected, those that waited {@code requestWaitLimit} in a queue
 * @param peakWaiting the most requests waiting at once
 * @param peakSeatsInUse the most seats taken at once
 */
public record LevelStats(String level, int seats, int maxSeats, long dispatched, long rejected, long timedOut,
    int peakWaiting, int peakSeatsInUse) {}
