package dev.converge.inmemory.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A large informer finds an object's box by its name string (shared by the object's versions and, here, by
 * objects of the same name in two namespaces); deleted objects and namespaces never get each other's box.
 */
class InformerCacheTest {
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");

  /** A ConfigMap with one key, {@code v}. */
  static Resource configMap(String namespace, String name, String value) {
    var root = Json.object();
    root.put("apiVersion", "v1").put("kind", "ConfigMap");
    root.putObject("metadata").put("name", name).put("namespace", namespace);
    root.putObject("data").put("v", value);
    return Resource.of(root);
  }

  @Test
  void updatesDeletesAndSameNamesInTwoNamespaces_reachTheRightEntries() {
    Simulation sim = Simulation.builder().seed(1).pool(NodePool.plain(1)).build().start();
    ApiServer server = sim.server();
    Identity admin = Identity.admin();
    for (String ns : List.of("a", "b")) {
      var root = Json.object();
      root.put("apiVersion", "v1").put("kind", "Namespace");
      root.putObject("metadata").put("name", ns);
      server.create(admin, Resource.of(root));
    }
    String[] names = new String[Informer.INSTANCE_CACHE_FROM + 10];
    for (int i = 0; i < names.length; i++) {
      names[i] = "cm-" + i;
      server.create(admin, configMap("a", names[i], "0"));
      server.create(admin, configMap("b", names[i], "0"));
    }
    Informer informer = new Informer(sim.context().client("test", admin), CONFIG_MAP, null, LabelSelector.everything(),
        FieldSelector.everything());
    List<String> events = new ArrayList<>();
    informer.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource object) {
        events.add("add " + object.namespace() + "/" + object.name() + "=" + object.json().path("data").path("v").asText());
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        events.add("update " + current.namespace() + "/" + current.name() + "=" + current.json().path("data").path("v").asText());
      }

      @Override
      public void onDelete(Resource last) {
        events.add("delete " + last.namespace() + "/" + last.name());
      }
    });
    informer.start();
    sim.runFor(Duration.ofSeconds(1));
    events.clear();

    // The same name instances in both namespaces, alternately; a delete and a re-create in between.
    for (int round = 1; round <= 3; round++) {
      for (String ns : List.of("a", "b")) {
        Resource current = server.get(admin, ResourceKey.namespaced("", "ConfigMap", ns, names[0]));
        server.update(admin, current.edit(t -> t.with("data").put("v", "r")));
      }
    }
    server.delete(admin, ResourceKey.namespaced("", "ConfigMap", "a", names[0]), DeleteParams.defaults());
    server.create(admin, configMap("a", names[0], "new"));
    Resource b = server.get(admin, ResourceKey.namespaced("", "ConfigMap", "b", names[0]));
    server.update(admin, b.edit(t -> t.with("data").put("v", "last")));
    sim.runFor(Duration.ofSeconds(1));

    assertThat(events).containsExactly(
        "update a/cm-0=r", "update b/cm-0=r", "delete a/cm-0", "add a/cm-0=new", "update b/cm-0=last");
    // and the kube-root-ca.crt of each of the six namespaces
    int rootCas = 6;
    assertThat(informer.size()).isEqualTo(2 * names.length + rootCas);
    assertThat(informer.get("a", names[0]).json().path("data").path("v").asText()).isEqualTo("new");
    assertThat(informer.get("b", names[0]).json().path("data").path("v").asText()).isEqualTo("last");
    assertThat(informer.items()).hasSize(2 * names.length + rootCas);
  }
}
