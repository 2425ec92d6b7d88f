package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.PatchTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Field sets read and write the FieldsV1 format exactly as Kubernetes does (element order, {@code "."}
 * members), print paths in structured-merge-diff's notation, and have its set semantics (difference is not
 * recursive; named fields become members only on request), and that the one-walk shortcuts ({@code
 * intersects}, {@code sameAs}, {@code namedDifference}) agree with their definitions on seeded random sets.
 */
class FieldSetTest {
  private static final PathElement SPEC = PathElement.field("spec");
  private static final PathElement CONTAINERS = PathElement.field("containers");
  private static final PathElement WEB = PathElement.key(List.of(new PathElement.KeyField("name", Json.nodes().textNode("web"))));
  private static final PathElement IMAGE = PathElement.field("image");

  @Test
  void fieldsV1_roundTripsAndSortsFieldsBeforeKeysBeforeValues() {
    String text = """
        {'f:metadata':{'f:finalizers':{'v:\\'a\\'':{},'v:\\'b\\'':{}},'f:labels':{'.':{},'f:app':{}}},
         'f:spec':{'f:ports':{'k:{\\'port\\':80,\\'protocol\\':\\'TCP\\'}':{'.':{},'f:port':{}},
                              'k:{\\'port\\':443,\\'protocol\\':\\'TCP\\'}':{'.':{}}},
                   'f:replicas':{}}}""".replace("\\'", "\\\"");
    FieldSet set = FieldSet.fromFieldsV1(json(text));
    assertThat(Json.write(set.toFieldsV1())).isEqualTo(
        "{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a\\\"\":{},\"v:\\\"b\\\"\":{}},\"f:labels\":{\".\":{},\"f:app\":{}}},"
            + "\"f:spec\":{\"f:ports\":{\"k:{\\\"port\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:port\":{}},"
            + "\"k:{\\\"port\\\":443,\\\"protocol\\\":\\\"TCP\\\"}\":{}},\"f:replicas\":{}}}");
  }

  @Test
  void keys_areWrittenWithSortedFieldsWhateverOrderTheyWereGivenIn() {
    PathElement port = PathElement.key(List.of(
        new PathElement.KeyField("protocol", Json.nodes().textNode("UDP")),
        new PathElement.KeyField("containerPort", Json.nodes().numberNode(53.0))));
    assertThat(port.fieldsV1()).isEqualTo("k:{\"containerPort\":53,\"protocol\":\"UDP\"}");
    assertThat(port).isEqualTo(PathElement.parse("k:{\"protocol\":\"UDP\",\"containerPort\":53}"));
    assertThat(port.toString()).isEqualTo("[containerPort=53,protocol=\"UDP\"]");
  }

  @Test
  void paths_useStructuredMergeDiffNotation_membersBeforeChildren() {
    FieldSet set = new FieldSet();
    set.insert(List.of(SPEC, CONTAINERS, WEB, IMAGE));
    set.insert(List.of(SPEC, CONTAINERS, WEB));
    set.insert(List.of(SPEC, PathElement.field("replicas")));
    set.insert(List.of(PathElement.field("metadata"), PathElement.field("finalizers"), PathElement.value(Json.nodes().textNode("x"))));
    set.insert(List.of(SPEC, PathElement.field("args"), PathElement.index(2)));
    assertThat(set.paths()).containsExactly(
        ".metadata.finalizers[=\"x\"]",
        ".spec.replicas",
        ".spec.args[2]",
        ".spec.containers[name=\"web\"]",
        ".spec.containers[name=\"web\"].image");
  }

  @Test
  void difference_removesExactPathsOnly_notWhatLiesBelowThem() {
    FieldSet owned = new FieldSet();
    owned.insert(List.of(SPEC, CONTAINERS, WEB));
    owned.insert(List.of(SPEC, CONTAINERS, WEB, IMAGE));
    FieldSet item = new FieldSet();
    item.insert(List.of(SPEC, CONTAINERS, WEB));
    assertThat(owned.difference(item).paths()).containsExactly(".spec.containers[name=\"web\"].image");
    assertThat(owned.intersection(item).paths()).containsExactly(".spec.containers[name=\"web\"]");
    assertThat(item.union(owned).paths()).isEqualTo(owned.paths());
    assertThat(owned.difference(owned).isEmpty()).isTrue();
  }

  @Test
  void withNamedFieldsAsMembers_addsObjectFieldsAboveOwnedPaths_butNotListElements() {
    FieldSet set = new FieldSet();
    set.insert(List.of(SPEC, CONTAINERS, WEB, IMAGE));
    assertThat(set.withNamedFieldsAsMembers().paths()).containsExactly(
        ".spec", ".spec.containers", ".spec.containers[name=\"web\"].image");
    assertThat(set.paths()).containsExactly(".spec.containers[name=\"web\"].image");
  }

  @Test
  void invalidFieldsV1_isRejected() {
    assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'x:y':{}}"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'f:a':1}"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'i:x':{}}"))).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void shortcuts_agreeWithTheirDefinitions(long seed) {
    Random random = new Random(seed);
    FieldSet last = randomSet(random);
    List<FieldSet> owners = List.of(randomSet(random), randomSet(random), randomSet(random));
    FieldSet union = new FieldSet();
    for (FieldSet owner : owners) {
      union = union.union(owner);
    }
    FieldSet slow = last.withNamedFieldsAsMembers().difference(union.withNamedFieldsAsMembers());
    assertThat(FieldSet.namedDifference(last, owners).paths()).isEqualTo(slow.paths());
    for (FieldSet owner : owners) {
      assertThat(last.intersects(owner)).isEqualTo(!last.intersection(owner).isEmpty());
      assertThat(last.sameAs(owner)).isEqualTo(last.paths().equals(owner.paths()));
      assertThat(last.covers(owner)).isEqualTo(owner.difference(last).isEmpty());
      assertThat(last.union(owner).covers(owner)).isTrue();
    }
    assertThat(last.sameAs(FieldSet.fromFieldsV1(last.toFieldsV1()))).isTrue();
    assertThat(last.union(owners.get(0)).sameAs(owners.get(0).union(last))).isTrue();
  }

  /** Random paths over a small alphabet, so that sets overlap. */
  private static FieldSet randomSet(Random random) {
    List<PathElement> alphabet = List.of(PathElement.field("a"), PathElement.field("b"), PathElement.field("c"),
        PathElement.key(List.of(new PathElement.KeyField("name", Json.nodes().textNode("x")))),
        PathElement.value(Json.nodes().textNode("v")));
    FieldSet set = new FieldSet();
    for (int i = random.nextInt(12); i > 0; i--) {
      List<PathElement> path = new ArrayList<>();
      for (int depth = 1 + random.nextInt(4); depth > 0; depth--) {
        path.add(alphabet.get(random.nextInt(alphabet.size())));
      }
      set.insert(path);
    }
    return set;
  }
}
