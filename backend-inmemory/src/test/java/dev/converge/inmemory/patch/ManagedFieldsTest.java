package dev.converge.inmemory.patch;

import static dev.converge.inmemory.patch.PatchTesting.frozen;
import static dev.converge.inmemory.patch.PatchTesting.json;
import static dev.converge.inmemory.patch.ServerSideApplyTest.DEPLOYMENT;
import static dev.converge.inmemory.patch.ServerSideApplyTest.T1;
import static dev.converge.inmemory.patch.ServerSideApplyTest.T2;
import static dev.converge.inmemory.patch.ServerSideApplyTest.T3;
import static dev.converge.inmemory.patch.ServerSideApplyTest.owners;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ownership recorded for non-apply writes: the writer owns what it adds or changes, in an {@code Update}
 * entry keyed by manager, API version and subresource, and takes it from everyone else; removed fields are
 * taken from everyone; writes that change nothing record nothing; clients can replace ({@code managedFields}
 * in the body) or reset ({@code [{}]}) the list; update entries beyond ten are merged into {@code
 * ancient-changes}.
 */
class ManagedFieldsTest {

  /** A Deployment as a real API server stores it after defaulting. */
  private static final String CREATED = """
      {'apiVersion':'apps/v1','kind':'Deployment',
       'metadata':{'name':'nginx','namespace':'default','uid':'u-1','resourceVersion':'1','generation':1,
                   'creationTimestamp':'2024-05-01T10:00:00Z','labels':{'app':'nginx'}},
       'spec':{'replicas':1,'selector':{'matchLabels':{'app':'nginx'}},
        'template':{'metadata':{'labels':{'app':'nginx'}},
         'spec':{'containers':[{'name':'nginx','image':'nginx:1.25','resources':{},'terminationMessagePath':'/dev/termination-log',
                                'terminationMessagePolicy':'File','imagePullPolicy':'IfNotPresent'}],
                 'restartPolicy':'Always','terminationGracePeriodSeconds':30,'dnsPolicy':'ClusterFirst',
                 'securityContext':{},'schedulerName':'default-scheduler'}},
        'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':'25%','maxSurge':'25%'}},
        'revisionHistoryLimit':10,'progressDeadlineSeconds':600},
       'status':{}}""";

  @Test
  void create_recordsAnUpdateEntryShapedLikeARealServers_golden() {
    ObjectNode stored = ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "kubectl-create", null, "apps/v1", T1);
    assertThat(Json.write(stored.at("/metadata/managedFields"))).isEqualTo(("""
        [{'manager':'kubectl-create','operation':'Update','apiVersion':'apps/v1','time':'2024-05-01T10:00:00Z',\
        'fieldsType':'FieldsV1','fieldsV1':{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},\
        'f:spec':{'f:progressDeadlineSeconds':{},'f:replicas':{},'f:revisionHistoryLimit':{},'f:selector':{},\
        'f:strategy':{'f:rollingUpdate':{'.':{},'f:maxSurge':{},'f:maxUnavailable':{}},'f:type':{}},\
        'f:template':{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},\
        'f:spec':{'f:containers':{'k:{\\'name\\':\\'nginx\\'}':{'.':{},'f:image':{},'f:imagePullPolicy':{},'f:name':{},\
        'f:resources':{},'f:terminationMessagePath':{},'f:terminationMessagePolicy':{}}},\
        'f:dnsPolicy':{},'f:restartPolicy':{},'f:schedulerName':{},'f:securityContext':{},\
        'f:terminationGracePeriodSeconds':{}}}}}}]""").replace("\\'", "\\\"").replace('\'', '"'));
  }

  @Test
  void update_takesChangedFieldsFromOtherManagers_andMergesIntoItsOwnEntry() {
    ObjectNode v1 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "kubectl-create", null, "apps/v1", T1));
    ObjectNode changed = v1.deepCopy();
    changed.with("spec").put("replicas", 3);
    ObjectNode v2 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, v1, changed, "scaler", null, "apps/v1", T2));
    assertThat(owners(v2)).contains("scaler/Update: .spec.replicas").doesNotContain("kubectl-create/Update: .spec.replicas");

    ObjectNode changedAgain = v2.deepCopy();
    changedAgain.with("spec").put("paused", true);
    ObjectNode v3 = ManagedFields.recordUpdate(DEPLOYMENT, v2, changedAgain, "scaler", null, "apps/v1", T3);
    assertThat(owners(v3)).filteredOn(o -> o.startsWith("scaler")).containsExactly("scaler/Update: .spec.paused", "scaler/Update: .spec.replicas");
    assertThat(v3.at("/metadata/managedFields/1/time").asText()).isEqualTo(T3);
  }

  @Test
  void update_keepsTheStoredEntriesItLeavesAlone_asTheyAre() {
    ObjectNode v1 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "kubectl-create", null, "apps/v1", T1));
    ObjectNode labelled = v1.deepCopy();
    labelled.with("metadata").set("managedFields", v1.at("/metadata/managedFields")); // the server keeps the stored list
    labelled.with("metadata").with("labels").put("team", "a");
    JsonNode list = ManagedFields.afterUpdate(DEPLOYMENT, v1, labelled, "labeller", null, "apps/v1", T2);
    assertThat(list.get(0)).isSameAs(v1.at("/metadata/managedFields/0"));
    assertThat(list.get(1).path("manager").asText()).isEqualTo("labeller");
    assertThat(list).isEqualTo(ManagedFields.recordUpdate(DEPLOYMENT, v1, labelled.deepCopy(), "labeller", null, "apps/v1", T2)
        .at("/metadata/managedFields"));
  }

  @Test
  void update_thatRemovesAField_takesItFromEveryone_andOwnsNothingNew() {
    ObjectNode v1 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "kubectl-create", null, "apps/v1", T1));
    ObjectNode removed = v1.deepCopy();
    ((ObjectNode) removed.get("spec")).remove("progressDeadlineSeconds");
    ObjectNode v2 = ManagedFields.recordUpdate(DEPLOYMENT, v1, removed, "janitor", null, "apps/v1", T2);
    assertThat(owners(v2)).noneMatch(o -> o.startsWith("janitor")).doesNotContain("kubectl-create/Update: .spec.progressDeadlineSeconds");
  }

  @Test
  void update_thatChangesNothing_recordsNothing() {
    ObjectNode v1 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "kubectl-create", null, "apps/v1", T1));
    assertThat(ManagedFields.recordUpdate(DEPLOYMENT, v1, v1, "someone", null, "apps/v1", T2)).isEqualTo(v1);
  }

  @Test
  void statusUpdates_haveTheirOwnEntry_andMainResourceUpdatesIgnoreStatus() {
    ObjectNode v1 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "kubectl-create", null, "apps/v1", T1));
    ObjectNode withStatus = v1.deepCopy();
    withStatus.with("status").put("replicas", 1);
    withStatus.with("spec").put("replicas", 5); // a status write cannot change spec: not recorded
    ObjectNode v2 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, v1, withStatus, "kube-controller-manager", "status", "apps/v1", T2));
    assertThat(owners(v2)).filteredOn(o -> o.startsWith("kube-controller-manager"))
        .containsExactly("kube-controller-manager/Update/status: .status.replicas");
    assertThat(v2.at("/metadata/managedFields/1/subresource").asText()).isEqualTo("status");

    ObjectNode mainWrite = v2.deepCopy();
    mainWrite.with("status").put("replicas", 9);
    assertThat(owners(ManagedFields.recordUpdate(DEPLOYMENT, v2, mainWrite, "intruder", null, "apps/v1", T3)))
        .noneMatch(o -> o.startsWith("intruder"));
  }

  @Test
  void managedFieldsInTheWrite_replaceTheStoredOnes_emptyListKeepsThem_andSingleEmptyEntryResets() {
    ObjectNode v1 = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "kubectl-create", null, "apps/v1", T1));

    ObjectNode keep = v1.deepCopy();
    keep.with("metadata").putArray("managedFields");
    assertThat(ManagedFields.recordUpdate(DEPLOYMENT, v1, keep, "x", null, "apps/v1", T2).at("/metadata/managedFields"))
        .isEqualTo(v1.at("/metadata/managedFields"));

    ObjectNode reset = v1.deepCopy();
    reset.with("metadata").putArray("managedFields").addObject();
    reset.with("metadata").with("labels").put("reset", "yes");
    assertThat(owners(ManagedFields.recordUpdate(DEPLOYMENT, v1, reset, "x", null, "apps/v1", T2)))
        .containsExactly("x/Update: .metadata.labels.reset");

    ObjectNode replace = v1.deepCopy();
    replace.with("metadata").set("managedFields", json(
        "[{'manager':'hand-written','operation':'Apply','apiVersion':'apps/v1','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:replicas':{}}}}]"));
    assertThat(owners(ManagedFields.recordUpdate(DEPLOYMENT, v1, replace, "x", null, "apps/v1", T2)))
        .containsExactly("hand-written/Apply: .spec.replicas");
  }

  @Test
  void moreThanTenUpdateManagers_areCappedIntoAncientChanges() {
    ObjectNode current = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, null, frozen(CREATED), "creator", null, "apps/v1", "2024-05-01T10:00:00Z"));
    for (int i = 0; i < 11; i++) {
      ObjectNode next = current.deepCopy();
      next.with("metadata").with("annotations").put("a" + i, "x");
      current = Json.freezeObject(ManagedFields.recordUpdate(DEPLOYMENT, current, next, "writer-" + i, null, "apps/v1",
          String.format("2024-05-01T10:%02d:00Z", i + 1)));
    }
    List<String> managers = current.findValuesAsText("manager");
    assertThat(managers).hasSize(10).contains("ancient-changes").doesNotContain("creator", "writer-0", "writer-1");
    assertThat(owners(current)).contains("ancient-changes/Update: .metadata.annotations.a0", "ancient-changes/Update: .spec.replicas");
  }
}
