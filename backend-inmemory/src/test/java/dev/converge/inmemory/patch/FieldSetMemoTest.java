package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.ServerSideApplyTest.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.inmemory.patch.SchemaWalk.Scope;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A memo of field sets changes no result: seeded sequences of applies by two managers and updates by a third
 * give the same objects, byte for byte, with a memo as without; and the memo does answer for the FieldsV1
 * trees the writes produced, with the very sets they encode.
 */
class FieldSetMemoTest {
  private static final List<String> TIMES = List.of("2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z", "2024-05-01T10:00:02Z");

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void writesWithAMemo_equalWritesWithout(long seed) {
    Random random = new Random(seed);
    FieldSetMemo memo = FieldSetMemo.create();
    ObjectNode plain = null;
    ObjectNode memoized = null;
    for (int step = 0; step < 8; step++) {
      String time = TIMES.get(step % TIMES.size());
      if (step > 0 && random.nextInt(3) == 0) {
        ObjectNode edited = plain.deepCopy();
        ((ObjectNode) edited.get("spec")).put("replicas", random.nextInt(5));
        ObjectNode editedToo = editLike(memoized, edited);
        plain = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, plain, edited, "scaler", null, "apps/v1", time));
        JsonNode list = ManagedFields.afterUpdate(MergeSchema.of(DEPLOYMENT), memoized, editedToo, "scaler", null, "apps/v1", time, memo);
        ((ObjectNode) editedToo.get("metadata")).set("managedFields", list);
        memoized = Json.freezeObject(editedToo);
      } else {
        ObjectNode config = ApplyPropertiesTest.randomConfig(random);
        String manager = random.nextBoolean() ? "a" : "b";
        plain = Json.freezeObject(ServerSideApply.apply(DEPLOYMENT, plain, config, manager, true, null, "apps/v1", time));
        memoized = Json.freezeObject(ServerSideApply.apply(MergeSchema.of(DEPLOYMENT), memoized, config, manager, true, null, "apps/v1", time, memo));
      }
      assertThat(Json.write(memoized)).as("seed %s step %s", seed, step).isEqualTo(Json.write(plain));
    }
  }

  /** Frozen configurations sent again and again (as an engine does) hit the memo of applied sets and encodings. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void frozenConfigurationsAppliedAgain_equalWritesWithout(long seed) {
    Random random = new Random(seed);
    List<ObjectNode> configs = List.of(Json.freezeObject(ApplyPropertiesTest.randomConfig(random)),
        Json.freezeObject(ApplyPropertiesTest.randomConfig(random)), Json.freezeObject(ApplyPropertiesTest.randomConfig(random)));
    FieldSetMemo memo = FieldSetMemo.create();
    ObjectNode plain = null;
    ObjectNode memoized = null;
    for (int step = 0; step < 12; step++) {
      String time = TIMES.get(step % TIMES.size());
      ObjectNode config = configs.get(random.nextInt(configs.size()));
      String manager = random.nextBoolean() ? "a" : "b";
      boolean force = random.nextInt(4) != 0;
      ObjectNode plainBefore = plain;
      ObjectNode memoizedBefore = memoized;
      String plainError = null;
      String memoizedError = null;
      try {
        plain = Json.freezeObject(ServerSideApply.apply(DEPLOYMENT, plainBefore, config, manager, force, null, "apps/v1", time));
      } catch (ApplyConflictException e) {
        plainError = e.getMessage();
      }
      try {
        memoized = Json.freezeObject(ServerSideApply.apply(MergeSchema.of(DEPLOYMENT), memoizedBefore, config, manager, force, null, "apps/v1",
            time, memo));
      } catch (ApplyConflictException e) {
        memoizedError = e.getMessage();
      }
      assertThat(memoizedError).as("seed %s step %s", seed, step).isEqualTo(plainError);
      assertThat(Json.write(memoized)).as("seed %s step %s", seed, step).isEqualTo(Json.write(plain));
    }
  }

  @Test
  void theSameFrozenConfiguration_createdOnTwoServers_sharesOneFieldsV1Tree() {
    ObjectNode config = Json.freezeObject(ApplyPropertiesTest.randomConfig(new Random(7)));
    ObjectNode first = ServerSideApply.apply(MergeSchema.of(DEPLOYMENT), null, config, "a", false, null, "apps/v1", TIMES.get(0),
        FieldSetMemo.create());
    FieldSetMemo secondServer = FieldSetMemo.create();
    ObjectNode second = ServerSideApply.apply(MergeSchema.of(DEPLOYMENT), null, config, "a", false, null, "apps/v1", TIMES.get(1),
        secondServer);
    ObjectNode plain = ServerSideApply.apply(DEPLOYMENT, null, config, "a", false, null, "apps/v1", TIMES.get(1));
    assertThat(second.at("/metadata/managedFields/0/fieldsV1")).isSameAs(first.at("/metadata/managedFields/0/fieldsV1"));
    assertThat(Json.write(second)).isEqualTo(Json.write(plain));
    // and the second server knows the shared tree's set, so its next write of the object decodes nothing
    assertThat(secondServer.recall(second.at("/metadata/managedFields/0/fieldsV1"))).isNotNull();
  }

  @Test
  void theMemo_recallsTheSetsOfTheTreesItsWritesProduced() {
    FieldSetMemo memo = FieldSetMemo.create();
    ObjectNode config = ApplyPropertiesTest.randomConfig(new Random(7));
    ObjectNode created = Json.freezeObject(ServerSideApply.apply(MergeSchema.of(DEPLOYMENT), null, config, "a", false, null, "apps/v1", TIMES.get(0), memo));
    JsonNode fieldsV1 = created.at("/metadata/managedFields/0/fieldsV1");
    FieldSet remembered = memo.recall(fieldsV1);
    assertThat(remembered).isNotNull();
    assertThat(remembered.sameAs(FieldSet.fromFieldsV1(fieldsV1))).isTrue();
    assertThat(memo.recall(fieldsV1.deepCopy())).isNull(); // mutable trees are never answered for
    assertThat(FieldManagers.of(created, memo).entries.values().iterator().next().fields()).isSameAs(remembered);
  }

  /**
   * Creates of objects of one shape share the field set and FieldsV1 of the first: seeded objects whose values,
   * optional members, empty objects (an implicit empty struct of the tables records nothing), nulls, empty and
   * non-empty lists vary, created in either scope, some carrying managedFields of their own, give the same
   * objects byte for byte with a memo as without.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void createsOfOneShape_equalCreatesWithout(long seed) {
    Random random = new Random(seed);
    FieldSetMemo memo = FieldSetMemo.create();
    for (GroupKind kind : List.of(EVENT, DEPLOYMENT)) {
      MergeSchema schema = MergeSchema.of(kind);
      for (int i = 0; i < 40; i++) {
        ObjectNode object = randomCreate(random, kind);
        String subresource = random.nextInt(4) == 0 ? "status" : null;
        String manager = random.nextBoolean() ? "kubelet" : "";
        String time = TIMES.get(i % TIMES.size());
        JsonNode plain = ManagedFields.afterUpdate(kind, null, object, manager, subresource, "v1", time);
        JsonNode memoized = ManagedFields.afterUpdate(schema, null, Json.freezeObject(object.deepCopy()), manager, subresource,
            "v1", time, memo);
        assertThat(String.valueOf(memoized)).as("seed %s %s %s: %s", seed, kind, i, object).isEqualTo(String.valueOf(plain));
      }
    }
  }

  @Test
  void twoEventsOfOneShape_shareOneFieldsV1Tree_andAListMakesTheShapeUnknown() {
    FieldSetMemo memo = FieldSetMemo.create();
    MergeSchema schema = MergeSchema.of(EVENT);
    ObjectNode first = Json.freezeObject(event("a", "Pulled", 1));
    ObjectNode second = Json.freezeObject(event("b", "Started", 7));
    JsonNode one = ManagedFields.afterUpdate(schema, null, first, "kubelet", null, "v1", TIMES.get(0), memo);
    JsonNode two = ManagedFields.afterUpdate(schema, null, second, "kubelet", null, "v1", TIMES.get(1), memo);
    assertThat(two.get(0).get("fieldsV1")).isSameAs(one.get(0).get("fieldsV1"));
    assertThat(two.get(0).get("time").asText()).isEqualTo(TIMES.get(1));
    assertThat(memo.recall(two.get(0).get("fieldsV1"))).isNotNull();

    ObjectNode listed = event("c", "Killing", 1);
    listed.putArray("related").addObject().put("kind", "Pod");
    ObjectNode withList = Json.freezeObject(listed);
    assertThat(memo.createdShape(schema, Scope.MAIN, withList)).isNull();
    JsonNode three = ManagedFields.afterUpdate(schema, null, withList, "kubelet", null, "v1", TIMES.get(2), memo);
    assertThat(three.get(0).get("fieldsV1").has("f:related")).isTrue();
  }

  private static final GroupKind EVENT = GroupKind.of("", "Event");

  private static ObjectNode event(String name, String reason, int count) {
    ObjectNode event = Json.object().put("apiVersion", "v1").put("kind", "Event");
    event.putObject("metadata").put("name", name).put("namespace", "default");
    event.putObject("involvedObject").put("kind", "Pod").put("name", name).put("uid", "u-" + name);
    event.put("reason", reason).put("message", reason + " " + name).put("count", count).put("type", "Normal");
    event.putObject("source").put("component", "kubelet").put("host", "node-" + name);
    return event;
  }

  /** An object of a few shapes and many values, with the members a create's comparison treats specially. */
  private static ObjectNode randomCreate(Random random, GroupKind kind) {
    ObjectNode object = event("e" + random.nextInt(1000), "R" + random.nextInt(3), random.nextInt(9));
    object.put("kind", kind.kind());
    ObjectNode metadata = (ObjectNode) object.get("metadata");
    if (random.nextBoolean()) {
      metadata.putObject("labels").put("app", "x" + random.nextInt(3));
    } else if (random.nextBoolean()) {
      metadata.putObject("labels");
    }
    if (random.nextInt(5) == 0) {
      metadata.putArray("managedFields");
    }
    if (random.nextInt(7) == 0) {
      metadata.putArray("managedFields").addObject();
    }
    switch (random.nextInt(5)) {
      case 0 -> object.putObject("spec");
      case 1 -> object.putObject("spec").putObject("template");
      case 2 -> object.putObject("spec").putObject("template").putObject("spec").put("hostNetwork", random.nextBoolean());
      case 3 -> object.put("spec", random.nextBoolean() ? "scalar" : null);
      default -> { }
    }
    switch (random.nextInt(4)) {
      case 0 -> object.putObject("status").put("phase", "P" + random.nextInt(2));
      case 1 -> object.putObject("status");
      default -> { }
    }
    if (random.nextInt(4) == 0) {
      object.putArray("finalizers");
    }
    if (random.nextInt(6) == 0) {
      object.putArray("items").add("i" + random.nextInt(2));
    }
    if (random.nextBoolean()) {
      object.putNull("note");
    }
    return object;
  }

  /** {@code edited}'s content over {@code stored}'s own managedFields, as the server passes an update. */
  private static ObjectNode editLike(ObjectNode stored, ObjectNode edited) {
    ObjectNode copy = edited.deepCopy();
    ((ObjectNode) copy.get("metadata")).set("managedFields", stored.at("/metadata/managedFields"));
    return copy;
  }
}
