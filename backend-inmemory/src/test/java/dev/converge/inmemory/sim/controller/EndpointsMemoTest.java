package dev.converge.inmemory.sim.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EndpointsMemo}: subsets kept up to date pod by pod are the subsets built from scratch, whatever the pods
 * did in between.
 */
class EndpointsMemoTest {
  private static final Resource SERVICE = Resource.of((ObjectNode) Json.parse("""
      {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
       "spec":{"clusterIP":"10.96.0.10","selector":{"app":"web"},
               "ports":[{"name":"http","port":80,"targetPort":"http"},{"name":"metrics","port":9090}]}}"""));

  @Test
  void incrementalSubsets_equalARebuild_overSeededPodChanges() {
    for (long seed = 0; seed < 20; seed++) {
      Random random = new Random(seed);
      EndpointsMemo memo = new EndpointsMemo(SERVICE);
      List<Resource> pods = new ArrayList<>();
      for (int step = 0; step < 300; step++) {
        int choice = random.nextInt(10);
        if (choice < 3 || pods.isEmpty()) {
          pods.add(pod(random, "web-" + step));
        } else if (choice < 5) {
          pods.remove(random.nextInt(pods.size()));
        } else {
          // A new version of a pod: the same name and uid, another readiness, IP or named port.
          int index = random.nextInt(pods.size());
          Resource old = pods.get(index);
          pods.set(index, pod(random, old.name(), old.uid()));
        }
        List<Resource> selected = List.copyOf(pods);
        memo.update(selected, pod -> EndpointsController.contribution(SERVICE, pod, false));
        EndpointsMemo rebuilt = new EndpointsMemo(SERVICE);
        rebuilt.update(selected, pod -> EndpointsController.contribution(SERVICE, pod, false));
        assertThat(memo.subsets()).as("seed %d step %d", seed, step).isEqualTo(rebuilt.subsets());
      }
    }
  }

  @Test
  void addressesSortByIpThenUid_andPortsWithTheSameAddressesShareASubset() {
    EndpointsMemo memo = new EndpointsMemo(SERVICE);
    Resource b = pod("b", "uid-b", "10.0.0.2", true, true);
    Resource a = pod("a", "uid-a", "10.0.0.10", true, true);
    Resource c = pod("c", "uid-c", "10.0.0.3", false, true);
    memo.update(List.of(b, a, c), pod -> EndpointsController.contribution(SERVICE, pod, false));
    JsonNode subsets = memo.subsets();
    assertThat(subsets).hasSize(1);
    // By IP as text: "10.0.0.10" sorts before "10.0.0.2" (LessEndpointAddress compares strings).
    assertThat(ips(subsets.get(0).path("addresses"))).containsExactly("10.0.0.10", "10.0.0.2");
    assertThat(ips(subsets.get(0).path("notReadyAddresses"))).containsExactly("10.0.0.3");
    assertThat(subsets.get(0).path("ports").toString()).isEqualTo(
        "[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"},{\"name\":\"metrics\",\"port\":9090,\"protocol\":\"TCP\"}]");

    // A pod without the named port leaves http; metrics now lists another set, so the ports split.
    Resource d = pod("d", "uid-d", "10.0.0.4", true, false);
    memo.update(List.of(b, a, c, d), pod -> EndpointsController.contribution(SERVICE, pod, false));
    subsets = memo.subsets();
    assertThat(subsets).hasSize(2);
    assertThat(subsets.get(0).path("ports").get(0).path("name").asText()).isEqualTo("http");
    assertThat(ips(subsets.get(0).path("addresses"))).containsExactly("10.0.0.10", "10.0.0.2");
    assertThat(subsets.get(1).path("ports").get(0).path("name").asText()).isEqualTo("metrics");
    assertThat(ips(subsets.get(1).path("addresses"))).containsExactly("10.0.0.10", "10.0.0.2", "10.0.0.4");

    // Deselected pods leave: only c is left, not ready.
    memo.update(List.of(c), pod -> EndpointsController.contribution(SERVICE, pod, false));
    subsets = memo.subsets();
    assertThat(subsets).hasSize(1);
    assertThat(subsets.get(0).has("addresses")).isFalse();
    assertThat(ips(subsets.get(0).path("notReadyAddresses"))).containsExactly("10.0.0.3");
  }

  private static List<String> ips(JsonNode addresses) {
    List<String> out = new ArrayList<>();
    addresses.forEach(address -> out.add(address.path("ip").asText()));
    return out;
  }

  private static Resource pod(Random random, String name) {
    return pod(random, name, "uid-" + name);
  }

  private static Resource pod(Random random, String name, String uid) {
    // A few IPs only, so that addresses of different pods tie on the IP and sort by uid.
    String ip = random.nextInt(5) == 0 ? "" : "10.0." + random.nextInt(3) + "." + random.nextInt(4);
    return pod(name, uid, ip, random.nextBoolean(), random.nextInt(4) != 0);
  }

  private static Resource pod(String name, String uid, String ip, boolean ready, boolean namedPort) {
    ObjectNode root = (ObjectNode) Json.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default","uid":"%s",
                                                     "labels":{"app":"web"}},
         "spec":{"nodeName":"node-1","containers":[{"name":"web","image":"nginx","ports":[%s]}]},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"%s"}]}}"""
        .formatted(name, uid, namedPort ? "{\"name\":\"http\",\"containerPort\":8080}" : "",
            ready ? "True" : "False"));
    if (!ip.isEmpty()) {
      ObjectNode status = (ObjectNode) root.get("status");
      status.put("podIP", ip);
      status.putArray("podIPs").addObject().put("ip", ip);
    }
    return Resource.of(root);
  }
}
