package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.PatchTesting.frozen;
import static dev.converge.inmemory.patch.PatchTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JSON patch follows RFC 6902 (the examples of Appendix A) with RFC 6901 pointers; failures carry the status
 * codes of the Kubernetes API server (400 for a malformed document, 422 for an operation that fails).
 */
class JsonPatchTest {

  @ParameterizedTest(name = "A.{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "1  | {'foo':'bar'} | [{'op':'add','path':'/baz','value':'qux'}] | {'baz':'qux','foo':'bar'}",
    "2  | {'foo':['bar','baz']} | [{'op':'add','path':'/foo/1','value':'qux'}] | {'foo':['bar','qux','baz']}",
    "3  | {'baz':'qux','foo':'bar'} | [{'op':'remove','path':'/baz'}] | {'foo':'bar'}",
    "4  | {'foo':['bar','qux','baz']} | [{'op':'remove','path':'/foo/1'}] | {'foo':['bar','baz']}",
    "5  | {'baz':'qux','foo':'bar'} | [{'op':'replace','path':'/baz','value':'boo'}] | {'baz':'boo','foo':'bar'}",
    "6  | {'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}} | [{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]"
        + " | {'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}",
    "7  | {'foo':['all','grass','cows','eat']} | [{'op':'move','from':'/foo/1','path':'/foo/3'}] | {'foo':['all','cows','eat','grass']}",
    "8  | {'baz':'qux','foo':['a',2,'c']} | [{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]"
        + " | {'baz':'qux','foo':['a',2,'c']}",
    "10 | {'foo':'bar'} | [{'op':'add','path':'/child','value':{'grandchild':{}}}] | {'foo':'bar','child':{'grandchild':{}}}",
    "11 | {'foo':'bar'} | [{'op':'add','path':'/baz','value':'qux','xyz':123}] | {'foo':'bar','baz':'qux'}",
    "14 | {'/':9,'~1':10} | [{'op':'test','path':'/~01','value':10}] | {'/':9,'~1':10}",
    "16 | {'foo':['bar']} | [{'op':'add','path':'/foo/-','value':['abc','def']}] | {'foo':['bar',['abc','def']]}",
  })
  void rfc6902AppendixA(String example, String target, String patch, String expected) {
    assertThat(JsonPatch.apply(frozen(target), json(patch))).isEqualTo(json(expected));
  }

  @ParameterizedTest(name = "A.{0} fails with 422")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "9  | {'baz':'qux'} | [{'op':'test','path':'/baz','value':'bar'}] | test failed",
    "12 | {'foo':'bar'} | [{'op':'add','path':'/baz/bat','value':'qux'}] | does not exist",
    "15 | {'/':9,'~1':10} | [{'op':'test','path':'/~01','value':'10'}] | test failed",
  })
  void rfc6902AppendixA_errors(String example, String target, String patch, String message) {
    assertThatThrownBy(() -> JsonPatch.apply(frozen(target), json(patch)))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  @Test
  void test_comparesNumbersByValueAndObjectsInAnyOrder() {
    ObjectNode target = frozen("{'a':{'x':1,'y':[1.0,2]}}");
    assertThat(JsonPatch.apply(target, json("[{'op':'test','path':'/a','value':{'y':[1,2.0],'x':1.0}}]"))).isEqualTo(target);
  }

  @Test
  void copy_duplicatesAValueAndLeavesTheSourceInPlace() {
    assertThat(JsonPatch.apply(frozen("{'a':{'b':1}}"), json("[{'op':'copy','from':'/a','path':'/c'},{'op':'add','path':'/c/d','value':2}]")))
        .isEqualTo(json("{'a':{'b':1},'c':{'b':1,'d':2}}"));
  }

  @Test
  void replace_ofTheRootReplacesTheDocument() {
    assertThat(JsonPatch.apply(frozen("{'a':1}"), json("[{'op':'replace','path':'','value':{'b':2}}]"))).isEqualTo(json("{'b':2}"));
  }

  @Test
  void failures_areAtomicAndLeaveTheTargetUntouched() {
    ObjectNode target = frozen("{'a':1}");
    assertThatThrownBy(() -> JsonPatch.apply(target, json("[{'op':'add','path':'/b','value':2},{'op':'remove','path':'/zzz'}]")))
        .isInstanceOf(PatchException.class)
        .hasMessage("JSON patch operation 1: path /zzz does not exist");
    assertThat(target).isEqualTo(json("{'a':1}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "[{'op':'add','path':'/a/01','value':0}]       | invalid array index \\\"01\\\"",
    "[{'op':'add','path':'/a/3','value':0}]        | invalid array index \\\"3\\\"",
    "[{'op':'remove','path':'/a/-'}]               | invalid array index \\\"-\\\"",
    "[{'op':'move','from':'/a','path':'/a/0'}]     | cannot move /a into its own child /a/0",
    "[{'op':'add','path':'a','value':0}]           | must be empty or start with '/'",
    "[{'op':'add','path':'/~2','value':0}]         | invalid escape",
    "[{'op':'frobnicate','path':'/a'}]             | unknown operation",
    "[{'op':'add','path':'/b'}]                    | missing \\\"value\\\"",
    "[{'op':'replace','path':'','value':[]}]       | the patched document must be an object",
    "[{'op':'remove','path':''}]                   | cannot remove the whole document",
  })
  void invalidOperations_areRejectedWith422(String patch, String message) {
    assertThatThrownBy(() -> JsonPatch.apply(frozen("{'a':[1,2]}"), json(patch)))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(422))
        .hasMessageContaining(message.replace("\\\"", "\""));
  }

  @Test
  void aDocumentThatIsNotAnArrayOfObjects_isRejectedWith400() {
    assertThatThrownBy(() -> JsonPatch.apply(frozen("{}"), json("{'op':'add'}")))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400));
    assertThatThrownBy(() -> JsonPatch.apply(frozen("{}"), json("['add']")))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400));
  }
}
