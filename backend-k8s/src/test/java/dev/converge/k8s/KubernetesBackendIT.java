package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KubernetesBackend} against fabric8's CRUD mock server over loopback HTTP: discovery of a CRD created
 * through the backend, apply by the update fallback (the mock has no server-side apply), get and list with
 * labels, optimistic concurrency, the status subresource, deletes. Each test gets a fresh server.
 */
class KubernetesBackendIT {
  private Fabric8CrudServer server;
  private SimpleMeterRegistry registry;
  private KubernetesBackend backend;

  @BeforeEach
  void start() {
    server = new Fabric8CrudServer();
    registry = new SimpleMeterRegistry();
    backend = new KubernetesBackend(server.client(), KubernetesBackendOptions.defaults().withFieldManager("it"), registry);
  }

  @AfterEach
  void stop() {
    backend.close();
    server.close();
  }

  static Resource configMap(String name, String value, String... labels) {
    StringBuilder labelJson = new StringBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      labelJson.append(i == 0 ? "" : ",").append('"').append(labels[i]).append("\":\"").append(labels[i + 1]).append('"');
    }
    return Resource.of(Wire.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"ns\",\"labels\":{" + labelJson + "}},\"data\":{\"value\":\"" + value + "\"}}"));
  }

  static final String WIDGET_CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"widgets.example.com"},
       "spec":{"group":"example.com","scope":"Namespaced",
         "names":{"kind":"Widget","plural":"widgets","singular":"widget","shortNames":["wd"]},
         "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
           "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}""";

  static Resource widget(String name, int size) {
    return Resource.of(Wire.parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"ns\"},\"spec\":{\"size\":" + size + "}}"));
  }

  private double count(String name, String... tags) {
    var search = registry.find(name).tags(tags);
    return search.counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void discovery_servesACustomKindOnceItsCrdIsAppliedThroughTheBackend() {
    GroupKind widgetKind = GroupKind.of("example.com", "Widget");
    assertThat(backend.types().find(GroupKind.of("apps", "Deployment"))).isPresent();
    assertThat(backend.types().find(widgetKind)).isEmpty();

    backend.apply(Resource.of(Wire.parse(WIDGET_CRD)), ApplyOptions.defaults());

    ResourceType widgets = backend.types().find(widgetKind).orElseThrow();
    assertThat(widgets.plural()).isEqualTo("widgets");
    assertThat(widgets.version()).isEqualTo("v1");
    assertThat(widgets.namespaced()).isTrue();
    assertThat(widgets.statusSubresource()).isTrue();
    assertThat(widgets.shortNames()).containsExactly("wd");
    // A fresh discovery finds it too, from the server's CRDs (the mock serves no group list).
    assertThat(backend.refreshTypes().find(widgetKind)).contains(widgets);
  }

  @Test
  void apply_createsThroughTheUpdateFallback_andRemembersTheServerHasNoApply() {
    Resource stored = backend.apply(configMap("a", "1"), ApplyOptions.defaults());

    assertThat(stored.uid()).isNotEmpty();
    assertThat(stored.resourceVersion()).isNotEmpty();
    assertThat(stored.json().path("data").path("value").asText()).isEqualTo("1");
    assertThat(backend.usesApplyFallback()).isTrue();

    Resource changed = backend.apply(configMap("a", "2"), ApplyOptions.defaults());
    assertThat(changed.json().path("data").path("value").asText()).isEqualTo("2");
    assertThat(changed.uid()).isEqualTo(stored.uid());
    assertThat(Long.parseLong(changed.resourceVersion())).isGreaterThan(Long.parseLong(stored.resourceVersion()));

    Resource unchanged = backend.apply(configMap("a", "2"), ApplyOptions.defaults());
    assertThat(unchanged.resourceVersion()).isEqualTo(changed.resourceVersion());

    assertThat(count(BackendMetrics.REQUESTS, "verb", "apply")).isEqualTo(1.0); // probed once, never again
    assertThat(count(BackendMetrics.APPLY_FALLBACKS, "kind", "ConfigMap")).isEqualTo(3.0);
    assertThat(count(BackendMetrics.REQUESTS, "verb", "create", "outcome", "success")).isEqualTo(1.0);
    assertThat(count(BackendMetrics.REQUESTS, "verb", "update", "outcome", "success")).isEqualTo(1.0); // the no-op wrote nothing
  }

  @Test
  void applyFallback_keepsFieldsOtherWritersSet() {
    Resource first = backend.apply(configMap("a", "1", "app", "web"), ApplyOptions.defaults());
    backend.update(first.withLabel("team", "blue"));

    Resource after = backend.apply(configMap("a", "2", "app", "web"), ApplyOptions.defaults());

    assertThat(after.labels()).containsEntry("app", "web").containsEntry("team", "blue");
  }

  @Test
  void getAndList_withLabelSelector() {
    backend.apply(configMap("a", "1", "app", "web"), ApplyOptions.defaults());
    backend.apply(configMap("b", "2", "app", "db"), ApplyOptions.defaults());
    backend.apply(configMap("c", "3", "app", "web", "tier", "front"), ApplyOptions.defaults());

    var web = backend.list(ListRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("ns")
        .withLabels(LabelSelector.equal("app", "web")));
    assertThat(web.items()).extracting(Resource::name).containsExactly("a", "c");
    assertThat(web.resourceVersion()).isNotEmpty();
    assertThat(web.continueToken()).isNull();

    assertThat(backend.get(ResourceKey.parse("ConfigMap/ns/b")).map(r -> r.json().path("data").path("value").asText()))
        .contains("2");
    assertThat(backend.get(ResourceKey.parse("ConfigMap/ns/missing"))).isEmpty();
  }

  @Test
  void get_ofAKindNotServed_isNotFound() {
    assertThatThrownBy(() -> backend.get(ResourceKey.parse("example.com/Gadget/ns/x")))
        .isInstanceOf(BackendException.NotFound.class)
        .hasMessageContaining("example.com/Gadget");
  }

  @Test
  void update_withAStaleResourceVersion_isConflict() {
    Resource read = backend.apply(configMap("a", "1"), ApplyOptions.defaults());
    backend.update(read.edit(tree -> tree.withObjectProperty("data").put("value", "theirs")));

    assertThatThrownBy(() -> backend.update(read.edit(tree -> tree.withObjectProperty("data").put("value", "mine"))))
        .isInstanceOf(BackendException.Conflict.class)
        .satisfies(e -> assertThat(((BackendException) e).isRetryable()).isTrue());
    assertThat(backend.get(read.key()).orElseThrow().json().path("data").path("value").asText()).isEqualTo("theirs");
  }

  @Test
  void create_twice_isAlreadyExists() {
    backend.create(configMap("a", "1"));

    assertThatThrownBy(() -> backend.create(configMap("a", "1"))).isInstanceOf(BackendException.AlreadyExists.class);
  }

  @Test
  void updateStatus_writesThroughTheSubresource_andUpdateLeavesStatusAlone() {
    backend.apply(Resource.of(Wire.parse(WIDGET_CRD)), ApplyOptions.defaults());
    Resource created = backend.apply(widget("w", 1), ApplyOptions.defaults());

    Resource withStatus = backend.updateStatus(created.edit(tree -> tree.putObject("status").put("ready", true)));
    assertThat(withStatus.status().path("ready").asBoolean()).isTrue();

    Resource respec = backend.update(withStatus.edit(tree -> {
      tree.withObjectProperty("spec").put("size", 2);
      tree.putObject("status").put("ready", false);
    }));
    assertThat(respec.spec().path("size").asInt()).isEqualTo(2);
    assertThat(respec.status().path("ready").asBoolean()).isTrue();
    assertThat(respec.generation()).isEqualTo(2);
  }

  @Test
  void delete_returnsWhetherTheObjectExisted() {
    backend.apply(configMap("a", "1"), ApplyOptions.defaults());
    ResourceKey key = ResourceKey.parse("ConfigMap/ns/a");

    assertThat(backend.delete(key, DeleteOptions.of(Propagation.FOREGROUND))).isTrue();
    assertThat(backend.get(key)).isEmpty();
    assertThat(backend.delete(key, DeleteOptions.background())).isFalse();
  }

  @Test
  void delete_ofAnObjectWithFinalizers_onlyMarksIt() {
    Resource withFinalizer = configMap("a", "1").edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("example.com/hold"));
    backend.apply(withFinalizer, ApplyOptions.defaults());

    assertThat(backend.delete(withFinalizer.key(), DeleteOptions.background())).isTrue();

    Optional<Resource> marked = backend.get(withFinalizer.key());
    assertThat(marked).isPresent();
    assertThat(marked.get().isBeingDeleted()).isTrue();
  }

  @Test
  void scopeMismatch_isInvalid() {
    Resource noNamespace = Resource.of(Wire.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}"));

    assertThatThrownBy(() -> backend.apply(noNamespace, ApplyOptions.defaults()))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("namespaced");
  }

  @Test
  void requests_areCountedByVerbKindAndOutcome() {
    backend.get(ResourceKey.parse("ConfigMap/ns/missing"));

    assertThat(count(BackendMetrics.REQUESTS, "verb", "get", "kind", "ConfigMap", "outcome", "not_found")).isEqualTo(1.0);
    assertThat(registry.find(BackendMetrics.DURATION).tags("verb", "get", "kind", "ConfigMap").timer().count()).isEqualTo(1);
  }
}
