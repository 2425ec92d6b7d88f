package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.PatchTesting.frozen;
import static dev.converge.inmemory.patch.PatchTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * JSON merge patch follows RFC 7386: the table of Appendix A, null deletes, arrays are replaced, a
 * non-object patch replaces the target, and inputs are never modified.
 */
class MergePatchTest {

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "{'a':'b'}                | {'a':'c'}                      | {'a':'c'}",
    "{'a':'b'}                | {'b':'c'}                      | {'a':'b','b':'c'}",
    "{'a':'b'}                | {'a':null}                     | {}",
    "{'a':'b','b':'c'}        | {'a':null}                     | {'b':'c'}",
    "{'a':['b']}              | {'a':'c'}                      | {'a':'c'}",
    "{'a':'c'}                | {'a':['b']}                    | {'a':['b']}",
    "{'a':{'b':'c'}}          | {'a':{'b':'d','c':null}}       | {'a':{'b':'d'}}",
    "{'a':[{'b':'c'}]}        | {'a':[1]}                      | {'a':[1]}",
    "['a','b']                | ['c','d']                      | ['c','d']",
    "{'a':'b'}                | ['c']                          | ['c']",
    "{'a':'foo'}              | null                           | null",
    "{'a':'foo'}              | 'bar'                          | 'bar'",
    "{'e':null}               | {'a':1}                        | {'e':null,'a':1}",
    "[1,2]                    | {'a':'b','c':null}             | {'a':'b'}",
    "{}                       | {'a':{'bb':{'ccc':null}}}      | {'a':{'bb':{}}}",
  })
  void rfc7386AppendixA(String target, String patch, String expected) {
    JsonNode result = MergePatch.applyToValue(Json.freeze(json(target)), json(patch));
    assertThat(result).isEqualTo(json(expected));
  }

  @Test
  void apply_mergesNestedObjectsAndKeepsTargetFieldOrder() {
    ObjectNode live = frozen("{'metadata':{'name':'x','labels':{'a':'1','b':'2'}},'spec':{'replicas':1}}");
    ObjectNode result = MergePatch.apply(live, json("{'metadata':{'labels':{'a':null,'c':'3'}},'spec':{'replicas':3}}"));
    assertThat(Json.write(result)).isEqualTo("{\"metadata\":{\"name\":\"x\",\"labels\":{\"b\":\"2\",\"c\":\"3\"}},\"spec\":{\"replicas\":3}}");
  }

  @Test
  void apply_neverModifiesItsInputsAndReturnsAMutableTree() {
    ObjectNode live = frozen("{'a':{'b':[1,2]},'c':'d'}");
    JsonNode patch = Json.freeze(json("{'a':{'e':'f'}}"));
    ObjectNode result = MergePatch.apply(live, patch);
    assertThat(live).isEqualTo(json("{'a':{'b':[1,2]},'c':'d'}"));
    ((ObjectNode) result.get("a")).put("z", 1);
    result.withArray("/a/b").add(3);
    assertThat(result).isEqualTo(json("{'a':{'b':[1,2,3],'e':'f','z':1},'c':'d'}"));
  }

  @Test
  void applySharing_equalsApply_andSharesTheFrozenSubtreesThePatchLeavesAlone() {
    ObjectNode live = frozen("{'metadata':{'name':'x','labels':{'a':'1'}},'spec':{'replicas':1,'template':{'k':[1,2]}},"
        + "'status':{'conditions':[{'type':'Ready'}],'images':[{'n':'i'}]}}");
    JsonNode patch = json("{'status':{'conditions':[{'type':'Ready','status':'True'}],'phase':'Running'},'spec':{'paused':null}}");

    ObjectNode shared = MergePatch.applySharing(live, patch);

    assertThat(shared).isEqualTo(MergePatch.apply(live, patch));
    assertThat(Json.write(shared)).isEqualTo(Json.write(MergePatch.apply(live, patch)));
    assertThat(shared.get("metadata")).isSameAs(live.get("metadata"));
    assertThat(shared.get("spec").get("template")).isSameAs(live.get("spec").get("template"));
    assertThat(shared.get("status").get("images")).isSameAs(live.get("status").get("images"));
    assertThat(shared.get("status").get("conditions")).isNotSameAs(patch.get("status").get("conditions"));
    assertThat(Json.isFrozen(shared)).isFalse();
    assertThatThrownBy(() -> MergePatch.applySharing(live, json("[1]")))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void apply_rejectsANonObjectPatchWith400() {
    assertThatThrownBy(() -> MergePatch.apply(frozen("{'a':1}"), json("[1]")))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessageContaining("must be a JSON object, got an array");
  }
}
