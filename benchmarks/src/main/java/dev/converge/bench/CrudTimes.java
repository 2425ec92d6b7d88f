package dev.converge.bench;

import java.lang.management.ManagementFactory;

/**
 * The times of one CRUD round, per phase: wall time, the CPU time of the calling thread, the CPU time of the
 * whole process (every thread: a server's event loop, the collector, the compiler), and the bytes the calling
 * thread allocated. Only the requests are
 * timed; building request bodies between phases is not (on either side).
 */
public final class CrudTimes {
  /** The phases, in the order a round runs them. */
  public enum Phase {
    CREATE,
    GET,
    LIST,
    UPDATE,
    DELETE
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  final long[] wall = new long[Phase.values().length];
  final long[] threadCpu = new long[Phase.values().length];
  final long[] processCpu = new long[Phase.values().length];
  final long[] requests = new long[Phase.values().length];
  final long[] allocated = new long[Phase.values().length];
  private long allocated0;
  private long wall0;
  private long thread0;
  private long process0;

  /** Starts timing a phase. */
  void start() {
    process0 = OS.getProcessCpuTime();
    thread0 = THREADS.getCurrentThreadCpuTime();
    allocated0 = THREADS.getCurrentThreadAllocatedBytes();
    wall0 = System.nanoTime();
  }

  /** Ends the phase started last, which made {@code count} requests. */
  void stop(Phase phase, long count) {
    long wall1 = System.nanoTime();
    long allocated1 = THREADS.getCurrentThreadAllocatedBytes();
    long thread1 = THREADS.getCurrentThreadCpuTime();
    long process1 = OS.getProcessCpuTime();
    int i = phase.ordinal();
    wall[i] += wall1 - wall0;
    threadCpu[i] += thread1 - thread0;
    processCpu[i] += process1 - process0;
    allocated[i] += allocated1 - allocated0;
    requests[i] += count;
  }

  /** Wall time of all phases, in milliseconds. */
  public double wallMillis() {
    return sum(wall) / 1e6;
  }

  /** The calling thread's CPU time over all phases, in milliseconds. */
  public double threadCpuMillis() {
    return sum(threadCpu) / 1e6;
  }

  /** The process's CPU time over all phases, in milliseconds. */
  public double processCpuMillis() {
    return sum(processCpu) / 1e6;
  }

  /** Wall time of one phase, in milliseconds. */
  public double wallMillis(Phase phase) {
    return wall[phase.ordinal()] / 1e6;
  }

  /** Microseconds of wall time per request in {@code phase}. */
  public double wallMicrosPerRequest(Phase phase) {
    return wall[phase.ordinal()] / 1e3 / requests[phase.ordinal()];
  }

  /** Microseconds of thread CPU time per request in {@code phase}. */
  public double threadCpuMicrosPerRequest(Phase phase) {
    return threadCpu[phase.ordinal()] / 1e3 / requests[phase.ordinal()];
  }

  /** Bytes the calling thread allocated per request in {@code phase} (a measure that load on the machine does not blur). */
  public double allocatedBytesPerRequest(Phase phase) {
    return (double) allocated[phase.ordinal()] / requests[phase.ordinal()];
  }

  /** Requests made in all phases. */
  public long requests() {
    return sum(requests);
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long value : values) {
      total += value;
    }
    return total;
  }
}
