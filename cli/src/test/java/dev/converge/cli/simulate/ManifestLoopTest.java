package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests' loop (what {@code simulate} and {@code serve -f} keep applied) reconciles its install's stand-in
 * ConfigMap and no other: a ConfigMap among the manifests, or one a user creates, is no install. Before, the loop
 * took every ConfigMap on at its first resync (10 minutes) or event, applied the manifests again as owned by it,
 * and deleted them all when that ConfigMap was deleted.
 */
class ManifestLoopTest {
  private static final ResourceKey SETTINGS = ResourceKey.namespaced("", "ConfigMap", "default", "settings");
  private static final ResourceKey TOKEN = ResourceKey.namespaced("", "Secret", "default", "token");
  private static final ResourceKey USERS = ResourceKey.namespaced("", "ConfigMap", "default", "users-own");

  @TempDir Path dir;

  @Test
  void onlyTheInstallIsAPrimary_soNoOtherConfigMapOwnsTheManifests_orTakesThemAlongWhenDeleted() throws IOException {
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: default}
        data: {level: info}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: token, namespace: default}
        stringData: {token: abc}
        """);
    SimulationInput input = SimulationInput.readServed(List.of(file), 3, types -> types, 3);
    Simulation sim = SimulatedCluster.create(input, 42, Instant.parse("2026-01-01T00:00:00Z"), List.of()).simulation();
    InMemoryBackend admin = sim.cluster().backend();
    List<String> enginesWrites = new ArrayList<>();
    sim.cluster().requests().subscribe(r -> {
      if (r.identity().equals(SimulatedCluster.ENGINE.name()) && r.mutating()) {
        enginesWrites.add(r.verb() + " " + r.resource() + "/" + r.name());
      }
    });
    sim.start();
    sim.cluster().create("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"users-own\",\"namespace\":\"default\"}}");

    sim.runFor(Duration.ofMinutes(25)); // two resyncs of the loop

    Resource install = admin.get(ManifestReconciler.PRIMARY).orElseThrow();
    assertThat(install.finalizers()).containsExactly("converge.dev/cleanup");
    for (ResourceKey other : List.of(SETTINGS, USERS)) {
      assertThat(admin.get(other).orElseThrow().finalizers()).as(other.toString()).isEmpty();
    }
    for (ResourceKey applied : List.of(SETTINGS, TOKEN)) {
      assertThat(admin.get(applied).orElseThrow().annotation("converge.dev/owner-key")).as(applied.toString())
          .hasValue(ManifestReconciler.PRIMARY.toString());
    }
    assertThat(enginesWrites).as("the finalizer on the install, two applies, nothing more")
        .containsExactly("update configmaps/converge-simulate", "patch secrets/token", "patch configmaps/settings");

    sim.server().delete(Identity.admin(), USERS, DeleteParams.defaults());
    sim.runFor(Duration.ofMinutes(1));

    assertThat(admin.get(USERS)).isEmpty();
    assertThat(admin.get(SETTINGS)).isPresent();
    assertThat(admin.get(TOKEN)).isPresent();
  }
}
