package dev.converge.inmemory.sim.load;

import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.sim.runtime.SimContext;

/**
 * The load model of one simulated cluster, installed on its {@link SimContext}: {@link PriorityAndFairness}
 * as the server's request interceptor and as the admission of every {@code SimClient} request (which then
 * waits in its queue on the virtual clock), with the latency model; the object counts its LIST estimates
 * read; and the {@link LoadAccounting} fed by the request log and by the events sent to watches. Client-side
 * limits are the context's throttles.
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder().seed(42).pool(NodePool.plain(5000)).build();
 * LoadModel load = LoadModel.install(sim.context());        // before the components start
 * sim.start().runFor(Duration.ofMinutes(10));
 * LoadReport report = load.report();
 * }</pre>
 */
public final class LoadModel {
  private final VirtualScheduler scheduler;
  private final LoadConfig config;
  private final ObjectCounts counts = new ObjectCounts();
  private final PriorityAndFairness flowControl;
  private final LoadAccounting accounting;

  private LoadModel(SimContext context, LoadConfig config) {
    this.scheduler = context.clock();
    this.config = config;
    this.flowControl = new PriorityAndFairness(config.apf(), context.server(), scheduler, config.latency(), counts);
    this.accounting = new LoadAccounting(scheduler.nanoTime(), config.bucket().toNanos());
  }

  /** Installs the load model with Kubernetes' defaults. */
  public static LoadModel install(SimContext context) {
    return install(context, LoadConfig.defaults());
  }

  /**
   * Installs the load model on {@code context}: the interceptor goes inside those already registered, the
   * context's requests are admitted by priority and fairness from now on, accounting starts now, and the
   * request log stops retaining records unless {@code config} says otherwise.
   */
  public static LoadModel install(SimContext context, LoadConfig config) {
    LoadModel model = new LoadModel(context, config);
    ApiServer server = context.server();
    server.locked(() -> model.counts.load(server.cache()));
    server.addChangeListener(model.counts);
    server.addInterceptor(model.flowControl);
    context.admission(model.flowControl);
    server.requests().retainRecords(config.retainRecords());
    server.requests().subscribeWithIdentity(model.accounting::record);
    server.addWatchEventCounter(model.accounting::watchEvents);
    return model;
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
}
