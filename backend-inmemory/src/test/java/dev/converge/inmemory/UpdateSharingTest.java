package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.defaults.Defaulting;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.ApiServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The write path's shortcuts change no result:
 *
 * <ul>
 *   <li>an update keeps the stored object's own frozen subtrees wherever its content is equal, across
 *       versions, and still changes, defaults, validates and bumps what it changes;
 *   <li>an update that keeps the stored content is not defaulted again, which is only right because
 *       defaulting of those kinds touches neither metadata nor status ({@link Defaulting#contentOnly});
 *   <li>kind validation of unchanged content is not repeated, but changed labels are still validated.
 * </ul>
 */
class UpdateSharingTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 23);
  private final ApiServer server = cluster.server();

  @Test
  void updateOfALabel_sharesTheStoredSpecAndStatus_andKeepsTheGeneration() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    Resource updated = server.update(ADMIN, created.withLabel("team", "a"));
    assertThat(updated.spec()).isSameAs(created.spec());
    assertThat(updated.status()).isSameAs(created.status());
    assertThat(updated.generation()).isEqualTo(1);
    assertThat(updated.labels()).containsEntry("team", "a");
  }

  @Test
  void updateThatLeavesOutADefault_getsItBack_andOneThatChangesTheSpec_isDefaultedAndBumped() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    Resource withoutDefault = created.edit(tree -> ((ObjectNode) tree.get("spec")).remove("revisionHistoryLimit"));
    Resource same = server.update(ADMIN, withoutDefault);
    assertThat(same.spec()).isSameAs(created.spec());
    assertThat(same.resourceVersion()).isEqualTo(created.resourceVersion());

    Resource changed = server.update(ADMIN, created.edit(tree ->
        ((ObjectNode) tree.at("/spec/template/spec/containers/0")).put("image", "nginx:1.28").remove("imagePullPolicy")));
    assertThat(changed.at("spec.template.spec").get("containers").get(0).path("imagePullPolicy").asText())
        .isEqualTo("IfNotPresent");
    assertThat(changed.generation()).isEqualTo(2);
    assertThat(changed.spec().get("strategy")).isEqualTo(created.spec().get("strategy"));
  }

  @Test
  void updatedMetadata_keepsTheCallersOrder_thenTheStoredServerFields() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "settings", "v"));
    Resource sent = created.edit(tree -> {
      ObjectNode metadata = (ObjectNode) tree.get("metadata");
      metadata.remove("uid");
      metadata.put("generation", 9).put("selfLink", "/x");
      metadata.putObject("labels").put("team", "a");
    });

    Resource updated = server.update(ADMIN, sent);

    List<String> names = new java.util.ArrayList<>();
    updated.metadata().fieldNames().forEachRemaining(names::add);
    List<String> expected = new java.util.ArrayList<>();
    sent.metadata().fieldNames().forEachRemaining(name -> {
      if (!List.of("uid", "creationTimestamp", "generation", "managedFields", "selfLink", "resourceVersion")
          .contains(name)) {
        expected.add(name);
      }
    });
    expected.addAll(List.of("uid", "creationTimestamp", "managedFields", "resourceVersion"));
    assertThat(names).containsExactlyElementsOf(expected);
    assertThat(updated.uid()).isEqualTo(created.uid());
    assertThat(updated.metadata().has("selfLink")).isFalse();
  }

  @Test
  void preconditions_holdForTheStoredMetadataItself_andStillFailForAnOlderVersionOfIt() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "settings", "v"));
    Resource first = server.update(ADMIN, withData(created, "1"));
    assertThat(withData(first, "2").metadata()).isSameAs(first.metadata());

    Resource second = server.update(ADMIN, withData(first, "2"));

    assertThat(second.json().at("/data/key").asText()).isEqualTo("2");
    assertThat(second.resourceVersion()).isNotEqualTo(first.resourceVersion());
    assertThatThrownBy(() -> server.update(ADMIN, withData(first, "3")))
        .isInstanceOf(BackendException.Conflict.class);
  }

  /** {@code object} with a new {@code data.key}, sharing every other subtree (its metadata) with it. */
  private static Resource withData(Resource object, String value) {
    ObjectNode root = Trees.shallowCopy(object.json());
    Trees.object(root, "data").put("key", value);
    return Resource.of(root);
  }

  @Test
  void updateWithUnchangedContent_stillRejectsAnInvalidLabel() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "settings", "v"));
    assertThatThrownBy(() -> server.update(ADMIN, created.withLabel("bad label", "x")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("metadata.labels");
  }

  @Test
  void defaultingOfContentOnlyKinds_touchesNeitherMetadataNorStatus() {
    List<String> objects = List.of(
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i",
         "ports":[{"containerPort":80}]}]}}""",
        """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},
         "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""",
        """
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},
         "template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}""",
        """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"template":{"spec":{"containers":[]}}}}""",
        """
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"r"},"spec":{"template":{"spec":{}}}}""",
        """
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"template":{"spec":{"containers":[]}}}}""",
        """
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"spec":{"jobTemplate":{"spec":{"template":{"spec":{}}}}}}""",
        """
        {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"r"},"spec":{"template":{"spec":{}}}}""",
        """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"a":"b"}}""",
        """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}""",
        """
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b"},
         "subjects":[{"kind":"User","name":"u"}],"roleRef":{"kind":"Role","name":"r"}}""",
        """
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"m"},
         "webhooks":[{"name":"w","clientConfig":{"service":{"name":"s","namespace":"n"}},"rules":[{}]}]}""",
        """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"c"},"spec":{}}""");
    for (String text : objects) {
      ObjectNode object = (ObjectNode) Json.parse(text);
      Resource resource = Resource.of(object.deepCopy());
      GroupKind kind = resource.groupKind();
      assertThat(Defaulting.contentOnly(kind)).as(kind.toString()).isTrue();
      JsonNode metadata = object.get("metadata").deepCopy();
      Defaulting.apply(kind, object);
      assertThat(object.get("metadata")).as(kind.toString()).isEqualTo(metadata);
      assertThat(object.has("status")).as(kind.toString()).isFalse();
    }
    assertThat(Defaulting.contentOnly(GroupKind.of("", "Namespace"))).isFalse();
    assertThat(Defaulting.contentOnly(GroupKind.of("", "Service"))).isFalse();
  }
}
