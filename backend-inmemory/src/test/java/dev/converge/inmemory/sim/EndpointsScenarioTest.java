package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.POD;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.isReady;
import static dev.converge.inmemory.sim.SimTesting.runChecking;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Lookup;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.controller.KubeControllerManager;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager's endpoints controller in the simulated cluster: a Service's Endpoints follow the pods its
 * selector matches, ready ones under {@code addresses}, the others under {@code notReadyAddresses}, with the ports
 * resolved against each pod, and are written only when they change.
 */
class EndpointsScenarioTest {
  static final GroupKind ENDPOINTS = GroupKind.of("", "Endpoints");
  static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");

  private static final String WEB = """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
       "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
               "template":{"metadata":{"labels":{"app":"web"}},
                           "spec":{"containers":[{"name":"main","image":"nginx:1.27",
                                                  "ports":[{"name":"http","containerPort":8080}]}]}}}}""";

  private static Simulation start() {
    Simulation sim = Simulation.builder().seed(21).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.runFor(Duration.ofSeconds(30));
    return sim;
  }

  private static Resource endpoints(Simulation sim, String name) {
    return sim.server().cache().get(ENDPOINTS, "default", name);
  }

  private static List<Resource> webPods(Simulation sim) {
    List<Resource> out = new ArrayList<>();
    for (Resource pod : sim.server().cache().inNamespace(POD, "default").values()) {
      if ("web".equals(pod.labels().get("app")) && !pod.isBeingDeleted()) {
        out.add(pod);
      }
    }
    return out;
  }

  private static List<String> ips(JsonNode addresses) {
    List<String> out = new ArrayList<>();
    addresses.forEach(a -> out.add(a.path("ip").asText()));
    return out;
  }

  @Test
  void aServicesEndpoints_listItsReadyPods_withTheirPortsResolved() {
    Simulation sim = start();
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","labels":{"tier":"front"}},
         "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"},
                                                   {"name":"metrics","port":9090},
                                                   {"name":"grpc","port":9000,"targetPort":"grpc"}]}}""");
    Resource service = sim.server().cache().get(GroupKind.of("", "Service"), "default", "web");
    Lookup cluster = key -> Optional.ofNullable(sim.server().cache().get(key.groupKind(), key.namespace(), key.name()));
    // The engine's gate for a Service: no ready address yet.
    assertThat(ReadyGates.serviceHasEndpoints().check(service, cluster).isReady()).isFalse();
    sim.create(WEB);
    List<String> violations = new ArrayList<>();
    boolean[] listedNotReady = new boolean[1];
    // After every event, a pod listed as ready is Ready (the controller writes what it saw; a pod never goes back).
    runChecking(sim, Duration.ofMinutes(2), () -> {
      Resource ep = endpoints(sim, "web");
      if (ep == null) {
        return;
      }
      // Running with an IP but not yet Ready: listed under notReadyAddresses.
      listedNotReady[0] |= ep.json().path("subsets").path(0).path("notReadyAddresses").size() == 3;
      for (JsonNode subset : ep.json().path("subsets")) {
        for (JsonNode address : subset.path("addresses")) {
          Resource pod = sim.server().cache().get(POD, "default", address.path("targetRef").path("name").asText());
          if (pod != null && !isReady(pod)) {
            violations.add(sim.elapsedSeconds() + ": " + pod.name() + " listed ready");
          }
        }
      }
    });
    assertThat(violations).isEmpty();
    assertThat(listedNotReady[0]).isTrue();
    assertThat(ReadyGates.serviceHasEndpoints().check(service, cluster).isReady()).isTrue();

    Resource ep = endpoints(sim, "web");
    List<Resource> pods = webPods(sim);
    assertThat(pods).hasSize(3).allMatch(SimTesting::isReady);
    List<String> podIps = new ArrayList<>();
    pods.forEach(pod -> podIps.add(pod.status().path("podIP").asText()));
    podIps.sort(null);
    // One subset: http (named, resolved to 8080) and metrics (9090, the port itself) have the same addresses; no
    // pod has a port named grpc, so that port lists none.
    JsonNode subsets = ep.json().path("subsets");
    assertThat(subsets).hasSize(1);
    assertThat(ips(subsets.get(0).path("addresses"))).isEqualTo(podIps);
    assertThat(subsets.get(0).has("notReadyAddresses")).isFalse();
    assertThat(subsets.get(0).path("ports").toString()).isEqualTo(
        "[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"},{\"name\":\"metrics\",\"port\":9090,\"protocol\":\"TCP\"}]");
    JsonNode first = subsets.get(0).path("addresses").get(0);
    Resource pod = pods.stream().filter(p -> p.status().path("podIP").asText().equals(first.path("ip").asText()))
        .findFirst().orElseThrow();
    assertThat(first.path("nodeName").asText()).isEqualTo(pod.spec().path("nodeName").asText());
    assertThat(first.path("targetRef").toString()).isEqualTo("{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\""
        + pod.name() + "\",\"uid\":\"" + pod.uid() + "\"}");
    assertThat(ep.labels()).containsExactly(java.util.Map.entry("tier", "front"));
    assertThat(ep.annotations()).containsKey("endpoints.kubernetes.io/last-change-trigger-time")
        .doesNotContainKey("endpoints.kubernetes.io/over-capacity");

    // Quiet once settled: Lease renewals and node status writes change no pod, so nothing is written.
    long before = endpointWrites(sim);
    sim.runFor(Duration.ofMinutes(10));
    assertThat(endpointWrites(sim)).isEqualTo(before);
    assertThat(endpoints(sim, "web").resourceVersion()).isEqualTo(ep.resourceVersion());
  }

  @Test
  void scalingDown_removesTheAddress_andDeletingTheService_deletesItsEndpoints() {
    Simulation sim = start();
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}""");
    sim.create(WEB);
    sim.runUntil(() -> readyAddresses(sim) == 3, Duration.ofMinutes(2));
    Resource deployment = sim.server().cache().get(DEPLOYMENT, "default", "web");
    sim.server().update(Identity.admin(), deployment.edit(t -> t.with("spec").put("replicas", 1)));
    assertThat(sim.runUntil(() -> readyAddresses(sim) == 1 && webPods(sim).size() == 1, Duration.ofMinutes(2)))
        .isTrue();
    assertThat(ips(endpoints(sim, "web").json().path("subsets").get(0).path("addresses")))
        .containsExactly(webPods(sim).get(0).status().path("podIP").asText());

    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Service", "default", "web"), DeleteParams.defaults());
    assertThat(sim.runUntil(() -> endpoints(sim, "web") == null, Duration.ofSeconds(30))).isTrue();
    sim.runFor(Duration.ofSeconds(30));
    // As syncService: one DELETE for the Service's deletion, one more (404) for the Endpoints' own deletion event.
    List<Integer> deletes = new ArrayList<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals(KubeControllerManager.IDENTITY.name()) && r.resource().equals("endpoints")
          && r.verb().equals("delete")) {
        deletes.add(r.code());
      }
    }
    assertThat(deletes).containsExactly(200, 404);
  }

  @Test
  void endpointsThatCannotBeWritten_areRetriedFifteenTimes_thenTheServiceIsDropped_untilItChanges() {
    Simulation sim = start();
    sim.server().admission().register(AdmissionPlugin.validating("no-endpoints.example.com", request ->
        request.kind().equals(ENDPOINTS) && request.operation() == Operation.CREATE
            ? Verdict.deny("not today") : Verdict.allow()));
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}""");
    // The first sync and 15 retries, 5 ms doubling to 82 s apart (164 s in all); the next failure drops it.
    sim.runFor(Duration.ofMinutes(10));
    assertThat(endpointCreates(sim)).containsOnly(403).hasSize(16);
    assertThat(sim.controllerManager().endpoints().dropped()).isEqualTo(1);
    sim.runFor(Duration.ofMinutes(30));
    assertThat(endpointCreates(sim)).hasSize(16);

    // A change to the Service queues it again, and its retries start over.
    Resource service = sim.server().cache().get(GroupKind.of("", "Service"), "default", "web");
    sim.server().update(Identity.admin(), service.withLabel("tier", "front"));
    sim.runFor(Duration.ofMinutes(10));
    assertThat(endpointCreates(sim)).hasSize(32);
    assertThat(endpoints(sim, "web")).isNull();
  }

  /** The codes of kube-controller-manager's Endpoints creates, in order. */
  private static List<Integer> endpointCreates(Simulation sim) {
    List<Integer> codes = new ArrayList<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals(KubeControllerManager.IDENTITY.name()) && r.resource().equals("endpoints")
          && r.verb().equals("create")) {
        codes.add(r.code());
      }
    }
    return codes;
  }

  @Test
  void headlessWithoutPorts_listsAddressesOnly_andServicesWithoutSelectorOrExternalName_areLeftAlone() {
    Simulation sim = start();
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"peers","namespace":"default"},
         "spec":{"clusterIP":"None","selector":{"app":"web"}}}""");
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"external","namespace":"default"},
         "spec":{"ports":[{"port":80}]}}""");
    sim.create("""
        {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"external","namespace":"default"},
         "subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":80}]}]}""");
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"elsewhere","namespace":"default"},
         "spec":{"type":"ExternalName","externalName":"example.com","selector":{"app":"web"}}}""");
    sim.create(WEB);
    assertThat(sim.runUntil(() -> endpoints(sim, "peers") != null
        && endpoints(sim, "peers").json().path("subsets").path(0).path("addresses").size() == 3, Duration.ofMinutes(2)))
        .isTrue();
    sim.runFor(Duration.ofMinutes(1));

    Resource peers = endpoints(sim, "peers");
    assertThat(peers.labels()).containsExactly(java.util.Map.entry("service.kubernetes.io/headless", ""));
    assertThat(peers.json().path("subsets").get(0).has("ports")).isFalse();
    assertThat(endpoints(sim, "external").json().path("subsets").toString())
        .isEqualTo("[{\"addresses\":[{\"ip\":\"192.0.2.10\"}],\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]}]");
    assertThat(endpoints(sim, "elsewhere")).isNull();
  }

  private static int readyAddresses(Simulation sim) {
    Resource ep = endpoints(sim, "web");
    return ep == null ? 0 : ep.json().path("subsets").path(0).path("addresses").size();
  }

  private static long endpointWrites(Simulation sim) {
    long n = 0;
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals(KubeControllerManager.IDENTITY.name()) && r.resource().equals("endpoints")
          && r.verb().matches("create|update|delete")) {
        n++;
      }
    }
    return n;
  }
}
