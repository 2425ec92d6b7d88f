package dev.converge.inmemory;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.Ticker;
import dev.converge.inmemory.accounting.RequestLog;
import dev.converge.inmemory.controllers.ClusterRoleAggregationController;
import dev.converge.inmemory.controllers.RootCaPublisher;
import dev.converge.inmemory.controllers.ServiceAccountsController;
import dev.converge.inmemory.controllers.ControllerManager;
import dev.converge.inmemory.controllers.CrdController;
import dev.converge.inmemory.controllers.GarbageCollector;
import dev.converge.inmemory.controllers.NamespaceController;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.SelfSignedCertificate;
import dev.converge.inmemory.server.ServerConfig;
import dev.converge.inmemory.watch.WatchFaults;
import java.util.function.Consumer;

/**
 * An in-memory cluster ready for tests in one line: {@code InMemoryCluster.create(ticker, seed)}. It holds an
 * {@link ApiServer} serving the built-in kinds, bootstrapped as kubeadm leaves a cluster (namespaces
 * {@code default}, {@code kube-system}, {@code kube-public}, {@code kube-node-lease}; the {@code cluster-admin}
 * ClusterRole bound to {@code system:masters}; the user-facing {@code admin}, {@code edit} and {@code view}; the
 * controllers' roles; the {@code kubernetes} Service), and the garbage collector, namespace, CRD and ClusterRole
 * aggregation controllers, which by default run to completion after every request. The bootstrap requests are
 * not in the request log.
 */
public final class InMemoryCluster {
  private final ApiServer server;
  private final ControllerManager controllers = new ControllerManager();

  private InMemoryCluster(ServerConfig config) {
    // Bootstrap without interceptors or watch faults: a cluster is installed before anyone injects faults.
    this.server = ApiServer.create(new ServerConfig(config.ticker(), config.seed(), config.historyLimit(),
        config.historyFreshness(), config.bookmarkInterval(), config.serviceCidr(), config.types(), config.dispatcher(), WatchFaults.NONE,
        ImmutableList.of(), config.patchEngine() != null ? config.patchEngine() : Patching.engine(),
        config.eventTtl()));
    controllers.add(new CrdController(server));
    controllers.add(new GarbageCollector(server));
    controllers.add(new NamespaceController(server));
    controllers.add(new ClusterRoleAggregationController(server));
    controllers.add(new ServiceAccountsController(server));
    controllers.add(new RootCaPublisher(server, SelfSignedCertificate.inMemoryClusterCa()));
    server.setPostRequestHook(controllers::afterRequest);
    Bootstrap.apply(server);
    server.requests().clear();
    config.interceptors().forEach(server::addInterceptor);
    server.setWatchFaults(config.watchFaults());
  }

  /** A cluster with the default configuration, time from {@code ticker}, randomness from {@code seed}. */
  public static InMemoryCluster create(Ticker ticker, long seed) {
    return create(ServerConfig.builder(ticker).seed(seed).patchEngine(Patching.engine()).build());
  }

  /** A cluster with {@code config}; without a patch engine in it, the {@code patch} package's is used. */
  public static InMemoryCluster create(ServerConfig config) {
    return new InMemoryCluster(config);
  }

  /** A cluster whose configuration {@code customizer} adjusts (history window, dispatcher, interceptors, …). */
  public static InMemoryCluster create(Ticker ticker, long seed, Consumer<ServerConfig.Builder> customizer) {
    ServerConfig.Builder builder = ServerConfig.builder(ticker).seed(seed).patchEngine(Patching.engine());
    customizer.accept(builder);
    return create(builder.build());
  }

  public ApiServer server() {
    return server;
  }

  /** The backend as {@code system:admin} (in {@code system:masters}). */
  public InMemoryBackend backend() {
    return new InMemoryBackend(server, Identity.admin());
  }

  /** The backend as {@code identity}. */
  public InMemoryBackend backend(Identity identity) {
    return new InMemoryBackend(server, identity);
  }

  public RequestLog requests() {
    return server.requests();
  }

  public ControllerManager controllers() {
    return controllers;
  }

  /** Runs the controllers until they have nothing left to do (needed only in MANUAL mode, or after faults). */
  public int settle() {
    int[] steps = new int[1];
    server.locked(() -> steps[0] = controllers.settle());
    return steps[0];
  }

  /** Creates an object from JSON text as {@code system:admin} (a test convenience). */
  public Resource create(String json) {
    return server.create(Identity.admin(), Resource.of(Json.parse(json)));
  }

}
