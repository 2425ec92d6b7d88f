package dev.converge.inmemory.sim.runtime;

import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * What the components of one simulation share: the virtual clock, the API server, the seeded randomness, the
 * event trace, and the factory of client processes. Confined to the clock's thread.
 */
public final class SimContext {
  private final VirtualScheduler clock;
  private final ApiServer server;
  private final Randoms randoms;
  private final Trace trace;
  private final ThrottleFactory throttles;
  private final Timestamps timestamps = new Timestamps();
  private @Nullable RequestRecord last;
  private long lastEventNanos = Long.MIN_VALUE;
  private RequestAdmission admission = RequestAdmission.immediate();

  public SimContext(VirtualScheduler clock, ApiServer server, Randoms randoms, Trace trace, ThrottleFactory throttles) {
    this.clock = clock;
    this.server = server;
    this.randoms = randoms;
    this.trace = trace;
    this.throttles = throttles;
    server.requests().subscribe(record -> last = record);
  }

  public VirtualScheduler clock() {
    return clock;
  }

  public ApiServer server() {
    return server;
  }

  public Randoms randoms() {
    return randoms;
  }

  /** The seeded generator of {@code component}. */
  public SplittableRandom random(String component) {
    return randoms.forComponent(component);
  }

  public Trace trace() {
    return trace;
  }

  public Timestamps timestamps() {
    return timestamps;
  }

  /**
   * The Unix nanoseconds an Event recorded at {@code unixNanos} is named after ({@code <object>.<hex>}): never
   * the same twice in one simulation. Processes of a real cluster never record two events in one nanosecond;
   * on the virtual clock components do (a scheduler's {@code Scheduled} and a kubelet's {@code Pulling} for one
   * pod), and the second would be refused as already existing.
   */
  long eventNameNanos(long unixNanos) {
    lastEventNanos = Math.max(unixNanos, lastEventNanos + 1);
    return lastEventNanos;
  }

  /** Records a simulation event (not an API request: those are traced by the simulation itself). */
  public void event(String component, String verb, String object) {
    trace.record(component, verb, object);
  }

  /** A new client process of {@code component} acting as {@code identity}, with the factory's throttle. */
  public SimClient client(String component, Identity identity) {
    return new SimClient(this, identity, throttles.throttleFor(component, identity), fieldManagerOf(component));
  }

  /**
   * The field manager of {@code component}'s writes: the name its binary gives client-go's user agent ({@code
   * rest.DefaultKubernetesUserAgent}: {@code os.Args[0]}), which kube-apiserver keeps up to the first {@code /}
   * when a write names no manager ({@code managerOrUserAgent}); kube-controller-manager appends each controller's
   * name after a {@code /}, so all of its controllers are {@code kube-controller-manager}. Null for other
   * components (a pod's client: its binary is not known), whose writes go under their identity's name.
   */
  static @Nullable String fieldManagerOf(String component) {
    return switch (component) {
      case ThrottleFactory.KUBELET, ThrottleFactory.KUBELET_EVENTS -> "kubelet";
      case ThrottleFactory.SCHEDULER -> "kube-scheduler";
      case ThrottleFactory.CONTROLLER_MANAGER -> "kube-controller-manager";
      case "cloud-controller-manager" -> "cloud-controller-manager";
      default -> null;
    };
  }

  /** The throttle the factory gives a new client process of {@code component} acting as {@code identity}. */
  public ClientThrottle throttle(String component, Identity identity) {
    return throttles.throttleFor(component, identity);
  }

  /** A new client process with an explicit throttle (share one throttle between clients of one process). */
  public SimClient client(Identity identity, ClientThrottle throttle) {
    return new SimClient(this, identity, throttle, null);
  }

  /** When requests that reached the server may run (the load model's priority and fairness replaces the default). */
  public RequestAdmission admission() {
    return admission;
  }

  /** Sets when requests that reached the server may run; default {@link RequestAdmission#immediate()}. */
  public void admission(RequestAdmission value) {
    this.admission = value;
  }

  /** The latency the server recorded for request {@code sequence}, 0 if it recorded none. */
  long latencyOf(long sequence) {
    RequestRecord record = last;
    return record != null && record.sequence() == sequence ? Math.max(0, record.latencyNanos()) : 0;
  }
}
