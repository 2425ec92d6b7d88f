package dev.converge.inmemory.sim.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.controller.ControllerRefManager.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ClaimObject}'s decision table ({@code controller_ref_manager.go}), case by case, without writing. */
class ControllerRefManagerTest {
  private static final String OWNER_UID = "0b3a1c9e-0000-4000-8000-000000000001";

  private static Resource replicaSet(boolean beingDeleted) {
    return Resource.of(Json.parse("""
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web","namespace":"default","uid":"%s"%s},
         "spec":{"selector":{"matchLabels":{"app":"web"}}}}"""
        .formatted(OWNER_UID, beingDeleted ? ",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"" : "")));
  }

  private static Resource pod(String namespace, String app, String controllerUid, boolean beingDeleted) {
    String owner = controllerUid.isEmpty() ? "" : """
        ,"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"%s","controller":true}]"""
        .formatted(controllerUid);
    return Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"%s","uid":"p-1","labels":{"app":"%s"}%s%s}}"""
        .formatted(namespace, app, owner, beingDeleted ? ",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"" : "")));
  }

  private static Decision decide(boolean ownerBeingDeleted, Resource candidate) {
    Resource owner = replicaSet(ownerBeingDeleted);
    LabelSelector selector = ControllerRefManager.selector(owner);
    return new ControllerRefManager(null, owner, selector::matches, List.of()).decide(candidate);
  }

  @Test
  void ownedByAnother_isIgnored_whateverItsLabels() {
    assertThat(decide(false, pod("default", "web", "someone-else", false))).isEqualTo(Decision.IGNORE);
    assertThat(decide(false, pod("default", "db", "someone-else", false))).isEqualTo(Decision.IGNORE);
  }

  @Test
  void ownedAndMatched_isKept_evenWhileTheOwnerIsBeingDeleted() {
    assertThat(decide(false, pod("default", "web", OWNER_UID, false))).isEqualTo(Decision.KEEP);
    assertThat(decide(true, pod("default", "web", OWNER_UID, false))).isEqualTo(Decision.KEEP);
  }

  @Test
  void ownedAndNoLongerMatched_isReleased_unlessTheOwnerIsBeingDeleted() {
    assertThat(decide(false, pod("default", "db", OWNER_UID, false))).isEqualTo(Decision.RELEASE);
    assertThat(decide(true, pod("default", "db", OWNER_UID, false))).isEqualTo(Decision.IGNORE);
  }

  @Test
  void aMatchedOrphan_isAdopted_unlessEitherIsBeingDeleted_orItLivesElsewhere() {
    assertThat(decide(false, pod("default", "web", "", false))).isEqualTo(Decision.ADOPT);
    assertThat(decide(true, pod("default", "web", "", false))).isEqualTo(Decision.IGNORE);
    assertThat(decide(false, pod("default", "web", "", true))).isEqualTo(Decision.IGNORE);
    assertThat(decide(false, pod("other", "web", "", false))).isEqualTo(Decision.IGNORE);
    assertThat(decide(false, pod("default", "db", "", false))).isEqualTo(Decision.IGNORE);
  }

  @Test
  void aMissingOrEmptySelector_selectsNothing() {
    Resource bare = Resource.of(Json.parse("""
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web","namespace":"default"},"spec":{"selector":{}}}"""));
    assertThat(ControllerRefManager.selector(bare)).isNull();
    assertThat(ControllerRefManager.selector(bare.edit(tree -> tree.remove("spec")))).isNull();
  }
}
