package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.PatchTesting.frozen;
import static dev.converge.inmemory.patch.PatchTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Strategic merge patch on built-in kinds: merge keys from the list table (containers and env by name, ports
 * by containerPort), replaced lists without a merge key, the {@code $patch}, {@code $retainKeys}, {@code
 * $deleteFromPrimitiveList} and {@code $setElementOrder} directives, Kubernetes' element order, and 415 for
 * custom resources. The table cases are those of {@code strategicpatch/patch_test.go}, with a pod's {@code
 * containers} standing in for its {@code mergingList} and {@code finalizers} for its {@code mergingIntList}.
 */
class StrategicMergePatchTest {
  private static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  private static final GroupKind POD = GroupKind.of("", "Pod");

  private static final String LIVE = """
      {'metadata':{'name':'web','finalizers':['a','b','c']},
       'spec':{'replicas':2,
        'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1,'maxUnavailable':0}},
        'template':{'metadata':{'labels':{'app':'web','tier':'front'}},
         'spec':{'containers':[
           {'name':'web','image':'web:1','ports':[{'containerPort':80,'protocol':'TCP'}],
            'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},
           {'name':'sidecar','image':'proxy:1'}],
          'tolerations':[{'key':'k1','operator':'Exists'}],
          'volumes':[{'name':'data','emptyDir':{}}]}}}}""";

  private static ObjectNode patchDeployment(String patch) {
    return StrategicMergePatch.apply(DEPLOYMENT, frozen(LIVE), json(patch));
  }

  @Test
  void containers_mergeByNameAndKeepTheirOrder() {
    ObjectNode result = patchDeployment("{'spec':{'template':{'spec':{'containers':[{'name':'web','image':'web:2'}]}}}}");
    assertThat(result.at("/spec/template/spec/containers")).isEqualTo(json("""
        [{'name':'web','image':'web:2','ports':[{'containerPort':80,'protocol':'TCP'}],
          'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},
         {'name':'sidecar','image':'proxy:1'}]"""));
  }

  @Test
  void env_mergesByNameAndNullDeletesAField() {
    ObjectNode result = patchDeployment("""
        {'spec':{'template':{'spec':{'containers':[{'name':'web',
          'env':[{'name':'B','value':null,'valueFrom':{'fieldRef':{'fieldPath':'spec.nodeName'}}}]}]}}}}""");
    assertThat(result.at("/spec/template/spec/containers/0/env")).isEqualTo(json("""
        [{'name':'A','value':'1'},{'name':'B','valueFrom':{'fieldRef':{'fieldPath':'spec.nodeName'}}}]"""));
  }

  @Test
  void newListElements_goBeforeServerOnlyElements_asKubernetesOrdersThem() {
    ObjectNode result = patchDeployment("{'spec':{'template':{'spec':{'containers':[{'name':'web','env':[{'name':'C','value':'3'}]}]}}}}");
    assertThat(result.at("/spec/template/spec/containers/0/env")).isEqualTo(json(
        "[{'name':'C','value':'3'},{'name':'A','value':'1'},{'name':'B','value':'2'}]"));
  }

  @Test
  void ports_mergeByContainerPortAlone() {
    ObjectNode result = patchDeployment("{'spec':{'template':{'spec':{'containers':[{'name':'web','ports':[{'containerPort':80,'name':'http'}]}]}}}}");
    assertThat(result.at("/spec/template/spec/containers/0/ports")).isEqualTo(json("[{'containerPort':80,'protocol':'TCP','name':'http'}]"));
  }

  @Test
  void patchDeleteElement_removesTheContainerWithThatName() {
    ObjectNode result = patchDeployment("{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','$patch':'delete'}]}}}}");
    assertThat(result.at("/spec/template/spec/containers").size()).isEqualTo(1);
    assertThat(result.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("web");
  }

  @Test
  void patchReplaceElement_replacesTheWholeList() {
    ObjectNode result = patchDeployment("{'spec':{'template':{'spec':{'containers':[{'$patch':'replace'},{'name':'only','image':'x'}]}}}}");
    assertThat(result.at("/spec/template/spec/containers")).isEqualTo(json("[{'name':'only','image':'x'}]"));
  }

  @Test
  void patchReplaceOnAnObject_replacesIt_andPatchDeleteEmptiesIt() {
    ObjectNode result = patchDeployment("""
        {'spec':{'template':{'metadata':{'labels':{'$patch':'replace','app':'api'}}},
                 'strategy':{'$patch':'delete'}}}""");
    assertThat(result.at("/spec/template/metadata/labels")).isEqualTo(json("{'app':'api'}"));
    assertThat(result.at("/spec/strategy")).isEqualTo(json("{}"));
  }

  @Test
  void retainKeys_clearsFieldsTheListLeavesOut() {
    ObjectNode result = patchDeployment("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");
    assertThat(result.at("/spec/strategy")).isEqualTo(json("{'type':'Recreate'}"));
  }

  @Test
  void retainKeys_onAVolumeSwitchesItsSource() {
    ObjectNode result = patchDeployment("""
        {'spec':{'template':{'spec':{'volumes':[
          {'name':'data','$retainKeys':['configMap','name'],'configMap':{'name':'cfg'}}]}}}}""");
    assertThat(result.at("/spec/template/spec/volumes")).isEqualTo(json("[{'name':'data','configMap':{'name':'cfg'}}]"));
  }

  @Test
  void retainKeys_rejectsAPatchFieldItDoesNotList() {
    assertThatThrownBy(() -> patchDeployment("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate','rollingUpdate':{}}}}"))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessageContaining("\"rollingUpdate\" at .spec.strategy is not in $retainKeys");
  }

  @Test
  void setElementOrder_reordersTheMergedList() {
    ObjectNode result = patchDeployment("""
        {'spec':{'template':{'spec':{
          '$setElementOrder/containers':[{'name':'sidecar'},{'name':'web'}],
          'containers':[{'name':'web','image':'web:3'}]}}}}""");
    assertThat(result.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("sidecar");
    assertThat(result.at("/spec/template/spec/containers/1/image").asText()).isEqualTo("web:3");
  }

  @Test
  void setElementOrder_thatContradictsThePatchList_isRejected() {
    assertThatThrownBy(() -> patchDeployment("""
        {'spec':{'template':{'spec':{'containers':[{'name':'web','image':'x'},{'name':'sidecar','image':'y'}],
          '$setElementOrder/containers':[{'name':'sidecar'},{'name':'web'}]}}}}"""))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessageContaining("doesn't match the $setElementOrder list");
  }

  @Test
  void deleteFromPrimitiveList_removesFinalizers() {
    ObjectNode result = patchDeployment("{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}");
    assertThat(result.at("/metadata/finalizers")).isEqualTo(json("['a','c']"));
  }

  @Test
  void finalizers_areUnionedAndDeduplicated() {
    ObjectNode result = patchDeployment("{'metadata':{'finalizers':['c','d']}}");
    assertThat(result.at("/metadata/finalizers")).isEqualTo(json("['a','b','c','d']"));
  }

  @Test
  void listsWithoutAMergeKey_areReplaced() {
    ObjectNode result = patchDeployment("{'spec':{'template':{'spec':{'tolerations':[{'key':'k2','operator':'Exists'}]}}}}");
    assertThat(result.at("/spec/template/spec/tolerations")).isEqualTo(json("[{'key':'k2','operator':'Exists'}]"));
  }

  @Test
  void scalarsAndObjects_mergeLikeAMergePatch_andTheInputIsUntouched() {
    ObjectNode live = frozen(LIVE);
    ObjectNode result = StrategicMergePatch.apply(DEPLOYMENT, live, json("{'spec':{'replicas':null,'paused':true}}"));
    assertThat(result.at("/spec").has("replicas")).isFalse();
    assertThat(result.at("/spec/paused").booleanValue()).isTrue();
    assertThat(live).isEqualTo(json(LIVE));
    assertThat(Json.isFrozen(result)).isFalse();
  }

  @Test
  void directivesInValuesThatMeetNothing_areResolvedNotStored() {
    ObjectNode result = StrategicMergePatch.apply(POD, frozen("{'spec':{}}"), json("""
        {'spec':{'containers':[{'name':'a','env':[{'name':'X','$patch':'delete'},{'name':'Y','value':null}]}],
                 'securityContext':{'$retainKeys':['runAsUser'],'runAsUser':1}}}"""));
    assertThat(result).isEqualTo(json("{'spec':{'containers':[{'name':'a','env':[{'name':'Y'}]}],'securityContext':{'runAsUser':1}}}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "unique scalars when merging lists | {'metadata':{'finalizers':[1,2]}} | {'metadata':{'finalizers':[2,3]}}"
        + " | {'metadata':{'finalizers':[1,2,3]}}",
    "delete map from nested map | {'spec':{'nodeSelector':{'key1':1,'key2':1}}} | {'spec':{'nodeSelector':{'$patch':'delete'}}}"
        + " | {'spec':{'nodeSelector':{}}}",
    "delete all items from merging list | {'spec':{'containers':[{'name':1},{'name':2}]}} | {'spec':{'containers':[{'$patch':'replace'}]}}"
        + " | {'spec':{'containers':[]}}",
    "merge empty merging lists | {'spec':{'containers':[]}} | {'spec':{'containers':[]}} | {'spec':{'containers':[]}}",
    "delete all keys from map | {'name':1,'value':1} | {'$patch':'replace'} | {}",
    "add key and delete all keys from map | {'name':1,'value':1} | {'other':'a','$patch':'replace'} | {'other':'a'}",
    "delete all duplicate entries in a merging list"
        + " | {'spec':{'containers':[{'name':1},{'name':1},{'name':2,'value':'a'},{'name':3},{'name':3}]}}"
        + " | {'spec':{'containers':[{'name':1,'$patch':'delete'},{'name':3,'$patch':'delete'}]}}"
        + " | {'spec':{'containers':[{'name':2,'value':'a'}]}}",
    "preserve the order from the patch in a merging list | {'spec':{'containers':[{'name':1},{'name':2,'value':'b'},{'name':3}]}}"
        + " | {'spec':{'containers':[{'name':3,'value':'c'},{'name':1,'value':'a'},{'name':2,'other':'x'}]}}"
        + " | {'spec':{'containers':[{'name':3,'value':'c'},{'name':1,'value':'a'},{'name':2,'value':'b','other':'x'}]}}",
    "preserve the order from the patch in a merging list 2 | {'spec':{'containers':[{'name':1},{'name':2,'value':'b'},{'name':3}]}}"
        + " | {'spec':{'containers':[{'name':3,'value':'c'},{'name':1,'value':'a'}]}}"
        + " | {'spec':{'containers':[{'name':2,'value':'b'},{'name':3,'value':'c'},{'name':1,'value':'a'}]}}",
    "preserve the order from the patch in a merging int list | {'metadata':{'finalizers':[1,2,3]}}"
        + " | {'metadata':{'finalizers':[3,1]}} | {'metadata':{'finalizers':[2,3,1]}}",
    "setElementOrder names an element the list lacks | {'spec':{'containers':[{'name':1},{'name':3}]}}"
        + " | {'spec':{'$setElementOrder/containers':[{'name':3},{'name':2},{'name':1}],'containers':[{'name':3,'value':3},{'name':1,'value':1}]}}"
        + " | {'spec':{'containers':[{'name':3,'value':3},{'name':1,'value':1}]}}",
    "setElementOrder on an int list | {'metadata':{'finalizers':[1,3]}} | {'metadata':{'$setElementOrder/finalizers':[3,2,1]}}"
        + " | {'metadata':{'finalizers':[3,1]}}",
    "delete items in lists of scalars | {'metadata':{'finalizers':[1,2,3]}}"
        + " | {'metadata':{'$setElementOrder/finalizers':[1,2],'$deleteFromPrimitiveList/finalizers':[3]}}"
        + " | {'metadata':{'finalizers':[1,2]}}",
  })
  void kubernetesTestCases(String description, String original, String patch, String expected) {
    assertThat(StrategicMergePatch.apply(POD, frozen(original), json(patch))).isEqualTo(json(expected));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "{'spec':{'containers':[{'image':'x'}]}}                  | does not contain declared merge key: name",
    "{'spec':{'containers':[{'name':'a','$patch':'merge'}]}}  | merging lists cannot yet be specified in the patch",
    "{'spec':{'nodeSelector':{'$patch':'frobnicate'}}}        | unknown patch directive",
    "{'spec':{'$setElementOrder':[]}}                         | malformed directive",
    "{'spec':{'containers':[{'name':'a'},'b']}}              | list element types are not identical",
  })
  void malformedPatches_areRejectedWith400(String patch, String message) {
    assertThatThrownBy(() -> StrategicMergePatch.apply(POD, frozen("{'spec':{'containers':[{'name':'a'}],'nodeSelector':{'a':'b'}}}"), json(patch)))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void listsOfLists_areRejectedWith422() {
    assertThatThrownBy(() -> StrategicMergePatch.apply(POD, frozen("{'metadata':{'finalizers':['a']}}"), json("{'metadata':{'finalizers':[['b']]}}")))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(422));
  }

  @Test
  void customResources_areRejectedWith415() {
    assertThatThrownBy(() -> StrategicMergePatch.apply(GroupKind.of("datadoghq.com", "DatadogAgent"), frozen("{}"), json("{'spec':{}}")))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(415))
        .hasMessageContaining("datadoghq.com/DatadogAgent");
  }
}
