package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.POD;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.runChecking;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.controller.ControllerRoles;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager's EndpointSlice controller in the simulated cluster, acting as its own service account
 * so that its requests can be told apart: a Service's slices follow the pods its selector matches, at most 100
 * endpoints each, with each endpoint's conditions, node, zone and target, and are written only when they change.
 */
class EndpointSliceScenarioTest {
  static final GroupKind SLICE = GroupKind.of("discovery.k8s.io", "EndpointSlice");
  static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  static final String CONTROLLER = "system:serviceaccount:kube-system:" + ControllerRoles.ENDPOINT_SLICE;

  private static String web(int replicas) {
    return """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},
                             "spec":{"containers":[{"name":"main","image":"nginx:1.27",
                                                    "ports":[{"name":"http","containerPort":8080}]}]}}}}"""
        .formatted(replicas);
  }

  private static final String SERVICE = """
      {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","labels":{"tier":"front"}},
       "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"},
                                                 {"name":"metrics","port":9090},
                                                 {"name":"grpc","port":9000,"targetPort":"grpc"}]}}""";

  private static Simulation start(int nodes) {
    Simulation sim = Simulation.builder().seed(23).kubelet(fixedKubelet()).controllerCredentials(Credentials.SERVICE_ACCOUNTS)
        .pool(NodePool.plain(nodes).withLabels(Map.of("topology.kubernetes.io/zone", "zone-a"))).build().start();
    sim.runFor(Duration.ofSeconds(30));
    return sim;
  }

  private static List<Resource> slices(Simulation sim, String service) {
    List<Resource> out = new ArrayList<>();
    for (Resource slice : sim.server().cache().inNamespace(SLICE, "default").values()) {
      if (service.equals(slice.labels().get("kubernetes.io/service-name"))) {
        out.add(slice);
      }
    }
    return out;
  }

  private static List<JsonNode> endpoints(Simulation sim, String service) {
    List<JsonNode> out = new ArrayList<>();
    slices(sim, service).forEach(slice -> slice.json().path("endpoints").forEach(out::add));
    return out;
  }

  private static long readyEndpoints(Simulation sim, String service) {
    return endpoints(sim, service).stream().filter(e -> e.path("conditions").path("ready").asBoolean()).count();
  }

  private static List<String> writes(Simulation sim) {
    List<String> out = new ArrayList<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals(CONTROLLER) && r.resource().equals("endpointslices")
          && r.verb().matches("create|update|delete")) {
        out.add(r.verb() + " " + r.code());
      }
    }
    return out;
  }

  @Test
  void aServicesSlice_startsAsAPlaceholder_thenListsItsPods_withPortsResolved_andIsQuietOnceSettled() {
    Simulation sim = start(3);
    sim.create(SERVICE);
    sim.runFor(Duration.ofSeconds(5));
    Resource service = sim.server().cache().get(GroupKind.of("", "Service"), "default", "web");
    // No pods yet: one empty placeholder slice, no ports.
    List<Resource> placeholder = slices(sim, "web");
    assertThat(placeholder).hasSize(1);
    assertThat(placeholder.get(0).name()).startsWith("web-").hasSize("web-".length() + 5);
    assertThat(placeholder.get(0).json().path("endpoints").isNull()).isTrue();
    assertThat(placeholder.get(0).json().path("ports").isNull()).isTrue();

    sim.create(web(3));
    boolean[] sawNotReady = new boolean[1];
    runChecking(sim, Duration.ofMinutes(2), () -> endpoints(sim, "web").forEach(e -> {
      JsonNode conditions = e.path("conditions");
      sawNotReady[0] |= !conditions.path("ready").asBoolean();
      // ready is serving and not terminating; a pod never goes back while it runs
      assertThat(conditions.path("ready").asBoolean())
          .isEqualTo(conditions.path("serving").asBoolean() && !conditions.path("terminating").asBoolean());
    }));
    assertThat(sawNotReady[0]).isTrue();

    // The placeholder was turned into the pods' slice (a create and a delete become one update).
    List<Resource> all = slices(sim, "web");
    assertThat(all).hasSize(1);
    Resource slice = all.get(0);
    assertThat(slice.name()).isEqualTo(placeholder.get(0).name());
    assertThat(slice.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("tier", "front",
        "kubernetes.io/service-name", "web", "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"));
    assertThat(slice.ownerReferences()).singleElement().satisfies(ref -> {
      assertThat(ref.uid()).isEqualTo(service.uid());
      assertThat(ref.controller()).isTrue();
      assertThat(ref.blockOwnerDeletion()).isTrue();
    });
    assertThat(slice.json().path("addressType").asText()).isEqualTo("IPv4");
    // http (named, resolved to 8080) and metrics (the number itself); no pod has a port named grpc.
    assertThat(slice.json().path("ports").toString()).isEqualTo("[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":8080},"
        + "{\"name\":\"metrics\",\"protocol\":\"TCP\",\"port\":9090}]");
    assertThat(slice.annotations()).containsKey("endpoints.kubernetes.io/last-change-trigger-time");
    List<JsonNode> endpoints = endpoints(sim, "web");
    assertThat(endpoints).hasSize(3);
    JsonNode first = endpoints.get(0);
    Resource pod = sim.server().cache().get(POD, "default", first.path("targetRef").path("name").asText());
    assertThat(first.toString()).isEqualTo("{\"addresses\":[\"" + pod.status().path("podIP").asText() + "\"],"
        + "\"conditions\":{\"ready\":true,\"serving\":true,\"terminating\":false},"
        + "\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"" + pod.name() + "\",\"uid\":\""
        + pod.uid() + "\"},\"nodeName\":\"" + pod.spec().path("nodeName").asText() + "\",\"zone\":\"zone-a\"}");

    // Quiet once settled: Lease renewals and node status writes change no pod.
    List<String> before = writes(sim);
    sim.runFor(Duration.ofMinutes(10));
    assertThat(writes(sim)).isEqualTo(before).doesNotContain("create 409", "update 409");
    assertThat(slices(sim, "web").get(0).resourceVersion()).isEqualTo(slice.resourceVersion());
  }

  @Test
  void twoHundredFiftyPods_fillSlicesOfAHundred_andScalingDown_keepsEachEndpointOnce() {
    Simulation sim = start(5);
    sim.create(SERVICE);
    sim.create(web(250));
    assertThat(sim.runUntil(() -> readyEndpoints(sim, "web") == 250, Duration.ofMinutes(10))).isTrue();
    sim.runFor(Duration.ofSeconds(30));
    List<Integer> sizes = new ArrayList<>();
    slices(sim, "web").forEach(slice -> sizes.add(slice.json().path("endpoints").size()));
    assertThat(sizes).allMatch(size -> size <= 100);
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(250);
    assertThat(sizes).hasSizeLessThanOrEqualTo(4);
    assertUnique(sim);

    Resource deployment = sim.server().cache().get(DEPLOYMENT, "default", "web");
    sim.server().update(Identity.admin(), deployment.edit(t -> t.with("spec").put("replicas", 120)));
    assertThat(sim.runUntil(() -> endpoints(sim, "web").size() == 120, Duration.ofMinutes(5))).isTrue();
    sim.runFor(Duration.ofSeconds(30));
    assertUnique(sim);
    assertThat(readyEndpoints(sim, "web")).isEqualTo(120);
    assertThat(slices(sim, "web")).allMatch(slice -> slice.json().path("endpoints").size() <= 100
        && !slice.json().path("endpoints").isEmpty());
    assertThat(writes(sim)).allMatch(w -> w.endsWith(" 200") || w.endsWith(" 201"));
  }

  private static void assertUnique(Simulation sim) {
    Set<String> names = new HashSet<>();
    for (JsonNode endpoint : endpoints(sim, "web")) {
      assertThat(names.add(endpoint.path("targetRef").path("name").asText())).isTrue();
    }
  }

  @Test
  void aDeletedPod_isListedTerminating_untilItIsGone() {
    Simulation sim = start(3);
    sim.create(SERVICE);
    sim.create(web(1));
    assertThat(sim.runUntil(() -> readyEndpoints(sim, "web") == 1, Duration.ofMinutes(2))).isTrue();
    String name = endpoints(sim, "web").get(0).path("targetRef").path("name").asText();
    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", name), DeleteParams.defaults());
    boolean[] sawTerminating = new boolean[1];
    runChecking(sim, Duration.ofMinutes(2), () -> endpoints(sim, "web").forEach(e -> {
      if (e.path("targetRef").path("name").asText().equals(name)
          && e.path("conditions").toString().equals("{\"ready\":false,\"serving\":true,\"terminating\":true}")) {
        sawTerminating[0] = true;
      }
    }));
    assertThat(sawTerminating[0]).isTrue();
    assertThat(endpoints(sim, "web")).noneMatch(e -> e.path("targetRef").path("name").asText().equals(name));
  }

  @Test
  void someoneElsesEditToAManagedSlice_isUndone_andDeletingTheService_deletesItsSlices() {
    Simulation sim = start(3);
    sim.create(SERVICE);
    sim.create(web(2));
    assertThat(sim.runUntil(() -> readyEndpoints(sim, "web") == 2, Duration.ofMinutes(2))).isTrue();
    Resource slice = slices(sim, "web").get(0);
    sim.server().update(Identity.admin(), slice.withLabel("owner", "someone").edit(t -> t.putNull("endpoints")));
    sim.runFor(Duration.ofSeconds(10));
    Resource restored = slices(sim, "web").get(0);
    assertThat(restored.labels()).doesNotContainKey("owner");
    assertThat(restored.json().path("endpoints")).hasSize(2);
    assertThat(restored.generation()).isEqualTo(slice.generation() + 2);

    // Deleting a slice behind the controller's back brings a new one.
    sim.server().delete(Identity.admin(), restored.key(), DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(10));
    assertThat(slices(sim, "web")).singleElement().satisfies(s -> {
      assertThat(s.name()).isNotEqualTo(restored.name());
      assertThat(s.json().path("endpoints")).hasSize(2);
    });

    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Service", "default", "web"), DeleteParams.defaults());
    assertThat(sim.runUntil(() -> slices(sim, "web").isEmpty(), Duration.ofMinutes(1))).isTrue();
    // The garbage collector deleted them; the controller itself deletes none.
    assertThat(writes(sim)).noneMatch(w -> w.startsWith("delete"));
  }

  @Test
  void aHeadlessServiceWithoutPorts_hasPortlessSlices_andServicesWithoutSelectorOrExternalName_haveNone() {
    Simulation sim = start(3);
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"peers","namespace":"default"},
         "spec":{"clusterIP":"None","selector":{"app":"web"}}}""");
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"external","namespace":"default"},
         "spec":{"ports":[{"port":80}]}}""");
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"elsewhere","namespace":"default"},
         "spec":{"type":"ExternalName","externalName":"example.com","selector":{"app":"web"}}}""");
    sim.create(web(3));
    assertThat(sim.runUntil(() -> readyEndpoints(sim, "peers") == 3, Duration.ofMinutes(2))).isTrue();
    Resource peers = slices(sim, "peers").get(0);
    assertThat(peers.labels()).containsEntry("service.kubernetes.io/headless", "");
    assertThat(peers.json().path("ports").isNull()).isTrue();
    assertThat(slices(sim, "external")).isEmpty();
    assertThat(slices(sim, "elsewhere")).isEmpty();
  }

  @Test
  void aSliceThatCannotBeWritten_isRetried_withAWarning_thenTheServiceIsDropped() {
    Simulation sim = start(3);
    sim.server().admission().register(AdmissionPlugin.validating("no-slices.example.com", request ->
        request.kind().equals(SLICE) && request.operation() == Operation.CREATE
            ? Verdict.deny("not today") : Verdict.allow()));
    sim.create(SERVICE);
    sim.runFor(Duration.ofMinutes(5));
    // Each failure is recorded (the Events of one reason and message are counted on one Event).
    assertThat(SimTesting.events(sim, "web")).anySatisfy(event -> assertThat(event).startsWith(
        "FailedToUpdateEndpointSlices: Error updating Endpoint Slices for Service default/web: failed to create"
            + " EndpointSlice for Service default/web: ").contains("not today"));
    // The first sync and 15 retries, 1 s doubling to 1000 s apart (1 + 2 + … + 512 + 5 × 1000 = 6,023 s), then
    // the next failure drops it.
    sim.runFor(Duration.ofHours(3));
    assertThat(writes(sim)).containsOnly("create 403").hasSize(16);
    assertThat(sim.controllerManager().endpointSlices().dropped()).isEqualTo(1);
  }
}
