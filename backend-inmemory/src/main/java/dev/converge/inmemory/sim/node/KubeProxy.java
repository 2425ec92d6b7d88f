package dev.converge.inmemory.sim.node;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One node's kube-proxy (1.32), as far as the API server sees it: the watches it keeps, through its own client
 * (client-go's 5 qps / burst 10: kube-proxy's {@code clientConnection} defaults), acting as {@code
 * system:kube-proxy}, the user the bootstrap {@code system:node-proxier} ClusterRoleBinding names.
 *
 * <ul>
 *   <li>Services and {@code discovery.k8s.io/v1} EndpointSlices in every namespace, without those another proxy
 *       implements or that belong to headless Services (label selector {@code
 *       !service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless});
 *   <li>its own Node ({@code metadata.name=<node>}), for the node's topology labels and pod CIDRs.
 * </ul>
 *
 * Before those it reads its Node once for the node's IPs ({@code getNodeIPs} in {@code cmd/kube-proxy/app}): a
 * {@code GET}, tried again after 1, 2, 4, 8 and 16 s (each up to a fifth longer, {@code wait.ExponentialBackoff}
 * with 6 steps) while the Node cannot be read or has no address; after the last try it starts without them.
 *
 * Every change to an EndpointSlice of an ordinary Service reaches every node: the fan-out that makes a Service
 * in front of a DaemonSet expensive for the API server on a large cluster. The proxy programs no rules (no
 * traffic is simulated), so it writes nothing. It starts once its node's kubelet has registered the Node (kubeadm
 * and kind run it as a DaemonSet's pod) and stops with the kubelet.
 */
final class KubeProxy {
  /** The user kube-proxy authenticates as (bound to {@code system:node-proxier} by the bootstrap policy). */
  static final Identity IDENTITY = Identity.user("system:kube-proxy");
  /** The component name of its client, throttled as any other client-go client. */
  static final String COMPONENT = "kube-proxy";
  /** {@code labelSelector} in {@code cmd/kube-proxy/app/server.go}: not another proxy's, not headless. */
  static final LabelSelector PROXIED = LabelSelector.parse(
      "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless");

  private final SimContext ctx;
  private final SimClient client;
  private final String node;
  /** Bumped by each start and stop: a node lookup of an earlier start goes no further. */
  private int epoch;
  private @Nullable SplittableRandom jitter;
  private final List<Informer> informers = new ArrayList<>();

  /** {@code getNodeIPs}' back-off: 6 tries, 1 s doubling, jitter 0.2. */
  private static final int NODE_IP_STEPS = 6;
  private static final double NODE_IP_JITTER = 0.2;

  KubeProxy(SimContext ctx, String node) {
    this.ctx = ctx;
    this.client = ctx.client(COMPONENT, IDENTITY);
    this.node = node;
  }

  void start() {
    if (!informers.isEmpty()) {
      return;
    }
    int current = ++epoch;
    readNodeIps(current, 1, 1_000_000_000L);
  }

  /** {@code getNodeIPs}: the {@code step}-th GET of the Node; {@code wait} is the next back-off's base. */
  private void readNodeIps(int current, int step, long wait) {
    client.get(ResourceKey.cluster("", "Node", node), response -> {
      if (current != epoch) {
        return;
      }
      boolean found = response.ok() && response.get().status().path("addresses").size() > 0;
      if (found || step == NODE_IP_STEPS) {
        startInformers();
        return;
      }
      if (jitter == null) {
        jitter = ctx.random("kube-proxy " + node);
      }
      long sleep = wait + (long) (wait * NODE_IP_JITTER * jitter.nextDouble());
      ctx.clock().schedule(Duration.ofNanos(sleep), () -> {
        if (current == epoch) {
          readNodeIps(current, step + 1, wait * 2);
        }
      });
    });
  }

  private void startInformers() {
    informers.add(new Informer(client, KubeletWatches.SERVICE, null, PROXIED, FieldSelector.everything()));
    informers.add(new Informer(client, GroupKind.of("discovery.k8s.io", "EndpointSlice"), null, PROXIED,
        FieldSelector.everything()));
    informers.add(new Informer(client, Kubelet.NODE, null, LabelSelector.everything(),
        FieldSelector.equal("metadata.name", node)));
    informers.forEach(Informer::start);
  }

  void stop() {
    epoch++;
    informers.forEach(Informer::stop);
    informers.clear();
  }

  /** The watches it keeps open: none when stopped, else three. */
  int openWatches() {
    return informers.size();
  }
}
