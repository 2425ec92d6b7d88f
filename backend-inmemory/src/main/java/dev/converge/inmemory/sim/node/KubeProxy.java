package dev.converge.inmemory.sim.node;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import java.util.ArrayList;
import java.util.List;

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
 * Every change to an EndpointSlice of an ordinary Service reaches every node: the fan-out that makes a Service
 * in front of a DaemonSet expensive for the API server on a large cluster. The proxy programs no rules (no
 * traffic is simulated), so it writes nothing. It starts and stops with its node's kubelet.
 */
final class KubeProxy {
  /** The user kube-proxy authenticates as (bound to {@code system:node-proxier} by the bootstrap policy). */
  static final Identity IDENTITY = Identity.user("system:kube-proxy");
  /** The component name of its client, throttled as any other client-go client. */
  static final String COMPONENT = "kube-proxy";
  /** {@code labelSelector} in {@code cmd/kube-proxy/app/server.go}: not another proxy's, not headless. */
  static final LabelSelector PROXIED = LabelSelector.parse(
      "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless");

  private final SimClient client;
  private final String node;
  private final List<Informer> informers = new ArrayList<>();

  KubeProxy(SimContext ctx, String node) {
    this.client = ctx.client(COMPONENT, IDENTITY);
    this.node = node;
  }

  void start() {
    if (!informers.isEmpty()) {
      return;
    }
    informers.add(new Informer(client, KubeletWatches.SERVICE, null, PROXIED, FieldSelector.everything()));
    informers.add(new Informer(client, GroupKind.of("discovery.k8s.io", "EndpointSlice"), null, PROXIED,
        FieldSelector.everything()));
    informers.add(new Informer(client, Kubelet.NODE, null, LabelSelector.everything(),
        FieldSelector.equal("metadata.name", node)));
    informers.forEach(Informer::start);
  }

  void stop() {
    informers.forEach(Informer::stop);
    informers.clear();
  }

  /** The watches it keeps open: none when stopped, else three. */
  int openWatches() {
    return informers.size();
  }
}
