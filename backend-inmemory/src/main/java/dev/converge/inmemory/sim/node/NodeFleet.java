package dev.converge.inmemory.sim.node;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every node of the simulation and its kubelet, built from {@link NodePool}s. The nodes present at start
 * register at seeded, uniformly spread times within the registration window; pools with churn then gain and
 * lose nodes as Poisson processes. A node can also be made to fail ({@link #fail}: its kubelet goes silent and
 * the node lifecycle controller takes over), recover, leave (its Node is deleted by the cloud controller
 * manager, identity {@code system:cloud-controller-manager}) or join.
 */
public final class NodeFleet {
  /** The identity that deletes the Node objects of nodes that left (the cloud node lifecycle controller). */
  public static final Identity CLOUD = Identity.user("system:cloud-controller-manager");

  private final SimContext ctx;
  private final KubeletConfig config;
  private final ImmutableList<NodePool> pools;
  private final Map<String, Kubelet> kubelets = new LinkedHashMap<>();
  private final Map<String, Integer> nextIndex = new LinkedHashMap<>();
  private final List<CrashLoop> crashLoops = new CopyOnWriteArrayList<>();
  /** Whether every node also runs a {@link KubeProxy}. */
  private final boolean kubeProxy;
  private final SimClient cloud;
  private final SplittableRandom random;
  private int nextOrdinal;
  private int joins;
  private int leaves;
  private boolean started;

  public NodeFleet(SimContext ctx, KubeletConfig config, List<NodePool> pools) {
    this(ctx, config, pools, false);
  }

  /** A fleet whose nodes also run kube-proxy when {@code kubeProxy}. */
  public NodeFleet(SimContext ctx, KubeletConfig config, List<NodePool> pools, boolean kubeProxy) {
    this.ctx = ctx;
    this.kubeProxy = kubeProxy;
    this.config = config;
    this.pools = ImmutableList.copyOf(pools);
    this.cloud = ctx.client("cloud-controller-manager", CLOUD);
    this.random = ctx.random("node-fleet");
    for (NodePool pool : pools) {
      checkArgument(!nextIndex.containsKey(pool.name()), "two node pools named %s", pool.name());
      nextIndex.put(pool.name(), 0);
    }
  }

  public KubeletConfig config() {
    return config;
  }

  public ImmutableList<NodePool> pools() {
    return pools;
  }

  /** Registers the initial nodes over the registration window and starts the churn. */
  public void start() {
    checkArgument(!started, "the fleet is started already");
    started = true;
    long window = config.registrationWindow().toNanos();
    long now = ctx.clock().nanoTime();
    for (NodePool pool : pools) {
      for (int i = 0; i < pool.count(); i++) {
        Kubelet kubelet = add(pool);
        long at = window == 0 ? now : now + random.nextLong(window);
        ctx.clock().scheduleAt(at, kubelet::start);
      }
      scheduleChurn(pool);
    }
  }

  /** The kubelet of node {@code name}. @throws IllegalArgumentException if there is none */
  public Kubelet kubelet(String name) {
    Kubelet kubelet = kubelets.get(name);
    checkArgument(kubelet != null, "no node %s", name);
    return kubelet;
  }

  /** Every kubelet ever started, in creation order (including stopped ones). */
  public Collection<Kubelet> kubelets() {
    return Collections.unmodifiableCollection(kubelets.values());
  }

  /** Kubelets that are up. */
  public int running() {
    int n = 0;
    for (Kubelet kubelet : kubelets.values()) {
      if (kubelet.isRunning()) {
        n++;
      }
    }
    return n;
  }

  /** Nodes that joined after the start. */
  public int joins() {
    return joins;
  }

  /** Nodes that left. */
  public int leaves() {
    return leaves;
  }

  /** Node {@code name}'s kubelet dies. */
  public void fail(String name) {
    kubelet(name).stop();
  }

  /** Node {@code name}'s kubelet comes back. */
  public void recover(String name) {
    kubelet(name).start();
  }

  /** Node {@code name} leaves: its kubelet stops and its Node object is deleted. */
  public void leave(String name) {
    Kubelet kubelet = kubelet(name);
    kubelet.stop();
    kubelets.remove(name);
    leaves++;
    ctx.event("node-fleet", "leave", "nodes/" + name);
    cloud.delete(ResourceKey.cluster("", "Node", name), DeleteParams.defaults(), null);
  }

  /** A new node joins {@code pool} now. */
  public Kubelet join(String poolName) {
    NodePool pool = pools.stream().filter(p -> p.name().equals(poolName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node pool " + poolName));
    Kubelet kubelet = add(pool);
    joins++;
    ctx.event("node-fleet", "join", "nodes/" + kubelet.name());
    kubelet.start();
    return kubelet;
  }

  /** From now on, pods matching {@code rule} crash-loop when they (re)start. */
  public void crashLoop(CrashLoop rule) {
    crashLoops.add(rule);
  }

  /** Stops every crash-loop rule (pods already backing off still restart once more, then stay up). */
  public void clearCrashLoops() {
    crashLoops.clear();
  }

  private Kubelet add(NodePool pool) {
    int index = nextIndex.merge(pool.name(), 1, Integer::sum) - 1;
    String name = pool.nodeName(index);
    Kubelet kubelet = new Kubelet(ctx, config, crashLoops, name, pool, nextOrdinal++,
        kubeProxy ? new KubeProxy(ctx, name) : null);
    kubelets.put(name, kubelet);
    return kubelet;
  }

  private void scheduleChurn(NodePool pool) {
    NodeChurn churn = pool.churn();
    if (churn.joinsPerHour() > 0) {
      scheduleNext(churn.joinsPerHour(), () -> {
        join(pool.name());
        return true;
      });
    }
    if (churn.leavesPerHour() > 0) {
      scheduleNext(churn.leavesPerHour(), () -> {
        List<String> candidates = new ArrayList<>();
        for (Kubelet kubelet : kubelets.values()) {
          if (kubelet.pool().equals(pool) && kubelet.isRunning()) {
            candidates.add(kubelet.name());
          }
        }
        if (!candidates.isEmpty()) {
          leave(candidates.get(random.nextInt(candidates.size())));
        }
        return true;
      });
    }
  }

  /** A Poisson process: exponential gaps with mean {@code 3600 / perHour} seconds. */
  private void scheduleNext(double perHour, java.util.function.BooleanSupplier action) {
    double meanNanos = 3600e9 / perHour;
    long gap = (long) (-Math.log(1 - random.nextDouble()) * meanNanos);
    ctx.clock().scheduleAt(ctx.clock().nanoTime() + Math.max(1, gap), () -> {
      if (action.getAsBoolean()) {
        scheduleNext(perHour, action);
      }
    });
  }
}
