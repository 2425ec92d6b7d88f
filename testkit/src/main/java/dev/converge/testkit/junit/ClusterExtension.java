package dev.converge.testkit.junit;

import com.google.common.collect.ImmutableSet;
import dev.converge.api.Resource;
import dev.converge.api.Ticker;
import dev.converge.api.backend.Backend;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.RequestLog;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.testkit.KubeObjects;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link SimulatedCluster} and {@link InMemoryClusterTest}: one cluster per test method,
 * made on first use and shared by every parameter of that test and its lifecycle methods. Plain code, no
 * global state: the cluster lives in the test's extension store and goes with it.
 */
public final class ClusterExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ClusterExtension.class);
  private static final ImmutableSet<Class<?>> INJECTED = ImmutableSet.of(InMemoryCluster.class, InMemoryBackend.class,
      Backend.class, ApiServer.class, RequestLog.class, VirtualScheduler.class, Ticker.class);

  /** What the annotations ask for. */
  record Settings(int nodes, long seed) {}

  /** A cluster and its clock. */
  record World(InMemoryCluster cluster, VirtualScheduler clock) {}

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
    throw new ParameterResolutionException("ClusterExtension cannot inject " + type.getName());
  }

  /** The method's annotation, else the class's (or an enclosing class's); defaults without either. */
  static Settings settings(ExtensionContext context) {
    for (Optional<? extends AnnotatedElement> element = context.getElement(); ; ) {
      if (element.isPresent()) {
        Optional<SimulatedCluster> simulated = AnnotationSupport.findAnnotation(element.get(), SimulatedCluster.class);
        if (simulated.isPresent()) {
          return new Settings(simulated.get().nodes(), simulated.get().seed());
        }
        Optional<InMemoryClusterTest> plain = AnnotationSupport.findAnnotation(element.get(), InMemoryClusterTest.class);
        if (plain.isPresent()) {
          return new Settings(0, plain.get().seed());
        }
      }
      Optional<ExtensionContext> parent = context.getParent();
      if (parent.isEmpty()) {
        return new Settings(0, 42);
      }
      context = parent.get();
      element = context.getElement();
    }
  }

  /** A cluster on a fresh virtual clock, with {@code settings.nodes()} plain Node objects, the log cleared. */
  static World create(Settings settings) {
    VirtualScheduler clock = new VirtualScheduler();
    InMemoryCluster cluster = InMemoryCluster.create(clock, settings.seed());
    for (int i = 1; i <= settings.nodes(); i++) {
      Resource node = KubeObjects.node("node-" + i);
      // A create drops the status of a kind with a status subresource, as the kubelet's registration does;
      // the kubelet then posts the status, as this does.
      Resource created = cluster.server().create(Identity.admin(), node);
      cluster.server().updateStatus(Identity.admin(), created.edit(tree -> tree.set("status", node.status().deepCopy())));
    }
    cluster.requests().clear();
    return new World(cluster, clock);
  }
}
