package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.util.HashMap;
import java.util.Map;

/**
 * The load model of one simulated cluster, installed on its API server and virtual scheduler: {@link
 * PriorityAndFairness} as a request interceptor (with the latency model), the object counts its LIST
 * estimates read, the {@link LoadAccounting} fed by the request log, and one {@link SimClient} per identity.
 *
 * <pre>{@code
 * LoadModel load = LoadModel.install(cluster.server(), scheduler);
 * SimClient kcm = load.client(Identity.user("system:kube-controller-manager"));   // 20 qps, burst 30, shared
 * SimClient agent = load.newClient(Identity.serviceAccount("telemetry", "collector")); // one per pod, 5/10
 * kcm.send(ApiCall.create(pod), response -> ...);                                   // answered on the virtual clock
 * LoadReport report = load.report();
 * }</pre>
 */
public final class LoadModel {
  private final ApiServer server;
  private final VirtualScheduler scheduler;
  private final LoadConfig config;
  private final ObjectCounts counts = new ObjectCounts();
  private final PriorityAndFairness flowControl;
  private final LoadAccounting accounting;
  private final Map<String, SimClient> clients = new HashMap<>();

  private LoadModel(ApiServer server, VirtualScheduler scheduler, LoadConfig config) {
    this.server = server;
    this.scheduler = scheduler;
    this.config = config;
    this.flowControl = new PriorityAndFairness(config.apf(), scheduler, config.latency(), counts);
    this.accounting = new LoadAccounting(scheduler.nanoTime(), config.bucket().toNanos());
  }

  /** Installs the load model with Kubernetes' defaults. */
  public static LoadModel install(ApiServer server, VirtualScheduler scheduler) {
    return install(server, scheduler, LoadConfig.defaults());
  }

  /**
   * Installs the load model on {@code server}, whose ticker must be {@code scheduler}: the interceptor goes
   * inside those already registered, accounting starts now, and the request log stops retaining records
   * unless {@code config} says otherwise.
   */
  public static LoadModel install(ApiServer server, VirtualScheduler scheduler, LoadConfig config) {
    checkArgument(server.ticker() == scheduler, "the server must use the simulation's VirtualScheduler as its ticker");
    LoadModel model = new LoadModel(server, scheduler, config);
    server.locked(() -> model.counts.load(server.cache()));
    server.addChangeListener(model.counts);
    server.addInterceptor(model.flowControl);
    server.requests().retainRecords(config.retainRecords());
    server.requests().subscribe(model.accounting::record);
    return model;
  }

  /**
   * The client of {@code identity}, created on first use with its {@link LoadConfig#limits() limit}. Every
   * caller with the same user name gets the same client, hence the same bucket: this is how all of
   * kube-controller-manager's controllers share one 20 qps limit.
   */
  public SimClient client(Identity identity) {
    return clients.computeIfAbsent(identity.name(), name -> newClient(identity));
  }

  /**
   * A client of its own for {@code identity}, with a bucket of its own: what each pod of a DaemonSet has, even
   * though they all share one service account (each process builds its own {@code rest.Config}). Priority and
   * fairness still sees one flow: flows follow the user, not the client.
   */
  public SimClient newClient(Identity identity) {
    return new SimClient(this, scheduler, identity, config.limits().apply(identity));
  }

  public PriorityAndFairness flowControl() {
    return flowControl;
  }

  public LoadAccounting accounting() {
    return accounting;
  }

  /** The load so far. */
  public LoadReport report() {
    return accounting.report(scheduler.nanoTime(), flowControl.levelStats());
  }

  public LoadConfig config() {
    return config;
  }

  ApiServer server() {
    return server;
  }

  ObjectCounts counts() {
    return counts;
  }
}
