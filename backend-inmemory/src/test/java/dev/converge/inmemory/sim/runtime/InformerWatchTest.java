package dev.converge.inmemory.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An informer's watch lives as client-go's reflector's does: it asks for BOOKMARKs, the server ends it after 5 to
 * 10 minutes, and the informer watches again from the last resourceVersion it saw, without a relist and without
 * losing or repeating a change; a resumed watch whose version the server no longer keeps is answered 410, and the
 * informer relists.
 */
class InformerWatchTest {
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private static final Identity ADMIN = Identity.admin();

  @Test
  void theWatchEndsEveryFiveToTenMinutes_andResumesFromTheLastVersionSeen_missingAndRepeatingNothing() {
    Simulation sim = Simulation.builder().seed(3).pool(NodePool.plain(1)).build().start();
    ApiServer server = sim.server();
    namespace(server, "a");
    server.create(ADMIN, InformerCacheTest.configMap("a", "settings", "0"));
    List<Long> watchesAt = new ArrayList<>();
    server.requests().subscribe(record -> {
      if (record.identity().equals("informer-test") && record.verb().equals("watch")) {
        watchesAt.add(record.startNanos());
      }
    });
    Informer informer = informer(sim, "a");
    List<String> seen = new ArrayList<>();
    // The namespace's kube-root-ca.crt aside.
    informer.addHandler(Informer.Handler.of(object -> {
      if (object.name().equals("settings")) {
        seen.add(object.json().path("data").path("v").asText());
      }
    }, last -> seen.add("deleted " + last.name())));
    informer.start();

    // A change every 7 s for 40 minutes: some of them land while a watch is being opened again.
    List<String> made = new ArrayList<>(List.of("0"));
    for (int i = 1; i <= 40 * 60 / 7; i++) {
      String value = Integer.toString(i);
      made.add(value);
      sim.context().clock().schedule(Duration.ofSeconds(7L * i), () -> {
        Resource current = server.get(ADMIN, ResourceKey.namespaced("", "ConfigMap", "a", "settings"));
        server.update(ADMIN, current.edit(t -> t.with("data").put("v", value)));
      });
    }
    sim.runFor(Duration.ofMinutes(41));

    assertThat(informer.lists()).isEqualTo(1);
    assertThat(seen).containsExactlyElementsOf(made);
    assertThat(informer.watches()).isEqualTo(watchesAt.size()).isBetween(5L, 9L);
    for (int i = 1; i < watchesAt.size(); i++) {
      assertThat(watchesAt.get(i) - watchesAt.get(i - 1)).isBetween(300_000_000_000L, 600_000_000_000L);
    }
  }

  @Test
  void bookmarksKeepAQuietWatchsVersionFresh_soItResumesWhereTheKindMovedOn() {
    Simulation sim = quietWatchScenario(b -> { });
    Informer informer = informer(sim, "a");
    informer.start();
    sim.runFor(Duration.ofMinutes(11));
    assertThat(informer.watches()).isGreaterThanOrEqualTo(2);
    assertThat(informer.lists()).isEqualTo(1);
  }

  @Test
  void withoutBookmarks_aQuietWatchResumesFromAVersionTheServerNoLongerKeeps_andRelists() {
    Simulation sim = quietWatchScenario(b -> b.bookmarkInterval(Duration.ZERO));
    Informer informer = informer(sim, "a");
    informer.start();
    sim.runFor(Duration.ofMinutes(11));
    assertThat(informer.lists()).isGreaterThanOrEqualTo(2);
    assertThat(informer.size()).isEqualTo(2);
  }

  /**
   * A server that keeps five changes per kind and no more; an informer's namespace {@code a} stays quiet while
   * twenty ConfigMaps are made in {@code b} during its first minute.
   */
  private static Simulation quietWatchScenario(Consumer<dev.converge.inmemory.server.ServerConfig.Builder> bookmarks) {
    Simulation sim = Simulation.builder().seed(3).pool(NodePool.plain(1))
        .server(b -> bookmarks.accept(b.historyLimit(5).historyFreshness(Duration.ZERO))).build().start();
    ApiServer server = sim.server();
    namespace(server, "a");
    namespace(server, "b");
    server.create(ADMIN, InformerCacheTest.configMap("a", "settings", "0"));
    for (int i = 0; i < 20; i++) {
      int n = i;
      sim.context().clock().schedule(Duration.ofSeconds(2 + 2L * i),
          () -> server.create(ADMIN, InformerCacheTest.configMap("b", "other-" + n, "0")));
    }
    return sim;
  }

  private static Informer informer(Simulation sim, String namespace) {
    Identity identity = new Identity("informer-test", com.google.common.collect.ImmutableList.of(Identity.MASTERS,
        Identity.AUTHENTICATED));
    return new Informer(sim.context().client("test", identity), CONFIG_MAP, namespace, LabelSelector.everything(),
        FieldSelector.everything());
  }

  private static void namespace(ApiServer server, String name) {
    var root = Json.object();
    root.put("apiVersion", "v1").put("kind", "Namespace");
    root.putObject("metadata").put("name", name);
    server.create(ADMIN, Resource.of(root));
  }
}
