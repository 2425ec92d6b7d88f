package dev.converge.inmemory.sim.load;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.runtime.Randoms;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import dev.converge.inmemory.sim.runtime.Trace;
import java.util.ArrayList;
import java.util.List;

/** A virtual scheduler, a cluster on it where every authenticated identity may do anything, and helpers. */
final class LoadFixture {
  final VirtualScheduler scheduler = new VirtualScheduler();
  final InMemoryCluster cluster = InMemoryCluster.create(scheduler, 7);
  final ApiServer server = cluster.server();
  final List<String> transcript = new ArrayList<>();

  LoadFixture() {
    server.create(Identity.admin(), parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"everyone"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:authenticated"}]}"""));
  }

  /** The simulation context components and the load model share, with these client-side throttles. */
  SimContext context(ThrottleFactory throttles) {
    return new SimContext(scheduler, server, new Randoms(7), new Trace(scheduler), throttles);
  }

  static Resource parse(String json) {
    return Resource.of(Json.parse(json));
  }

  static Resource configMap(String namespace, String name) {
    return parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
        + namespace + "\"}}");
  }

  static Resource pod(String namespace, String name, String node) {
    return parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"busybox:1.36"}]}}""".formatted(name, namespace, node));
  }

  /** Milliseconds of virtual time, as transcripts print them. */
  String now() {
    return ms(scheduler.nanoTime());
  }

  static String ms(long nanos) {
    return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : String.format(java.util.Locale.ROOT, "%.3fms", nanos / 1e6);
  }
}
