package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.PatchTesting.frozen;
import static dev.converge.inmemory.patch.PatchTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.inmemory.patch.ApplyConflictException.Conflict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply, rule by rule:
 *
 * <ul>
 *   <li>creating an object makes every field of the configuration the applier's, and nothing else;
 *   <li>re-applying without a field removes it from the object, unless another manager owns it;
 *   <li>two appliers setting the same value share the field; a different value is a conflict, listed
 *       exactly, unless forced, which moves the field;
 *   <li>updaters lose the fields an apply takes over, and their fields survive the applier's pruning;
 *   <li>status belongs to the status subresource only; server-managed metadata is never owned;
 *   <li>keyed lists match elements by key with defaults ({@code protocol} absent is {@code TCP});
 *   <li>malformed configurations are rejected with 400, and inputs are never modified.
 * </ul>
 */
class ServerSideApplyTest {
  static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  static final String T1 = "2024-05-01T10:00:00Z";
  static final String T2 = "2024-05-01T11:00:00Z";
  static final String T3 = "2024-05-01T12:00:00Z";

  static final String WEB = """
      {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default','labels':{'app':'web'}},
       'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},
        'template':{'metadata':{'labels':{'app':'web'}},
         'spec':{'containers':[{'name':'web','image':'nginx:1.25','ports':[{'containerPort':80}]}]}}}}""";

  /** A minimal configuration for another applier: identity plus {@code spec}. */
  static String spec(String spec) {
    return "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default'},'spec':" + spec + "}";
  }

  static ObjectNode apply(@Nullable ObjectNode live, String config, String manager, String time) {
    return Json.freezeObject(ServerSideApply.apply(DEPLOYMENT, live, frozen(config), manager, false, null, "apps/v1", time));
  }

  static ObjectNode force(@Nullable ObjectNode live, String config, String manager, String time) {
    return Json.freezeObject(ServerSideApply.apply(DEPLOYMENT, live, frozen(config), manager, true, null, "apps/v1", time));
  }

  /** The paths each manager owns, as "manager/operation: path". */
  static List<String> owners(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (JsonNode entry : object.at("/metadata/managedFields")) {
      String who = entry.get("manager").asText() + "/" + entry.get("operation").asText()
          + (entry.has("subresource") ? "/" + entry.get("subresource").asText() : "");
      FieldSet.fromFieldsV1(entry.get("fieldsV1")).paths().forEach(p -> out.add(who + ": " + p));
    }
    return out;
  }

  @Test
  void create_producesKubernetesManagedFields_golden() {
    ObjectNode created = apply(null, WEB, "converge", T1);
    assertThat(Json.write(created.at("/metadata/managedFields"))).isEqualTo(("""
        [{'manager':'converge','operation':'Apply','apiVersion':'apps/v1','time':'2024-05-01T10:00:00Z',\
        'fieldsType':'FieldsV1','fieldsV1':{'f:metadata':{'f:labels':{'f:app':{}}},\
        'f:spec':{'f:replicas':{},'f:selector':{},'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},\
        'f:spec':{'f:containers':{'k:{\\'name\\':\\'web\\'}':{'.':{},'f:image':{},'f:name':{},\
        'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':{'.':{},'f:containerPort':{}}}}}}}}}}]""")
        .replace("\\'", "\\\"").replace('\'', '"'));
    ObjectNode withoutManagedFields = created.deepCopy();
    ((ObjectNode) withoutManagedFields.get("metadata")).remove("managedFields");
    assertThat(withoutManagedFields).isEqualTo(json(WEB));
  }

  @Test
  void reapply_withFieldsRemoved_removesThemFromTheObject() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode result = apply(live, WEB.replace(",'labels':{'app':'web'}}", "}").replace("'replicas':2,", ""), "converge", T2);
    assertThat(result.at("/metadata").has("labels")).isFalse();
    assertThat(result.at("/spec").has("replicas")).isFalse();
    assertThat(result.at("/spec/template/metadata/labels/app").asText()).isEqualTo("web");
    assertThat(owners(result)).doesNotContain("converge/Apply: .spec.replicas", "converge/Apply: .metadata.labels.app");
    assertThat(result.at("/metadata/managedFields/0/time").asText()).isEqualTo(T2);
  }

  @Test
  void reapply_ofAListElementLeftOut_removesTheElement() {
    ObjectNode live = apply(null, spec("{'template':{'spec':{'containers':[{'name':'web','image':'a','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}]}]}}}"), "converge", T1);
    ObjectNode result = apply(live, spec("{'template':{'spec':{'containers':[{'name':'web','image':'a','env':[{'name':'X','value':'1'}]}]}}}"), "converge", T2);
    assertThat(result.at("/spec/template/spec/containers/0/env")).isEqualTo(json("[{'name':'X','value':'1'}]"));
  }

  @Test
  void reapply_ofTheSameConfiguration_changesNothing_notEvenTheTime() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    assertThat(apply(live, WEB, "converge", T2)).isEqualTo(live);
  }

  @Test
  void reapply_ofAnEqualConfiguration_keepsEveryLiveSubtree_byReference() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode again = ServerSideApply.apply(DEPLOYMENT, live, frozen(WEB), "converge", false, null, "apps/v1", T2);
    assertThat(again).isNotSameAs(live).isEqualTo(live);
    assertThat(again.get("spec")).isSameAs(live.get("spec"));
    assertThat(again.at("/metadata/managedFields/0")).isSameAs(live.at("/metadata/managedFields/0"));
    ObjectNode scaled = ServerSideApply.apply(DEPLOYMENT, live, frozen(spec("{'replicas':5}")),
        "other", true, null, "apps/v1", T2);
    assertThat(scaled.get("spec")).isNotSameAs(live.get("spec"));
    assertThat(scaled.at("/spec/template")).isSameAs(live.at("/spec/template"));
  }

  @Test
  void twoAppliers_withEqualValues_shareTheField_andItStaysUntilBothDropIt() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode shared = apply(live, spec("{'replicas':2}"), "autoscaler", T2);
    assertThat(owners(shared)).contains("converge/Apply: .spec.replicas", "autoscaler/Apply: .spec.replicas");
    assertThat(shared.at("/metadata/managedFields/1/time").asText()).isEqualTo(T2);

    ObjectNode convergeLetsGo = apply(shared, WEB.replace("'replicas':2,", ""), "converge", T3);
    assertThat(convergeLetsGo.at("/spec/replicas").intValue()).isEqualTo(2);
    assertThat(owners(convergeLetsGo)).contains("autoscaler/Apply: .spec.replicas").doesNotContain("converge/Apply: .spec.replicas");

    ObjectNode bothGone = apply(convergeLetsGo, "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'}}", "autoscaler", T3);
    assertThat(bothGone.at("/spec").has("replicas")).isFalse();
    assertThat(owners(bothGone)).noneMatch(owner -> owner.startsWith("autoscaler"));
  }

  @Test
  void conflict_onADifferentValue_listsEveryConflictingField_andChangesNothing() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    assertThatThrownBy(() -> apply(live, spec("{'replicas':3,'template':{'spec':{'containers':[{'name':'web','image':'nginx:1.26'}]}}}"), "other", T2))
        .isInstanceOfSatisfying(ApplyConflictException.class, e -> {
          assertThat(e.code()).isEqualTo(409);
          assertThat(e.conflicts()).containsExactly(
              new Conflict("converge", ".spec.replicas"),
              new Conflict("converge", ".spec.template.spec.containers[name=\"web\"].image"));
          assertThat(e.getMessage()).isEqualTo("""
              Apply failed with 2 conflicts: conflicts with "converge":
              - .spec.replicas
              - .spec.template.spec.containers[name="web"].image""");
        });
    assertThat(live).isEqualTo(apply(null, WEB, "converge", T1));
  }

  @Test
  void force_takesTheFieldsAway_andTheFormerOwnerThenConflicts() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode forced = force(live, spec("{'replicas':3}"), "other", T2);
    assertThat(forced.at("/spec/replicas").intValue()).isEqualTo(3);
    assertThat(owners(forced)).contains("other/Apply: .spec.replicas").doesNotContain("converge/Apply: .spec.replicas");
    assertThatThrownBy(() -> apply(forced, WEB, "converge", T3))
        .isInstanceOfSatisfying(ApplyConflictException.class, e -> assertThat(e.conflicts()).containsExactly(new Conflict("other", ".spec.replicas")))
        .hasMessage("Apply failed with 1 conflict: conflict with \"other\": .spec.replicas");
  }

  @Test
  void updateManager_losesTheFieldsAnApplyTakes_andConflictsUntilForced() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode edited = live.deepCopy();
    ((ObjectNode) edited.at("/spec/template/spec/containers/0")).put("image", "nginx:1.26");
    edited.with("metadata").with("labels").put("team", "a");
    ObjectNode afterEdit = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, live, edited, "kubectl-edit", null, "apps/v1", T2));
    assertThat(owners(afterEdit)).contains(
        "kubectl-edit/Update: .metadata.labels.team",
        "kubectl-edit/Update: .spec.template.spec.containers[name=\"web\"].image")
        .doesNotContain("converge/Apply: .spec.template.spec.containers[name=\"web\"].image");

    assertThatThrownBy(() -> apply(afterEdit, WEB, "converge", T3))
        .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1:"
            + " .spec.template.spec.containers[name=\"web\"].image");

    ObjectNode forced = force(afterEdit, WEB, "converge", T3);
    assertThat(forced.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.25");
    assertThat(owners(forced)).contains("kubectl-edit/Update: .metadata.labels.team", "converge/Apply: .spec.template.spec.containers[name=\"web\"].image")
        .doesNotContain("kubectl-edit/Update: .spec.template.spec.containers[name=\"web\"].image");
  }

  @Test
  void prune_sparesFieldsAnUpdaterTookOver() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode edited = live.deepCopy();
    edited.with("spec").put("replicas", 5);
    ObjectNode scaled = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, live, edited, "kubectl-scale", null, "apps/v1", T2));
    ObjectNode result = apply(scaled, WEB.replace("'replicas':2,", ""), "converge", T3);
    assertThat(result.at("/spec/replicas").intValue()).isEqualTo(5);
  }

  @Test
  void updaterOwnedListElement_survivesTheApplierDroppingIt() {
    ObjectNode live = apply(null, spec("{'template':{'spec':{'containers':[{'name':'web','image':'a'},{'name':'sidecar','image':'b'}]}}}"), "converge", T1);
    ObjectNode edited = live.deepCopy();
    ((ObjectNode) edited.at("/spec/template/spec/containers/1")).put("image", "c");
    ObjectNode afterEdit = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, live, edited, "editor", null, "apps/v1", T2));
    ObjectNode result = apply(afterEdit, spec("{'template':{'spec':{'containers':[{'name':'web','image':'a'}]}}}"), "converge", T3);
    // The editor owns only the image, not the element: the element goes, as structured-merge-diff prunes it.
    assertThat(result.at("/spec/template/spec/containers")).isEqualTo(json("[{'name':'web','image':'a'}]"));
    assertThat(owners(result)).noneMatch(owner -> owner.startsWith("editor"));
  }

  @Test
  void status_isIgnoredByMainResourceApplies_andOwnedThroughTheStatusSubresource() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode ignored = apply(live, WEB.replace("'kind':'Deployment',", "'kind':'Deployment','status':{'replicas':9},"), "converge", T2);
    assertThat(ignored).isEqualTo(live);

    ObjectNode status = Json.freezeObject(ServerSideApply.apply(DEPLOYMENT, live,
        frozen("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':7},'status':{'readyReplicas':2}}"),
        "controller", false, "status", "apps/v1", T2));
    assertThat(status.at("/status")).isEqualTo(json("{'readyReplicas':2}"));
    assertThat(status.at("/spec/replicas").intValue()).isEqualTo(2);
    assertThat(owners(status)).contains("controller/Apply/status: .status.readyReplicas");

    ObjectNode reapplied = apply(status, WEB, "converge", T3);
    assertThat(reapplied.at("/status")).isEqualTo(json("{'readyReplicas':2}"));
  }

  @Test
  void keyedListElements_matchWithDefaultedKeys_protocolAbsentIsTcp() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode same = apply(live, spec("{'template':{'spec':{'containers':[{'name':'web','ports':[{'containerPort':80,'protocol':'TCP','name':'http'}]}]}}}"),
        "other", T2);
    assertThat(same.at("/spec/template/spec/containers/0/ports")).isEqualTo(json("[{'containerPort':80,'protocol':'TCP','name':'http'}]"));
    assertThat(owners(same)).contains(
        "converge/Apply: .spec.template.spec.containers[name=\"web\"].ports[containerPort=80,protocol=\"TCP\"].containerPort",
        "other/Apply: .spec.template.spec.containers[name=\"web\"].ports[containerPort=80,protocol=\"TCP\"].protocol");

    ObjectNode udp = apply(live, spec("{'template':{'spec':{'containers':[{'name':'web','ports':[{'containerPort':80,'protocol':'UDP'}]}]}}}"), "other", T2);
    assertThat(udp.at("/spec/template/spec/containers/0/ports")).isEqualTo(json("[{'containerPort':80},{'containerPort':80,'protocol':'UDP'}]"));
  }

  @Test
  void serverManagedMetadata_isNeverOwned() {
    ObjectNode created = apply(null, WEB.replace("'namespace':'default',",
        "'namespace':'default','uid':'u-1','resourceVersion':'7','generation':3,'creationTimestamp':'2024-01-01T00:00:00Z',"), "converge", T1);
    assertThat(owners(created)).noneMatch(owner -> owner.matches(".*\\.metadata\\.(name|namespace|uid|resourceVersion|generation|creationTimestamp)$"))
        .noneMatch(owner -> owner.endsWith(": .apiVersion") || owner.endsWith(": .kind"));
  }

  @Test
  void customResources_mergeObjectsFieldByField_butReplaceListsWhole() {
    GroupKind agent = GroupKind.of("datadoghq.com", "DatadogAgent");
    ObjectNode live = Json.freezeObject(ServerSideApply.apply(agent, null,
        frozen("{'apiVersion':'datadoghq.com/v2alpha1','kind':'DatadogAgent','metadata':{'name':'dd'},'spec':{'global':{'site':'x','tags':['a','b']}}}"),
        "converge", false, null, "datadoghq.com/v2alpha1", T1));
    assertThat(owners(live)).containsExactly("converge/Apply: .spec.global.site", "converge/Apply: .spec.global.tags");
    ObjectNode other = Json.freezeObject(ServerSideApply.apply(agent, live,
        frozen("{'apiVersion':'datadoghq.com/v2alpha1','kind':'DatadogAgent','metadata':{'name':'dd'},'spec':{'global':{'logLevel':'debug'}}}"),
        "ops", false, null, "datadoghq.com/v2alpha1", T2));
    assertThat(other.at("/spec/global")).isEqualTo(json("{'site':'x','tags':['a','b'],'logLevel':'debug'}"));
  }

  @Test
  void managedFieldsInTheConfiguration_isRejected_unlessEmpty() {
    assertThatThrownBy(() -> apply(null, WEB.replace("'name':'web',", "'name':'web','managedFields':[{'manager':'x'}],"), "converge", T1))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("metadata.managedFields must be nil");
    ObjectNode created = apply(null, WEB.replace("'name':'web',", "'name':'web','managedFields':[],"), "converge", T1);
    assertThat(created.at("/metadata/managedFields").size()).isEqualTo(1);
  }

  @Test
  void malformedKeyedLists_areRejectedWith400() {
    assertThatThrownBy(() -> apply(null, spec("{'template':{'spec':{'containers':[{'image':'x'}]}}}"), "converge", T1))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage(".spec.template.spec.containers: associative list with keys has an element that omits key field \"name\""
            + " (and doesn't have default value)");
    assertThatThrownBy(() -> apply(null, spec("{'template':{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}}"), "converge", T1))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage(".spec.template.spec.containers: duplicate entries for key [name=\"a\"]");
    assertThatThrownBy(() -> ServerSideApply.apply(DEPLOYMENT, null, frozen(WEB), "", false, null, "apps/v1", T1))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void emptiedMapsDisappear_butTheirParentsStay() {
    ObjectNode live = apply(null, spec("{'template':{'metadata':{'labels':{'a':'1'}},'spec':{'containers':[{'name':'web','image':'a'}]}}}"), "converge", T1);
    ObjectNode result = apply(live, spec("{'template':{'metadata':{'annotations':{'b':'2'}},'spec':{'containers':[{'name':'web','image':'a'}]}}}"), "converge", T2);
    assertThat(result.at("/spec/template/metadata")).isEqualTo(json("{'annotations':{'b':'2'}}"));
  }

  @Test
  void apply_neverModifiesItsInputs_andSharesOnlyTheFrozenSubtreesItLeavesAlone() {
    ObjectNode live = apply(null, WEB, "converge", T1);
    ObjectNode copy = live.deepCopy();
    ObjectNode config = frozen(spec("{'replicas':4}"));
    ObjectNode result = ServerSideApply.apply(DEPLOYMENT, live, config, "other", true, null, "apps/v1", T2);
    assertThat(live).isEqualTo(copy);
    assertThat(config).isEqualTo(json(spec("{'replicas':4}")));
    // What the apply changed is new and mutable; what it left alone is the live object's own frozen subtree.
    assertThat(Json.isFrozen(result)).isFalse();
    assertThat(Json.isFrozen(result.get("spec"))).isFalse();
    assertThat(result.at("/spec/template")).isSameAs(live.at("/spec/template"));
    ((ObjectNode) result.get("spec")).put("paused", true);
    // A mutable live object is never shared: the result is then a copy throughout.
    ObjectNode mutableLive = live.deepCopy();
    ObjectNode fromMutable = ServerSideApply.apply(DEPLOYMENT, mutableLive, config, "other", true, null, "apps/v1", T2);
    assertThat(fromMutable.at("/spec/template")).isNotSameAs(mutableLive.at("/spec/template")).isEqualTo(mutableLive.at("/spec/template"));
    ((ObjectNode) fromMutable.at("/spec/template/spec")).put("hostNetwork", true);
    assertThat(mutableLive).isEqualTo(copy);
  }

  @Test
  void create_storesTheConfigurationsOwnFrozenSubtrees_whenTheyHoldNoNulls() {
    ObjectNode config = frozen(spec("{'replicas':2,'template':{'spec':{'containers':[{'name':'web','image':'a'}]}}}"));
    ObjectNode created = ServerSideApply.apply(DEPLOYMENT, null, config, "converge", false, null, "apps/v1", T1);
    assertThat(created.get("spec")).isSameAs(config.get("spec"));
    ObjectNode withNull = frozen(spec("{'replicas':2,'paused':null}"));
    ObjectNode dropped = ServerSideApply.apply(DEPLOYMENT, null, withNull, "converge", false, null, "apps/v1", T1);
    assertThat(dropped.get("spec")).isEqualTo(json("{'replicas':2}"));
  }
}
