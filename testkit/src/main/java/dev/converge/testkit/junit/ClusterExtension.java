package dev.converge.testkit.junit;

import com.google.common.collect.ImmutableSet;
import dev.converge.api.Ticker;
import dev.converge.api.backend.Backend;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.RequestLog;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.node.NodePool;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.jspecify.annotations.Nullable;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link SimulatedCluster} and {@link InMemoryClusterTest}: one cluster per test method,
 * made on first use and shared by every parameter of that test and its lifecycle methods. Plain code, no
 * global state: the cluster lives in the test's extension store and goes with it.
 */
public final class ClusterExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ClusterExtension.class);
  private static final ImmutableSet<Class<?>> INJECTED = ImmutableSet.of(InMemoryCluster.class, InMemoryBackend.class,
      Backend.class, ApiServer.class, RequestLog.class, VirtualScheduler.class, Ticker.class, Simulation.class);
  /** How long simulated nodes may take to register and report Ready (virtual time). */
  private static final Duration NODES_READY_LIMIT = Duration.ofMinutes(5);

  /** What the annotations ask for: a simulated cluster ({@link SimulatedCluster}) or a plain one. */
  record Settings(int nodes, long seed, boolean simulated) {}

  /** A cluster, its clock, and the simulation that runs it (null for a plain cluster). */
  record World(InMemoryCluster cluster, VirtualScheduler clock, @Nullable Simulation simulation) {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return INJECTED.contains(parameter.getParameter().getType()) && context.getTestMethod().isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    World world = context.getStore(NAMESPACE).getOrComputeIfAbsent(World.class, k -> create(settings(context)), World.class);
    Class<?> type = parameter.getParameter().getType();
    if (type == InMemoryCluster.class) {
      return world.cluster();
    }
    if (type == InMemoryBackend.class || type == Backend.class) {
      return world.cluster().backend();
    }
    if (type == ApiServer.class) {
      return world.cluster().server();
    }
    if (type == RequestLog.class) {
      return world.cluster().requests();
    }
    if (type == VirtualScheduler.class || type == Ticker.class) {
      return world.clock();
    }
    if (type == Simulation.class) {
      if (world.simulation() == null) {
        throw new ParameterResolutionException("a Simulation is injected only into @SimulatedCluster tests");
      }
      return world.simulation();
    }
    throw new ParameterResolutionException("ClusterExtension cannot inject " + type.getName());
  }

  /** The method's annotation, else the class's (or an enclosing class's); defaults without either. */
  static Settings settings(ExtensionContext context) {
    for (Optional<? extends AnnotatedElement> element = context.getElement(); ; ) {
      if (element.isPresent()) {
        Optional<SimulatedCluster> simulated = AnnotationSupport.findAnnotation(element.get(), SimulatedCluster.class);
        if (simulated.isPresent()) {
          return new Settings(simulated.get().nodes(), simulated.get().seed(), true);
        }
        Optional<InMemoryClusterTest> plain = AnnotationSupport.findAnnotation(element.get(), InMemoryClusterTest.class);
        if (plain.isPresent()) {
          return new Settings(0, plain.get().seed(), false);
        }
      }
      Optional<ExtensionContext> parent = context.getParent();
      if (parent.isEmpty()) {
        return new Settings(0, 42, false);
      }
      context = parent.get();
      element = context.getElement();
    }
  }

  /**
   * A plain cluster on a fresh virtual clock; or, for {@link SimulatedCluster}, a {@link Simulation} of {@code
   * settings.nodes()} nodes started and run until every node is Ready. The request log is cleared either way.
   */
  static World create(Settings settings) {
    if (!settings.simulated()) {
      VirtualScheduler clock = new VirtualScheduler();
      InMemoryCluster cluster = InMemoryCluster.create(clock, settings.seed());
      cluster.requests().clear();
      return new World(cluster, clock, null);
    }
    Simulation simulation = Simulation.builder().seed(settings.seed()).pool(NodePool.plain(settings.nodes())).build()
        .start();
    if (!simulation.runUntil(() -> simulation.readyNodes() >= settings.nodes(), NODES_READY_LIMIT)) {
      throw new IllegalStateException(simulation.readyNodes() + " of " + settings.nodes() + " simulated nodes Ready after "
          + NODES_READY_LIMIT.toMinutes() + " minutes of virtual time");
    }
    simulation.cluster().requests().clear();
    return new World(simulation.cluster(), simulation.clock(), simulation);
  }
}
