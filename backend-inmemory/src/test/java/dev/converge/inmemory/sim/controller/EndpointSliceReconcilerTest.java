package dev.converge.inmemory.sim.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.controller.EndpointSliceReconciler.Changes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The EndpointSlice reconciler's packing, on hand-made inputs ({@code reconcileByPortMapping} in
 * {@code k8s.io/endpointslice/reconciler.go}): what a sync creates, updates and deletes.
 */
class EndpointSliceReconcilerTest {
  private static final EndpointSliceReconciler RECONCILER = new EndpointSliceReconciler(100);
  private static final Resource NODE = Resource.of(Json.parse("""
      {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-0","labels":{"topology.kubernetes.io/zone":"z1"}}}"""));
  private static final Function<String, @Nullable Resource> NODES = name -> name.equals("node-0") ? NODE : null;

  private static Resource service(String extra) {
    return Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","uid":"svc-uid",
         "labels":{"tier":"front"}},
         "spec":{"selector":{"app":"web"},"clusterIP":"10.96.0.10","ipFamilies":["IPv4"],%s
                 "ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}""".formatted(extra)));
  }

  private static final Resource SERVICE = service("");

  private static Resource pod(int i, String node) {
    return Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-%03d","namespace":"default","uid":"pod-%d"},
         "spec":{"nodeName":"%s","containers":[{"name":"main"}]},
         "status":{"phase":"Running","podIP":"10.1.%d.%d","podIPs":[{"ip":"10.1.%d.%d"}],
                   "conditions":[{"type":"Ready","status":"True"}]}}"""
        .formatted(i, i, node, i / 250, i % 250 + 1, i / 250, i % 250 + 1)));
  }

  private static List<Resource> pods(int from, int to) {
    List<Resource> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(pod(i, "node-0"));
    }
    return out;
  }

  /** A slice as the controller wrote it and the server stored it, with the endpoints of {@code pods}. */
  private static Resource slice(String name, List<Resource> pods) {
    ObjectNode root = (ObjectNode) Json.parse("""
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
         "metadata":{"name":"%s","namespace":"default","uid":"uid-%s","generation":1,
                     "labels":{"endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io",
                               "kubernetes.io/service-name":"web","tier":"front"},
                     "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web","uid":"svc-uid",
                                         "controller":true,"blockOwnerDeletion":true}]},
         "addressType":"IPv4","endpoints":null,
         "ports":[{"name":"http","protocol":"TCP","port":8080}]}""".formatted(name, name));
    if (!pods.isEmpty()) {
      ArrayNode endpoints = root.putArray("endpoints");
      pods.forEach(pod -> endpoints.add(EndpointSliceReconciler.podToEndpoint(pod, NODE, SERVICE, "IPv4")));
    } else {
      root.putNull("ports");
    }
    return Resource.of(Json.parse(root.toString()));
  }

  private static List<String> targets(JsonNode slice) {
    List<String> out = new ArrayList<>();
    slice.path("endpoints").forEach(e -> out.add(e.path("targetRef").path("name").asText()));
    return out;
  }

  @Test
  void newEndpoints_fillNewSlicesToTheMaximum_inPodOrder() {
    Changes changes = RECONCILER.reconcile(SERVICE, pods(0, 250), List.of(), NODES);
    assertThat(changes.update()).isEmpty();
    assertThat(changes.delete()).isEmpty();
    assertThat(changes.errors()).isEmpty();
    assertThat(changes.create()).extracting(s -> s.path("endpoints").size()).containsExactly(100, 100, 50);
    ObjectNode first = changes.create().get(0);
    assertThat(targets(first).get(0)).isEqualTo("web-000");
    assertThat(first.path("metadata").toString()).isEqualTo("{\"generateName\":\"web-\",\"namespace\":\"default\","
        + "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"name\":\"web\",\"uid\":\"svc-uid\","
        + "\"controller\":true,\"blockOwnerDeletion\":true}],\"labels\":{"
        + "\"endpointslice.kubernetes.io/managed-by\":\"endpointslice-controller.k8s.io\","
        + "\"kubernetes.io/service-name\":\"web\",\"tier\":\"front\"}}");
    assertThat(first.path("ports").toString()).isEqualTo("[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":8080}]");
    assertThat(first.path("endpoints").get(0).toString()).isEqualTo("{\"addresses\":[\"10.1.0.1\"],"
        + "\"conditions\":{\"ready\":true,\"serving\":true,\"terminating\":false},"
        + "\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"web-000\",\"uid\":\"pod-0\"},"
        + "\"nodeName\":\"node-0\",\"zone\":\"z1\"}");
  }

  @Test
  void unchangedSlices_areNotWritten_andLeftoversGoWholeIntoTheSliceTheyFillMostClosely() {
    List<Resource> existing = List.of(slice("web-a", pods(0, 100)), slice("web-b", pods(100, 160)),
        slice("web-c", pods(160, 180)));
    assertThat(RECONCILER.reconcile(SERVICE, pods(0, 180), existing, NODES).isEmpty()).isTrue();

    // 30 more: 100 + 30 does not fit in a; b (60 + 30 = 90) fits more closely than c (20 + 30 = 50).
    Changes changes = RECONCILER.reconcile(SERVICE, pods(0, 210), existing, NODES);
    assertThat(changes.create()).isEmpty();
    assertThat(changes.delete()).isEmpty();
    assertThat(changes.update()).singleElement().satisfies(b -> {
      assertThat(b.path("metadata").path("name").asText()).isEqualTo("web-b");
      assertThat(b.path("metadata").path("uid").asText()).isEqualTo("uid-web-b");
      assertThat(targets(b)).hasSize(90).startsWith("web-100").endsWith("web-209");
    });

    // 130 more: only a remainder smaller than a slice looks for an unchanged slice to fill, so 100 go to a new
    // slice, then the 30 left to b.
    Changes more = RECONCILER.reconcile(SERVICE, pods(0, 310), existing, NODES);
    assertThat(more.create()).extracting(s -> s.path("endpoints").size()).containsExactly(100);
    assertThat(more.update()).extracting(s -> s.path("metadata").path("name").asText()).containsExactly("web-b");
  }

  @Test
  void aSliceThatLostEndpoints_isUpdatedInPlace_andFilledFirst() {
    List<Resource> existing = List.of(slice("web-a", pods(0, 100)));
    List<Resource> now = new ArrayList<>(pods(10, 105));
    Changes changes = RECONCILER.reconcile(SERVICE, now, existing, NODES);
    assertThat(changes.create()).isEmpty();
    assertThat(changes.update()).singleElement().satisfies(a -> {
      List<String> targets = targets(a);
      assertThat(targets).hasSize(95);
      // The endpoints kept stay where they were; the new ones follow.
      assertThat(targets.subList(0, 90)).first().isEqualTo("web-010");
      assertThat(targets.subList(90, 95)).containsExactly("web-100", "web-101", "web-102", "web-103", "web-104");
    });

    // A pod that stops being ready changes its endpoint, not its place.
    Resource notReady = pod(50, "node-0").edit(root -> ((ObjectNode) root.get("status").get("conditions").get(0))
        .put("status", "False"));
    List<Resource> changed = new ArrayList<>(pods(0, 100));
    changed.set(50, notReady);
    Changes readiness = RECONCILER.reconcile(SERVICE, changed, existing, NODES);
    assertThat(readiness.update()).singleElement().satisfies(a -> {
      assertThat(a.path("endpoints").get(50).path("conditions").toString())
          .isEqualTo("{\"ready\":false,\"serving\":false,\"terminating\":false}");
      assertThat(targets(a).get(50)).isEqualTo("web-050");
    });
  }

  @Test
  void aServiceWithoutEndpoints_keepsOnePlaceholder() {
    Resource placeholder = slice("web-p", List.of());
    assertThat(RECONCILER.reconcile(SERVICE, List.of(), List.of(placeholder), NODES).isEmpty()).isTrue();

    Changes fresh = RECONCILER.reconcile(SERVICE, List.of(), List.of(), NODES);
    assertThat(fresh.create()).singleElement().satisfies(p -> {
      assertThat(p.path("endpoints").isNull()).isTrue();
      assertThat(p.path("ports").isNull()).isTrue();
    });

    // The last pods gone: their slice is deleted and a placeholder created (the controller turns the pair into
    // one update of the old slice).
    Changes emptied = RECONCILER.reconcile(SERVICE, List.of(), List.of(slice("web-a", pods(0, 3))), NODES);
    assertThat(emptied.delete()).extracting(Resource::name).containsExactly("web-a");
    assertThat(emptied.create()).hasSize(1);
  }

  @Test
  void aPodOnAnUnknownNode_isLeftOutWithAnError_unlessNotReadyAddressesArePublished() {
    List<Resource> pods = List.of(pod(0, "node-0"), pod(1, "gone"));
    Changes changes = RECONCILER.reconcile(SERVICE, pods, List.of(), NODES);
    assertThat(changes.errors()).containsExactly("skipping Pod web-001 for Service default/web: Node gone Not Found");
    assertThat(targets(changes.create().get(0))).containsExactly("web-000");

    Changes published = RECONCILER.reconcile(service("\"publishNotReadyAddresses\":true,"), pods, List.of(), NODES);
    assertThat(published.errors()).isEmpty();
    assertThat(targets(published.create().get(0))).containsExactly("web-000", "web-001");
    assertThat(published.create().get(0).path("endpoints").get(1).has("zone")).isFalse();
  }

  @Test
  void theServicesLabels_areCopied_butNotItsReservedOnes_andAChangeRewritesTheSlice() {
    Resource relabelled = service("").edit(root -> ((ObjectNode) root.get("metadata")).putObject("labels")
        .put("tier", "back").put("kubernetes.io/service-name", "other"));
    Changes changes = RECONCILER.reconcile(relabelled, pods(0, 3), List.of(slice("web-a", pods(0, 3))), NODES);
    assertThat(changes.update()).singleElement().satisfies(a -> {
      assertThat(a.path("metadata").path("labels").toString()).isEqualTo("{"
          + "\"endpointslice.kubernetes.io/managed-by\":\"endpointslice-controller.k8s.io\","
          + "\"kubernetes.io/service-name\":\"web\",\"tier\":\"back\"}");
      assertThat(targets(a)).containsExactly("web-000", "web-001", "web-002");
    });
  }

  @Test
  void podsResolvingNamedPortsDifferently_getSlicesOfTheirOwn() {
    Resource named = service("").edit(root -> ((ObjectNode) root.get("spec")).putArray("ports").addObject()
        .put("name", "http").put("port", 80).put("targetPort", "http").put("protocol", "TCP"));
    Resource onOldPort = pod(0, "node-0").edit(root -> ((ObjectNode) root.get("spec")).putArray("containers")
        .addObject().put("name", "main").putArray("ports").addObject().put("name", "http").put("containerPort", 8080));
    Resource onNewPort = pod(1, "node-0").edit(root -> ((ObjectNode) root.get("spec")).putArray("containers")
        .addObject().put("name", "main").putArray("ports").addObject().put("name", "http").put("containerPort", 9090));
    Changes changes = RECONCILER.reconcile(named, List.of(onOldPort, onNewPort), List.of(), NODES);
    assertThat(changes.create()).extracting(s -> s.path("ports").get(0).path("port").asInt() + " " + targets(s))
        .containsExactly("8080 [web-000]", "9090 [web-001]");
  }
  @Test
  void aSyncFromTheLastSnapshot_writesWhatASyncFromScratchWrites_overRandomPodChanges() {
    SplittableRandom random = new SplittableRandom(7);
    Map<String, Resource> nodes = new HashMap<>();
    for (int n = 0; n < 3; n++) {
      nodes.put("node-" + n, Resource.of(Json.parse("""
          {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-%d","labels":{"topology.kubernetes.io/zone":"z%d"}}}"""
          .formatted(n, n))));
    }
    long[] epoch = {0};
    EndpointSliceReconciler.Nodes view = new EndpointSliceReconciler.Nodes() {
      @Override
      public @Nullable Resource get(String name) {
        return nodes.get(name);
      }

      @Override
      public long epoch() {
        return epoch[0];
      }

      @Override
      public long additions() {
        return 0;
      }
    };
    java.util.TreeMap<String, Resource> pods = new java.util.TreeMap<>();
    for (int i = 0; i < 230; i++) {
      Resource pod = pod(i, "node-" + (i % 3));
      pods.put(pod.name(), pod);
    }
    EndpointSliceMemo memo = new EndpointSliceMemo();
    java.util.TreeMap<String, Resource> slices = new java.util.TreeMap<>();
    int[] created = {0};
    int patched = 0;
    for (int step = 0; step < 400; step++) {
      List<Resource> existing = new ArrayList<>(slices.values());
      List<Resource> selected = new ArrayList<>(pods.values());
      // As the controller reads them: by name, and which changed since the last sync (its pod handler's marks).
      java.util.TreeSet<String> changed = memo.takeDirty();
      EndpointSliceReconciler.SelectedPods source = new EndpointSliceReconciler.SelectedPods() {
        @Override
        public List<Resource> all() {
          return selected;
        }

        @Override
        public @Nullable Resource get(String name) {
          return pods.get(name);
        }

        @Override
        public java.util.Collection<String> changed() {
          return changed;
        }
      };
      Changes incremental = RECONCILER.reconcile(SERVICE, source, existing, view, memo);
      patched += memo.patched() ? 1 : 0;
      Changes scratch = RECONCILER.reconcile(SERVICE, EndpointSliceReconciler.SelectedPods.of(selected), existing,
          view, new EndpointSliceMemo());
      assertThat(render(incremental)).as("step %d", step).isEqualTo(render(scratch));
      // The server: creates named and numbered, every write a new version.
      for (ObjectNode slice : incremental.create()) {
        ObjectNode stored = slice.deepCopy();
        String name = "web-" + created[0]++;
        ((ObjectNode) stored.get("metadata")).put("name", name).put("uid", "uid-" + name).put("resourceVersion", "1");
        slices.put(name, Resource.of(stored));
      }
      for (ObjectNode slice : incremental.update()) {
        ObjectNode stored = slice.deepCopy();
        String name = stored.path("metadata").path("name").asText();
        ((ObjectNode) stored.get("metadata")).put("resourceVersion",
            String.valueOf(Long.parseLong(slices.get(name).resourceVersion()) + 1));
        slices.put(name, Resource.of(stored));
      }
      incremental.delete().forEach(slice -> slices.remove(slice.name()));
      if (incremental.errors().isEmpty()) {
        memo.commit(new ArrayList<>(slices.values()));
      } else {
        memo.invalidate();
      }
      // Then some pods change: readiness, IP, deletion, completion, new pods; now and then a node's zone.
      for (int k = random.nextInt(4); k >= 0; k--) {
        List<String> names = new ArrayList<>(pods.keySet());
        String name = names.get(random.nextInt(names.size()));
        Resource pod = pods.get(name);
        memo.dirty(name);
        switch (random.nextInt(6)) {
          case 0 -> pods.put(name, pod.edit(root -> ((ObjectNode) root.get("status").get("conditions").get(0))
              .put("status", random.nextBoolean() ? "True" : "False")));
          case 1 -> pods.put(name, pod.edit(root -> {
            String ip = "10.9." + random.nextInt(250) + "." + (1 + random.nextInt(250));
            ((ObjectNode) root.get("status")).put("podIP", ip).putArray("podIPs").addObject().put("ip", ip);
          }));
          case 2 -> pods.remove(name);
          case 3 -> pods.put(name, pod.edit(root -> ((ObjectNode) root.get("status")).put("phase", "Succeeded")));
          case 4 -> {
            Resource added = pod(300 + random.nextInt(200), "node-" + random.nextInt(3));
            pods.put(added.name(), added);
            memo.dirty(added.name());
          }
          default -> {
            if (random.nextInt(10) == 0) {
              String node = "node-" + random.nextInt(3);
              nodes.put(node, nodes.get(node).withLabel("topology.kubernetes.io/zone", "z" + random.nextInt(5)));
              epoch[0]++;
            }
          }
        }
      }
    }
    // Most syncs started from the snapshot; the check above compared each with a sync from scratch.
    assertThat(patched).isGreaterThan(360);
  }

  private static String render(Changes changes) {
    List<String> out = new ArrayList<>();
    changes.create().forEach(s -> out.add("create " + s));
    changes.update().forEach(s -> out.add("update " + s));
    changes.delete().forEach(s -> out.add("delete " + s.name()));
    changes.errors().forEach(e -> out.add("error " + e));
    return String.join("\n", out);
  }
}
