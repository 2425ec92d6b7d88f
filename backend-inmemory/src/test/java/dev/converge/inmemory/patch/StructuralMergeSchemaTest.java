package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.PatchTesting.frozen;
import static dev.converge.inmemory.patch.PatchTesting.json;
import static dev.converge.inmemory.patch.ServerSideApplyTest.T1;
import static dev.converge.inmemory.patch.ServerSideApplyTest.T2;
import static dev.converge.inmemory.patch.ServerSideApplyTest.T3;
import static dev.converge.inmemory.patch.ServerSideApplyTest.owners;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.core.schema.ListType;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply of a custom resource follows its CRD schema's markers, as structured-merge-diff does with
 * the schema kube-apiserver converts from the CRD: {@code x-kubernetes-list-type: map} lists merge by their
 * {@code x-kubernetes-list-map-keys} (a key the item leaves out takes its default), {@code set} lists by value,
 * unmarked lists and {@code x-kubernetes-map-type: atomic} objects are owned and replaced whole, fields the
 * schema does not describe are deduced (lists atomic), and {@code metadata} is ObjectMeta whatever the schema.
 */
class StructuralMergeSchemaTest {
  private static final GroupKind ROUTE = GroupKind.of("example.com", "Route");
  private static final JsonNode SCHEMA = Json.freeze(json("""
      {'type':'object','properties':{
        'spec':{'type':'object','properties':{
          'backends':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name','protocol'],
            'items':{'type':'object','required':['name'],'properties':{
              'name':{'type':'string'},'protocol':{'type':'string','default':'TCP'},'weight':{'type':'integer'},
              'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}}}},
          'hosts':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},
          'owners':{'type':'array','items':{'type':'string'}},
          'tls':{'type':'object','x-kubernetes-map-type':'atomic','properties':{
            'secret':{'type':'string'},'mode':{'type':'string'}}},
          'extra':{'type':'object','additionalProperties':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}}}},
        'status':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}"""));
  private static final MergeSchema MERGE = MergeSchema.of(ROUTE, SCHEMA);

  private static String route(String spec) {
    return "{'apiVersion':'example.com/v1','kind':'Route','metadata':{'name':'r','namespace':'default'},'spec':" + spec + "}";
  }

  private static ObjectNode apply(@Nullable ObjectNode live, String config, String manager, boolean force, String time) {
    return Json.freezeObject(ServerSideApply.apply(MERGE, live, frozen(config), manager, force, null, "example.com/v1", time,
        FieldSetMemo.create()));
  }

  @Test
  void schemaMarkers_answerPerPath_throughListItemsAndMapValues() {
    assertThat(MERGE.listType(List.of("spec", "backends"))).isEqualTo(ListType.map(
        com.google.common.collect.ImmutableList.of("name", "protocol"), com.google.common.collect.ImmutableMap.of("protocol", "TCP"), ""));
    assertThat(MERGE.listType(List.of("spec", "backends", "tags")).kind()).isEqualTo(ListType.Kind.SET);
    assertThat(MERGE.listType(List.of("spec", "hosts")).kind()).isEqualTo(ListType.Kind.SET);
    assertThat(MERGE.listType(List.of("spec", "owners")).kind()).isEqualTo(ListType.Kind.ATOMIC);
    assertThat(MERGE.listType(List.of("spec", "extra", "anything")).kind()).as("through additionalProperties").isEqualTo(ListType.Kind.SET);
    assertThat(MERGE.listType(List.of("status", "conditions")).kind()).as("undescribed: deduced, atomic").isEqualTo(ListType.Kind.ATOMIC);
    assertThat(MergeSchema.of(ROUTE).listType(List.of("status", "conditions")).kind())
        .as("without a schema, the tables key conditions by type").isEqualTo(ListType.Kind.MAP);
    assertThat(MERGE.listType(List.of("metadata", "finalizers")).kind()).as("metadata is ObjectMeta").isEqualTo(ListType.Kind.SET);
    assertThat(MERGE.atomicObject(List.of("spec", "tls"))).isTrue();
    assertThat(MERGE.atomicObject(List.of("spec"))).isFalse();
    assertThat(MERGE.atomicElements(List.of("metadata", "ownerReferences"))).isTrue();
    assertThat(MERGE.implicitEmpty(List.of("spec"))).as("custom resources are unstructured").isNull();
    assertThat(MERGE.compiledFrom(SCHEMA)).isTrue();
    assertThat(MERGE.compiledFrom(SCHEMA.deepCopy())).as("by identity").isFalse();
    assertThat(MergeSchema.of(ROUTE, null)).isSameAs(MergeSchema.of(ROUTE));
  }

  @Test
  void mapList_mergesItemsByKey_andEachApplierOwnsItsOwn() {
    ObjectNode live = apply(null, route("{'backends':[{'name':'web','weight':1}]}"), "alice", false, T1);
    ObjectNode both = apply(live, route("{'backends':[{'name':'metrics','protocol':'UDP','weight':2}]}"), "bob", false, T2);
    assertThat(both.at("/spec/backends")).isEqualTo(json("[{'name':'web','weight':1},{'name':'metrics','protocol':'UDP','weight':2}]"));
    assertThat(owners(both)).containsExactly(
        "alice/Apply: .spec.backends[name=\"web\",protocol=\"TCP\"]",
        "alice/Apply: .spec.backends[name=\"web\",protocol=\"TCP\"].name",
        "alice/Apply: .spec.backends[name=\"web\",protocol=\"TCP\"].weight",
        "bob/Apply: .spec.backends[name=\"metrics\",protocol=\"UDP\"]",
        "bob/Apply: .spec.backends[name=\"metrics\",protocol=\"UDP\"].name",
        "bob/Apply: .spec.backends[name=\"metrics\",protocol=\"UDP\"].protocol",
        "bob/Apply: .spec.backends[name=\"metrics\",protocol=\"UDP\"].weight");
    assertThat(both.at("/metadata/managedFields/0/fieldsV1").toString())
        .contains("\"k:{\\\"name\\\":\\\"web\\\",\\\"protocol\\\":\\\"TCP\\\"}\"");

    ObjectNode withdrawn = apply(both, route("{}"), "bob", false, T3);
    assertThat(withdrawn.at("/spec/backends")).as("bob's item goes, alice's stays").isEqualTo(json("[{'name':'web','weight':1}]"));
  }

  @Test
  void mapList_keyLeftOut_takesItsDefault_soTheSameItemIsMatched() {
    ObjectNode live = apply(null, route("{'backends':[{'name':'web','protocol':'TCP','weight':1}]}"), "alice", false, T1);
    assertThatThrownBy(() -> apply(live, route("{'backends':[{'name':'web','weight':5}]}"), "bob", false, T2))
        .isInstanceOfSatisfying(ApplyConflictException.class, e -> assertThat(e.conflicts()).extracting(c -> c.path())
            .containsExactly(".spec.backends[name=\"web\",protocol=\"TCP\"].weight"));
  }

  @Test
  void setList_mergesByValue() {
    ObjectNode live = apply(null, route("{'hosts':['a.example.com']}"), "alice", false, T1);
    ObjectNode both = apply(live, route("{'hosts':['b.example.com']}"), "bob", false, T2);
    assertThat(both.at("/spec/hosts")).isEqualTo(json("['a.example.com','b.example.com']"));
    assertThat(owners(both)).containsExactly("alice/Apply: .spec.hosts[=\"a.example.com\"]", "bob/Apply: .spec.hosts[=\"b.example.com\"]");
  }

  @Test
  void unmarkedLists_andAtomicMaps_areOwnedWhole_soAnotherValueConflicts() {
    ObjectNode live = apply(null, route("{'owners':['x'],'tls':{'secret':'s','mode':'strict'}}"), "alice", false, T1);
    assertThat(owners(live)).containsExactly("alice/Apply: .spec.owners", "alice/Apply: .spec.tls");
    assertThatThrownBy(() -> apply(live, route("{'owners':['y'],'tls':{'mode':'lax'}}"), "bob", false, T2))
        .isInstanceOfSatisfying(ApplyConflictException.class, e -> assertThat(e.conflicts()).extracting(c -> c.path())
            .containsExactly(".spec.owners", ".spec.tls"));
    ObjectNode forced = apply(live, route("{'owners':['y'],'tls':{'mode':'lax'}}"), "bob", true, T2);
    assertThat(forced.at("/spec/tls")).as("an atomic map is replaced whole").isEqualTo(json("{'mode':'lax'}"));
    assertThat(forced.at("/spec/owners")).isEqualTo(json("['y']"));
  }

  @Test
  void undescribedStatusConditions_areAtomic_asStructuredMergeDiffDeducesThem() {
    ObjectNode created = apply(null, route("{}"), "alice", false, T1);
    String ready = "{'apiVersion':'example.com/v1','kind':'Route','metadata':{'name':'r','namespace':'default'},"
        + "'status':{'conditions':[{'type':'Ready','status':'True'}]}}";
    ObjectNode live = Json.freezeObject(ServerSideApply.apply(MERGE, created, frozen(ready), "controller", false, "status",
        "example.com/v1", T2, FieldSetMemo.create()));
    assertThat(owners(live)).contains("controller/Apply/status: .status.conditions");
    String synced = ready.replace("{'type':'Ready','status':'True'}", "{'type':'Synced','status':'True'}");
    assertThatThrownBy(() -> ServerSideApply.apply(MERGE, live, frozen(synced), "syncer", false, "status", "example.com/v1", T3,
        FieldSetMemo.create()))
        .isInstanceOfSatisfying(ApplyConflictException.class, e -> assertThat(e.conflicts()).extracting(c -> c.path())
            .containsExactly(".status.conditions"));
  }

  @Test
  void metadata_isObjectMeta_whateverTheSchema() {
    ObjectNode live = apply(null, route("{}").replace("'namespace':'default'", "'namespace':'default','finalizers':['a/one']"),
        "alice", false, T1);
    ObjectNode both = apply(live, route("{}").replace("'namespace':'default'", "'namespace':'default','finalizers':['b/two']"),
        "bob", false, T2);
    assertThat(both.at("/metadata/finalizers")).isEqualTo(json("['a/one','b/two']"));
  }
}
