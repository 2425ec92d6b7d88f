package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ServerWarnings;
import dev.converge.testkit.KubeObjects;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CustomResourceDefinitions: a CRD becomes Established and its kind is served with the declared scope, plural
 * and status subresource; custom resources are stored, listed and owned like built-in objects; server-side
 * apply merges their lists as the CRD schema's {@code x-kubernetes-list-type} says; an object written at another
 * served version is the same object, read back at the kind's most preferred version, and a write at a
 * deprecated version passes the server's warning to the caller ({@link ServerWarnings}); the CRD's CEL validation
 * rules refuse what they refuse, and a failure on a value the write leaves unchanged is only a warning (validation
 * ratcheting); a conversion webhook nothing answers fails reads at another version with 500; deleting the CRD
 * removes its objects and stops serving the kind ({@code NotFound} afterwards).
 */
public interface CustomResourceContract extends ContractSupport {

  private GroupKind gadgetKind() {
    return GroupKind.of(ns() + ".converge.dev", "Gadget");
  }

  @Test
  default void crd_becomesEstablished_andServesItsKind() {
    requires(Capability.CUSTOM_RESOURCES);
    serveGadgets();
    Resource crd = live(ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition", "gadgets." + ns() + ".converge.dev"));
    assertThat(ReadyGates.crdEstablished().check(crd, backend()::get).isReady()).as("Established").isTrue();
    ResourceType type = backend().types().find(gadgetKind()).orElseThrow();
    assertThat(type.plural()).isEqualTo("gadgets");
    assertThat(type.namespaced()).isTrue();
    assertThat(type.statusSubresource()).isTrue();
    assertThat(type.version()).isEqualTo("v1");
  }

  @Test
  default void customResources_areStoredAndListed_likeBuiltInObjects() {
    requires(Capability.CUSTOM_RESOURCES);
    String apiVersion = serveGadgets();
    Resource one = put(gadget(apiVersion, "one", 1));
    Resource two = put(gadget(apiVersion, "two", 2));
    assertThat(one.uid()).isNotEmpty();
    assertThat(one.generation()).isEqualTo(1);
    assertThat(live(one.key()).spec().path("size").asInt()).isEqualTo(1);
    assertThat(backend().list(ListRequest.all(gadgetKind()).inNamespace(ns())).items()).containsExactly(one, two);
  }

  @Test
  default void deletingTheCrd_removesItsObjects_andStopsServingTheKind() {
    requires(Capability.CUSTOM_RESOURCES);
    String apiVersion = serveGadgets();
    Resource one = put(gadget(apiVersion, "one", 1));
    ResourceKey crd = ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition", "gadgets." + ns() + ".converge.dev");
    backend().delete(crd, DeleteOptions.background());
    eventually("the CRD gone", () -> !exists(crd));
    eventually("kind " + gadgetKind() + " no longer served", () -> backend().types().find(gadgetKind()).isEmpty());
    failure(BackendException.NotFound.class, () -> backend().get(one.key()));
  }

  @Test
  default void apply_mergesCustomResourceLists_asTheirSchemaMarksThem() {
    requires(Capability.CUSTOM_RESOURCES);
    requires(Capability.SERVER_SIDE_APPLY);
    String group = ns() + ".converge.dev";
    Resource crd = KubeObjects.customResourceDefinition(group, "v1", "Route", "routes", true).edit(tree -> {
      ObjectNode spec = (ObjectNode) Json.parse("""
          {"type":"object","properties":{
            "backends":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer"}}}},
            "hosts":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
            "owners":{"type":"array","items":{"type":"string"}}}}""");
      ObjectNode schema = (ObjectNode) tree.at("/spec/versions/0/schema/openAPIV3Schema");
      schema.remove("x-kubernetes-preserve-unknown-fields");
      schema.putObject("properties").set("spec", spec);
    });
    put(crd);
    GroupKind kind = GroupKind.of(group, "Route");
    eventually("kind " + kind + " served", () -> backend().types().find(kind).isPresent());
    backend().apply(route(group, """
        {"backends":[{"name":"web","port":80}],"hosts":["a.example.com"],"owners":["alice"]}"""), ApplyOptions.manager("alice"));
    Resource both = backend().apply(route(group, """
        {"backends":[{"name":"metrics","port":9090}],"hosts":["b.example.com"]}"""), ApplyOptions.manager("bob"));
    assertThat(both.spec().path("backends").toString()).as("a map list merges by key")
        .isEqualTo("[{\"name\":\"web\",\"port\":80},{\"name\":\"metrics\",\"port\":9090}]");
    assertThat(both.spec().path("hosts").toString()).as("a set merges by value").isEqualTo("[\"a.example.com\",\"b.example.com\"]");
    BackendException.Conflict conflict = failure(BackendException.Conflict.class, () -> backend().apply(route(group, """
        {"owners":["bob"]}"""), ApplyOptions.manager("bob")));
    assertThat(conflict.fieldConflicts()).as("an unmarked list is atomic: alice owns it whole").containsExactly("alice: .spec.owners");
    Resource withdrawn = backend().apply(route(group, "{}"), ApplyOptions.manager("bob"));
    assertThat(withdrawn.spec().path("backends").toString()).as("bob's withdrawn item goes, alice's stays")
        .isEqualTo("[{\"name\":\"web\",\"port\":80}]");
  }

  @Test
  default void aCustomResourceWrittenAtAnotherServedVersion_isOneObject_readAtTheKindsVersion_andDeprecationsWarn() {
    requires(Capability.CUSTOM_RESOURCES);
    requires(Capability.SERVER_SIDE_APPLY);
    String group = ns() + ".converge.dev";
    // Mid-migration: still stored as v1alpha1, which is deprecated, and already served as v1 too.
    put(KubeObjects.customResourceDefinition(group, "v1alpha1", "Gizmo", "gizmos", true).edit(tree -> {
      ArrayNode versions = tree.withObjectProperty("spec").withArray("versions");
      ObjectNode newer = versions.get(0).deepCopy();
      newer.put("name", "v1").put("storage", false);
      versions.add(newer);
      ((ObjectNode) versions.get(0)).put("deprecated", true);
    }));
    GroupKind kind = GroupKind.of(group, "Gizmo");
    eventually("kind " + kind + " served", () -> backend().types().find(kind).isPresent());
    assertThat(backend().types().find(kind).orElseThrow().version()).as("the most preferred version, not the storage one")
        .isEqualTo("v1");

    List<String> warnings = new ArrayList<>();
    Resource written = ServerWarnings.collect(warnings::add,
        () -> backend().apply(gizmo(group, "v1alpha1", 1), ApplyOptions.manager("alice")));
    assertThat(written.apiVersion()).as("answered in the version written").isEqualTo(group + "/v1alpha1");
    assertThat(warnings).as("the server's warning, passed to the caller")
        .containsExactly(group + "/v1alpha1 Gizmo is deprecated; use " + group + "/v1 Gizmo");
    Resource read = live(written.key());
    assertThat(read.apiVersion()).isEqualTo(group + "/v1");
    assertThat(read.uid()).isEqualTo(written.uid());
    assertThat(read.spec().path("size").asInt()).isEqualTo(1);

    Resource rewritten = ServerWarnings.collect(warnings::add,
        () -> backend().apply(gizmo(group, "v1", 2), ApplyOptions.manager("alice")));
    assertThat(rewritten.apiVersion()).isEqualTo(group + "/v1");
    assertThat(warnings).as("v1 is not deprecated").hasSize(1);
    assertThat(backend().list(ListRequest.all(kind).inNamespace(ns())).items()).singleElement()
        .satisfies(only -> assertThat(only.spec().path("size").asInt()).isEqualTo(2));
  }

  /**
   * A CRD whose conversion webhook nothing answers (a URL nothing listens on): an object written in the storage
   * version is stored and read there, but reading it at the kind's most preferred version, another one, fails with
   * kube-apiserver's 500 (kubernetes/kubernetes#109603); with the {@code None} strategy back, it reads again.
   */
  @Test
  default void aConversionWebhookNothingAnswers_failsReadsAtAnotherVersion_with500() {
    requires(Capability.CUSTOM_RESOURCES);
    requires(Capability.CONVERSION_WEBHOOKS);
    requires(Capability.SERVER_SIDE_APPLY);
    String group = ns() + ".converge.dev";
    Resource crd = KubeObjects.customResourceDefinition(group, "v1alpha1", "Dial", "dials", true).edit(tree -> {
      ObjectNode spec = tree.withObjectProperty("spec");
      ArrayNode versions = spec.withArray("versions");
      ObjectNode newer = versions.get(0).deepCopy();
      newer.put("name", "v1").put("storage", false);
      versions.add(newer);
      spec.set("conversion", Json.parse("""
          {"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],
           "clientConfig":{"url":"https://127.0.0.1:1/convert"}}}"""));
    });
    put(crd);
    GroupKind kind = GroupKind.of(group, "Dial");
    eventually("kind " + kind + " served", () -> backend().types().find(kind).isPresent());
    Resource written = backend().apply(KubeObjects.customResource(group + "/v1alpha1", "Dial", ns(), "d",
        Json.object().put("size", 1)), ApplyOptions.manager("alice"));
    assertThat(written.apiVersion()).as("in the storage version: nothing to convert").isEqualTo(group + "/v1alpha1");

    BackendException.Unavailable failed = failure(BackendException.Unavailable.class, () -> backend().get(written.key()));
    assertThat(failed.code()).isEqualTo(500);
    assertThat(failed.getMessage()).contains("conversion webhook for " + group + "/v1alpha1, Kind=Dial failed: Post "
        + "\"https://127.0.0.1:1/convert?timeout=30s\": dial tcp 127.0.0.1:1");

    put(crd.edit(tree -> tree.withObjectProperty("spec").set("conversion", Json.parse("{\"strategy\":\"None\"}"))));
    eventually("read at v1 with the None strategy", () -> backend().get(written.key())
        .map(read -> read.apiVersion().equals(group + "/v1") && read.spec().path("size").asInt() == 1).orElse(false));
  }

  @Test
  default void validationRules_refuseWhatTheyRefuse_andAFailureOnAnUnchangedValueOnlyWarns() {
    requires(Capability.CUSTOM_RESOURCES);
    requires(Capability.VALIDATION);
    requires(Capability.SERVER_SIDE_APPLY);
    String group = ns() + ".converge.dev";
    Resource crd = quotaCrd(group, "{\"rule\":\"self.min <= self.max\",\"message\":\"min must not exceed max\"}");
    put(crd);
    GroupKind kind = GroupKind.of(group, "Quota");
    eventually("kind " + kind + " served", () -> backend().types().find(kind).isPresent());
    backend().apply(quota(group, 1, 2, "a"), ApplyOptions.manager("alice"));
    BackendException.Invalid refused = failure(BackendException.Invalid.class,
        () -> backend().apply(quota(group, 3, 2, "a"), ApplyOptions.manager("alice")));
    assertThat(refused.causes()).containsExactly("spec: Invalid value: \"object\": min must not exceed max");

    // A tighter rule, which the stored object breaks: an update that leaves spec alone is a warning, not an error.
    put(quotaCrd(group, "{\"rule\":\"self.max <= 1\",\"message\":\"max is at most 1\"}"));
    List<String> warnings = new ArrayList<>();
    eventually("the tighter rule in force", () -> {
      warnings.clear();
      Resource relabelled = ServerWarnings.collect(warnings::add,
          () -> backend().apply(quota(group, 1, 2, "b"), ApplyOptions.manager("alice")));
      return relabelled.labels().get("tier").equals("b") && !warnings.isEmpty();
    });
    assertThat(warnings).containsExactly("spec: Invalid value: \"object\": max is at most 1");
    BackendException.Invalid changed = failure(BackendException.Invalid.class,
        () -> backend().apply(quota(group, 1, 3, "b"), ApplyOptions.manager("alice")));
    assertThat(changed.causes()).containsExactly("spec: Invalid value: \"object\": max is at most 1");
  }

  private Resource quotaCrd(String group, String rule) {
    return KubeObjects.customResourceDefinition(group, "v1", "Quota", "quotas", true).edit(tree -> {
      ObjectNode schema = (ObjectNode) tree.at("/spec/versions/0/schema/openAPIV3Schema");
      schema.remove("x-kubernetes-preserve-unknown-fields");
      schema.putObject("properties").set("spec", Json.parse("""
          {"type":"object","x-kubernetes-validations":[%s],
           "properties":{"min":{"type":"integer"},"max":{"type":"integer"}}}""".formatted(rule)));
    });
  }

  private Resource quota(String group, int min, int max, String tier) {
    return KubeObjects.customResource(group + "/v1", "Quota", ns(), "q", Json.object().put("min", min).put("max", max))
        .withLabel("tier", tier);
  }

  private Resource gizmo(String group, String version, int size) {
    return KubeObjects.customResource(group + "/" + version, "Gizmo", ns(), "g", Json.object().put("size", size));
  }

  private Resource route(String group, String spec) {
    return KubeObjects.customResource(group + "/v1", "Route", ns(), "r", (ObjectNode) Json.parse(spec));
  }
}
