package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.ServerSideApplyTest.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.inmemory.patch.ApplyConflictException.Conflict;
import dev.converge.inmemory.patch.SchemaWalk.Scope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of server-side apply over seeded random Deployment configurations (labels, replicas, keyed
 * containers, env and ports with defaulted protocols, atomic tolerations and node selectors):
 *
 * <ul>
 *   <li>a sole applier's object is exactly its last configuration, and its entry exactly that
 *       configuration's fields, however the configurations before it looked;
 *   <li>re-applying a configuration changes nothing, and a second applier of the same configuration
 *       shares every field without conflict;
 *   <li>whatever conflicts an apply reports, forcing it succeeds and moves exactly those fields;
 *   <li>managedFields survive a decode/encode round trip unchanged.
 * </ul>
 */
class ApplyPropertiesTest {
  private static final String T = "2024-05-01T10:00:00Z";

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long seed = 1; seed <= 200; seed++) {
      seeds.add(seed);
    }
    return seeds;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void soleApplier_objectIsExactlyItsLastConfiguration(long seed) {
    Random random = new Random(seed);
    ObjectNode live = null;
    for (int round = 0; round < 4; round++) {
      ObjectNode config = randomConfig(random);
      live = apply(live, config, "a", false);
      assertThat(withoutManagedFields(live)).as("seed %s round %s", seed, round).isEqualTo(config);
      FieldSet expected = OwnedFields.of(MergeSchema.of(DEPLOYMENT), Scope.MAIN, config, true).difference(ServerSideApply.serverManagedFields());
      assertThat(FieldManagers.of(live).entries.values()).singleElement()
          .satisfies(entry -> assertThat(entry.fields().paths()).isEqualTo(expected.paths()));
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void reapplying_changesNothing_andASecondApplierSharesEveryField(long seed) {
    Random random = new Random(seed);
    ObjectNode config = randomConfig(random);
    ObjectNode live = apply(apply(null, randomConfig(random), "a", false), config, "a", false);
    assertThat(apply(live, config, "a", false)).isEqualTo(live);
    ObjectNode shared = apply(live, config, "b", false);
    assertThat(withoutManagedFields(shared)).isEqualTo(withoutManagedFields(live));
    FieldManagers managers = FieldManagers.of(shared);
    assertThat(managers.entries).hasSize(2);
    List<List<String>> sets = managers.entries.values().stream().map(e -> e.fields().paths()).toList();
    assertThat(sets.get(0)).isEqualTo(sets.get(1));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void forcing_movesExactlyTheConflictingFields(long seed) {
    Random random = new Random(seed);
    ObjectNode live = apply(null, randomConfig(random), "a", false);
    ObjectNode other = randomConfig(random);
    List<Conflict> conflicts = List.of();
    try {
      apply(live, other, "b", false);
    } catch (ApplyConflictException e) {
      conflicts = e.conflicts();
    }
    ObjectNode forced = apply(live, other, "b", true);
    List<String> ownedByA = new ArrayList<>();
    List<String> ownedByB = new ArrayList<>();
    FieldManagers.of(forced).entries.forEach((who, entry) -> (who.manager().equals("a") ? ownedByA : ownedByB).addAll(entry.fields().paths()));
    for (Conflict conflict : conflicts) {
      assertThat(conflict.manager()).isEqualTo("a");
      assertThat(ownedByB).as("seed %s", seed).contains(conflict.path());
      assertThat(ownedByA).as("seed %s", seed).doesNotContain(conflict.path());
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void managedFields_surviveADecodeEncodeRoundTrip(long seed) {
    Random random = new Random(seed);
    ObjectNode live = apply(apply(null, randomConfig(random), "a", false), randomConfig(random), "b", true);
    ObjectNode copy = live.deepCopy();
    FieldManagers managers = FieldManagers.of(live);
    managers.entries.values().forEach(entry -> entry.setFields(entry.fields().copy())); // force re-encoding
    managers.encodeInto(copy);
    assertThat(copy).isEqualTo(live);
    assertThat(ManagedFields.recordUpdate(DEPLOYMENT, live, live, "c", null, "apps/v1", T)).isEqualTo(live);
  }

  private static ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force) {
    return Json.freezeObject(ServerSideApply.apply(DEPLOYMENT, live, config, manager, force, null, "apps/v1", T));
  }

  private static ObjectNode withoutManagedFields(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    ((ObjectNode) copy.get("metadata")).remove("managedFields");
    return copy;
  }

  static ObjectNode randomConfig(Random random) {
    ObjectNode config = Json.object();
    config.put("apiVersion", "apps/v1").put("kind", "Deployment");
    ObjectNode metadata = config.putObject("metadata").put("name", "web").put("namespace", "default");
    ObjectNode labels = Json.object();
    for (String key : pick(random, List.of("app", "tier", "team"))) {
      labels.put(key, pick(random, List.of("x", "y")).stream().findFirst().orElse("z"));
    }
    if (!labels.isEmpty()) {
      metadata.set("labels", labels);
    }
    ObjectNode spec = config.putObject("spec");
    if (random.nextBoolean()) {
      spec.put("replicas", 1 + random.nextInt(3));
    }
    ObjectNode podSpec = spec.putObject("template").putObject("spec");
    List<String> names = pick(random, List.of("web", "sidecar", "log"));
    ArrayNode containers = podSpec.putArray("containers");
    for (String name : names.isEmpty() ? List.of("web") : names) {
      ObjectNode container = containers.addObject().put("name", name);
      if (random.nextBoolean()) {
        container.put("image", name + ":" + random.nextInt(2));
      }
      List<String> env = pick(random, List.of("A", "B", "C", "D"));
      if (!env.isEmpty()) {
        ArrayNode list = container.putArray("env");
        env.forEach(e -> list.addObject().put("name", e).put("value", String.valueOf(random.nextInt(2))));
      }
      List<String> ports = pick(random, List.of("80", "443", "53/UDP"));
      if (!ports.isEmpty()) {
        ArrayNode list = container.putArray("ports");
        for (String port : ports) {
          ObjectNode p = list.addObject().put("containerPort", Integer.parseInt(port.split("/")[0]));
          if (port.endsWith("/UDP")) {
            p.put("protocol", "UDP");
          } else if (random.nextBoolean()) {
            p.put("protocol", "TCP");
          }
        }
      }
    }
    if (random.nextBoolean()) {
      podSpec.putArray("tolerations").addObject().put("key", "k" + random.nextInt(2)).put("operator", "Exists");
    }
    if (random.nextBoolean()) {
      podSpec.putObject("nodeSelector").put("zone", "z" + random.nextInt(2));
    }
    return Json.freezeObject(config);
  }

  /** A random subset of {@code options} in random order. */
  private static List<String> pick(Random random, List<String> options) {
    List<String> out = new ArrayList<>();
    for (String option : options) {
      if (random.nextBoolean()) {
        out.add(option);
      }
    }
    Collections.shuffle(out, random);
    return out;
  }
}
