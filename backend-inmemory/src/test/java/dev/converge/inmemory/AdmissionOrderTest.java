package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Where admission sits among the server's own steps, as kube-apiserver 1.32 orders them: the field manager
 * records the writer's fields before mutating admission ({@code createHandler}, {@code update.go}'s transformers),
 * so what a mutating plugin adds is owned by no one; the registry's {@code BeforeCreate} (uid, creation time,
 * generation, the strategy's {@code PrepareForCreate}) runs after mutating admission and before validation, and
 * so does an update's {@code PrepareForUpdate} (the stored status kept, the generation bumped for a spec a plugin
 * changed); managed fields a plugin leaves undecodable are put back, with a warning
 * ({@code NewManagedFieldsValidatingAdmissionController}).
 */
class AdmissionOrderTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 7);
  private final ApiServer server = cluster.server();
  private final List<Resource> mutatingSaw = new ArrayList<>();
  private final List<Resource> validatingSaw = new ArrayList<>();

  private void mutating(UnaryOperator<Resource> change) {
    server.admission().register(AdmissionPlugin.mutating("inject.example.com", request -> {
      if (request.operation() == Operation.DELETE) {
        return Verdict.allow();
      }
      mutatingSaw.add(request.object());
      return Verdict.patch(change.apply(request.object()));
    }));
    server.admission().register(AdmissionPlugin.validating("observe.example.com", request -> {
      if (request.operation() != Operation.DELETE) {
        validatingSaw.add(request.object());
      }
      return Verdict.allow();
    }));
  }

  /** The FieldsV1 of {@code manager}'s entry (operation Update) in {@code object}'s managed fields. */
  private static JsonNode fieldsOf(Resource object, String manager) {
    for (JsonNode entry : object.metadata().path("managedFields")) {
      if (entry.path("manager").asText().equals(manager) && entry.path("operation").asText().equals("Update")) {
        return entry.path("fieldsV1");
      }
    }
    throw new AssertionError("no Update entry for " + manager + " in " + object.metadata().path("managedFields"));
  }

  @Test
  void create_whatAMutatingPluginAddsIsOwnedByNoOne() {
    mutating(object -> object.withLabel("injected", "yes"));
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1", "{\"app\":\"web\"}"),
        WriteOptions.manager("writer"));

    assertThat(created.labels()).containsEntry("app", "web").containsEntry("injected", "yes");
    JsonNode labels = fieldsOf(created, "writer").path("f:metadata").path("f:labels");
    assertThat(labels.has("f:app")).isTrue();
    assertThat(labels.has("f:injected")).as("the plugin's label is not the writer's").isFalse();
    assertThat(created.metadata().path("managedFields")).hasSize(1);
    // The plugin saw the writer's entry already, as a webhook does.
    assertThat(fieldsOf(mutatingSaw.get(0), "writer").path("f:metadata").path("f:labels").has("f:app")).isTrue();
  }

  @Test
  void create_mutatingPluginsSeeNoSystemFields_validatingPluginsSeeThem() {
    mutating(UnaryOperator.identity());
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));

    JsonNode seen = mutatingSaw.get(0).metadata();
    assertThat(seen.has("uid")).isFalse();
    assertThat(seen.has("creationTimestamp")).isFalse();
    assertThat(seen.has("generation")).isFalse();
    JsonNode validated = validatingSaw.get(0).metadata();
    assertThat(validated.path("uid").asText()).isEqualTo(created.uid());
    assertThat(validated.path("creationTimestamp").asText())
        .isEqualTo(created.metadata().path("creationTimestamp").asText());
    assertThat(validated.path("generation").asLong()).isEqualTo(1);
    // A stored object's metadata keeps its order: system fields, then managed fields, then the version.
    List<String> names = new ArrayList<>();
    created.metadata().fieldNames().forEachRemaining(names::add);
    assertThat(names).containsSubsequence("uid", "creationTimestamp", "generation", "managedFields", "resourceVersion");
  }

  @Test
  void create_podStatusIsPreparedAfterMutation_soInjectedResourcesSetTheQosClass() {
    mutating(pod -> pod.edit(tree -> ((ObjectNode) tree.path("spec").path("containers").get(0))
        .putObject("resources").putObject("limits").put("cpu", "1").put("memory", "1Gi")));
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));

    assertThat(mutatingSaw.get(0).json().has("status")).isFalse();
    // Requests default to the limits the plugin set, and PrepareForCreate computes the class from them.
    assertThat(pod.status().path("qosClass").asText()).isEqualTo("Guaranteed");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Pending");
  }

  @Test
  void update_whatAMutatingPluginChangesIsOwnedByNoOne_andTheWritersOwnFieldsStay() {
    server.create(ADMIN, Fixtures.configMap("default", "c", "1"), WriteOptions.manager("creator"));
    mutating(object -> object.withAnnotation("injected", "yes"));
    Resource read = server.get(ADMIN, Fixtures.cm("default", "c"));
    Resource updated = server.update(ADMIN, read.withLabel("team", "a"), WriteOptions.manager("editor"));

    assertThat(updated.metadata().path("annotations").path("injected").asText()).isEqualTo("yes");
    JsonNode editor = fieldsOf(updated, "editor").path("f:metadata");
    assertThat(editor.path("f:labels").has("f:team")).isTrue();
    assertThat(editor.has("f:annotations")).as("the plugin's annotation is not the editor's").isFalse();
    assertThat(fieldsOf(updated, "creator").path("f:data").has("f:key")).isTrue();
  }

  @Test
  void managedFieldsAPluginLeavesInvalid_arePutBack_withAWarning() {
    mutating(object -> object.edit(tree -> {
      ObjectNode entry = ((ObjectNode) tree.path("metadata")).putArray("managedFields").addObject();
      entry.put("manager", "rogue").put("operation", "Delete").put("apiVersion", "v1").put("fieldsType", "FieldsV1");
      entry.putObject("fieldsV1");
    }));
    List<String> warnings = new ArrayList<>();
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"),
        WriteOptions.manager("writer").withWarnings(warnings::add));

    assertThat(created.metadata().path("managedFields")).hasSize(1);
    assertThat(fieldsOf(created, "writer").path("f:data").has("f:key")).isTrue();
    assertThat(warnings).containsExactly(".metadata.managedFields was in an invalid state after admission; this"
        + " could be caused by an outdated mutating admission controller; please fix your requests: operation must"
        + " be `Apply` or `Update`");
  }

  @Test
  void validManagedFieldsFromAPlugin_areKept() {
    mutating(object -> object.edit(tree -> {
      ObjectNode entry = ((ObjectNode) tree.path("metadata")).withArray("managedFields").addObject();
      entry.put("manager", "injector").put("operation", "Update").put("apiVersion", "v1").put("fieldsType", "FieldsV1");
      entry.putObject("fieldsV1").putObject("f:metadata").putObject("f:labels").putObject("f:injected");
      ((ObjectNode) tree.path("metadata")).putObject("labels").put("injected", "yes");
    }));
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"), WriteOptions.manager("writer"));

    assertThat(fieldsOf(created, "injector").path("f:metadata").path("f:labels").has("f:injected")).isTrue();
    assertThat(fieldsOf(created, "writer").path("f:metadata").has("f:labels")).isFalse();
  }

  @Test
  void update_aSpecChangeMadeByAPlugin_bumpsTheGeneration() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    mutating(deployment -> deployment.edit(tree -> ((ObjectNode) tree.path("spec")).put("replicas", 3)));
    // The writer changes only a label: without the plugin the generation would stay 1.
    Resource updated = server.update(ADMIN, created.withLabel("team", "a"));

    assertThat(updated.json().path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(updated.generation()).isEqualTo(2);
    assertThat(validatingSaw.get(0).generation()).isEqualTo(2);
  }

  @Test
  void update_aStatusWrittenByAPluginThroughTheMainResource_isDropped() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    mutating(deployment -> deployment.edit(tree -> tree.putObject("status").put("replicas", 7)));
    Resource updated = server.update(ADMIN, created.withLabel("team", "a"));

    assertThat(updated.status()).isEqualTo(created.status());
    assertThat(updated.generation()).isEqualTo(1);
  }
}
