package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the fabric8 mock cannot show, against a scripted loopback server speaking the Kubernetes wire format:
 * the server-side apply request and its success path, apply field conflicts, a 404 Status on apply that is a
 * real NotFound (no fallback), 429 with Retry-After, delete options on the wire, discovery documents, and an
 * HTTP-stream watch with a bookmark and a 410 ERROR event.
 */
class ScriptedServerIT {
  private static final String DISCOVERY_CORE = """
      {"kind":"APIResourceList","groupVersion":"v1","resources":[
        {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list","create","update","patch","delete","watch"],"shortNames":["cm"]},
        {"name":"pods","namespaced":true,"kind":"Pod","verbs":["get","list"]},{"name":"pods/status","namespaced":true,"kind":"Pod","verbs":["get"]}]}""";
  private static final String DISCOVERY_APPS = """
      {"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
        {"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["get","list"]},
        {"name":"deployments/status","namespaced":true,"kind":"Deployment","verbs":["get"]}]}""";
  private static final String CM_STORED = """
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","uid":"u-1","resourceVersion":"17",
       "managedFields":[{"manager":"op","operation":"Apply"}]},"data":{"value":"1"}}""";

  private ScriptedApiServer server;
  private SimpleMeterRegistry registry;
  private KubernetesBackend backend;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedApiServer()
        .on("GET", "/api", ScriptedApiServer.Reply.json(200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}"))
        .on("GET", "/api/v1", ScriptedApiServer.Reply.json(200, DISCOVERY_CORE))
        .on("GET", "/apis", ScriptedApiServer.Reply.json(200, "{\"kind\":\"APIGroupList\",\"groups\":["
            + "{\"name\":\"apps\",\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
            + "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}},"
            + "{\"name\":\"metrics.k8s.io\",\"versions\":[{\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}],"
            + "\"preferredVersion\":{\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}}]}"))
        .on("GET", "/apis/apps/v1", ScriptedApiServer.Reply.json(200, DISCOVERY_APPS))
        .on("GET", "/apis/metrics.k8s.io/v1beta1", ScriptedApiServer.Reply.json(503, "{\"kind\":\"Status\",\"code\":503,\"message\":\"service unavailable\"}"))
        .on("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            ScriptedApiServer.Reply.json(200, "{\"kind\":\"CustomResourceDefinitionList\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}"));
    registry = new SimpleMeterRegistry();
    backend = new KubernetesBackend(server.client(), KubernetesBackendOptions.defaults().withFieldManager("op"), registry);
  }

  @AfterEach
  void stop() {
    backend.close();
    server.close();
  }

  private List<ScriptedApiServer.Received> requestsTo(String pathPrefix) {
    return server.received().stream().filter(r -> r.uri().startsWith(pathPrefix)).toList();
  }

  @Test
  void discovery_readsStatusSubresources_andSkipsAnUnavailableAggregatedGroup() {
    ResourceType pods = backend.types().find(GroupKind.of("", "Pod")).orElseThrow();
    ResourceType configMaps = backend.types().find(GroupKind.of("", "ConfigMap")).orElseThrow();

    assertThat(pods.statusSubresource()).isTrue();
    assertThat(configMaps.statusSubresource()).isFalse();
    assertThat(configMaps.shortNames()).containsExactly("cm");
    assertThat(backend.types().find(GroupKind.of("apps", "Deployment")).orElseThrow().statusSubresource()).isTrue();
  }

  @Test
  void apply_isOneServerSideApplyPatch_withManagerForce_andNoServerFields() {
    server.on("PATCH", "/api/v1/namespaces/ns/configmaps/a", ScriptedApiServer.Reply.json(200, CM_STORED));
    Resource desired = Resource.of(Wire.parse(CM_STORED));

    Resource stored = backend.apply(desired, ApplyOptions.defaults());

    assertThat(stored.resourceVersion()).isEqualTo("17");
    assertThat(backend.usesApplyFallback()).isFalse();
    List<ScriptedApiServer.Received> patches = requestsTo("/api/v1/namespaces/ns/configmaps/a");
    assertThat(patches).hasSize(1);
    assertThat(patches.get(0).method()).isEqualTo("PATCH");
    assertThat(patches.get(0).uri()).isEqualTo("/api/v1/namespaces/ns/configmaps/a?fieldManager=op&force=true");
    assertThat(patches.get(0).contentType()).startsWith("application/apply-patch+yaml");
    assertThat(patches.get(0).body()).isEqualTo(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},\"data\":{\"value\":\"1\"}}");
  }

  @Test
  void apply_conflict_namesTheOtherManagersFields_andIsNotRetried() {
    server.on("PATCH", "/api/v1/namespaces/ns/configmaps/a", ScriptedApiServer.Reply.json(409, """
        {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,
         "message":"Apply failed with 1 conflict: conflict with \\"kubectl-edit\\": .data.value",
         "details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \\"kubectl-edit\\" using v1","field":".data.value"}]}}"""));

    assertThatThrownBy(() -> backend.apply(Resource.of(Wire.parse(CM_STORED)), ApplyOptions.manager("op")))
        .isInstanceOfSatisfying(BackendException.Conflict.class,
            e -> assertThat(e.fieldConflicts()).containsExactly("kubectl-edit: .data.value"));
    assertThat(server.received().stream().filter(r -> r.method().equals("PATCH")).toList())
        .singleElement().satisfies(r -> assertThat(r.uri()).endsWith("fieldManager=op&force=false"));
    assertThat(backend.usesApplyFallback()).isFalse();
  }

  @Test
  void apply_404WithAStatus_isNotFound_notTheFallback() {
    server.on("PATCH", "/api/v1/namespaces/gone/configmaps/a", ScriptedApiServer.Reply.json(404,
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
            + "\"message\":\"namespaces \\\"gone\\\" not found\"}"));
    Resource inMissingNamespace = Resource.of(Wire.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"gone\"}}"));

    assertThatThrownBy(() -> backend.apply(inMissingNamespace, ApplyOptions.defaults()))
        .isInstanceOf(BackendException.NotFound.class)
        .hasMessageContaining("namespaces \"gone\" not found");
    assertThat(backend.usesApplyFallback()).isFalse();
  }

  @Test
  void tooManyRequests_isUnavailableWithTheServersRetryAfter() {
    server.on("GET", "/api/v1/namespaces/ns/configmaps/a", new ScriptedApiServer.Reply(429,
        Map.of("Retry-After", "7", "Content-Type", "application/json"),
        List.of("{\"kind\":\"Status\",\"code\":429,\"reason\":\"TooManyRequests\",\"message\":\"too many requests\"}")));

    assertThatThrownBy(() -> backend.get(ResourceKey.parse("ConfigMap/ns/a")))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> {
          assertThat(e.code()).isEqualTo(429);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
  }

  @Test
  void delete_sendsPropagationPolicyAndPreconditions() {
    server.on("DELETE", "/api/v1/namespaces/ns/configmaps/a", ScriptedApiServer.Reply.json(200,
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}"));

    boolean existed = backend.delete(ResourceKey.parse("ConfigMap/ns/a"),
        new DeleteOptions(Propagation.ORPHAN, "u-1", "17"));

    assertThat(existed).isTrue();
    assertThat(requestsTo("/api/v1/namespaces/ns/configmaps/a")).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo(
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Orphan\","
            + "\"preconditions\":{\"uid\":\"u-1\",\"resourceVersion\":\"17\"}}"));
  }

  @Test
  void httpStreamWatch_deliversBookmarksAskedFor_andEndsWithGoneOn410() throws Exception {
    server.on("GET", "/api/v1/namespaces/ns/configmaps", ScriptedApiServer.Reply.stream(
        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"20\"}}}",
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"resourceVersion\":\"21\"}}}",
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":410,"
            + "\"reason\":\"Expired\",\"message\":\"too old resource version: 5 (20)\"}}"));
    RecordingListener listener = new RecordingListener();

    backend.watch(WatchRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("ns").from("5").withBookmarks(), listener);
    BackendException closedWith = listener.closed.get(10, TimeUnit.SECONDS);

    assertThat(closedWith).isInstanceOf(BackendException.Gone.class).hasMessageContaining("too old resource version");
    assertThat(listener.tokens()).containsExactly("BOOKMARK ConfigMap/" + ResumingWatch.BOOKMARK_NAME, "ADDED ConfigMap/ns/a");
    WatchEvent bookmark = listener.events().get(0);
    assertThat(bookmark.object().resourceVersion()).isEqualTo("20");
    assertThat(requestsTo("/api/v1/namespaces/ns/configmaps")).singleElement().satisfies(r -> assertThat(r.uri())
        .isEqualTo("/api/v1/namespaces/ns/configmaps?resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=300&watch=true"));
  }

  @Test
  void httpStreamWatch_resumesFromTheLastVersionWhenTheServerEndsIt() throws Exception {
    server.on("GET", "/api/v1/namespaces/ns/configmaps", ScriptedApiServer.Reply.stream(
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"resourceVersion\":\"21\"}}}",
        "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"resourceVersion\":\"22\"}}}"));
    RecordingListener listener = new RecordingListener();

    var watch = backend.watch(WatchRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("ns"), listener);
    listener.awaitTokens(t -> t.size() >= 4, Duration.ofSeconds(10));
    watch.close();

    List<String> uris = requestsTo("/api/v1/namespaces/ns/configmaps").stream().map(ScriptedApiServer.Received::uri).toList();
    assertThat(uris.get(0)).isEqualTo("/api/v1/namespaces/ns/configmaps?timeoutSeconds=300&watch=true");
    assertThat(uris.get(1)).isEqualTo("/api/v1/namespaces/ns/configmaps?resourceVersion=22&timeoutSeconds=300&watch=true");
    assertThat(registry.get(BackendMetrics.WATCH_RESTARTS).tag("kind", "ConfigMap").counter().count()).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void watch_returnsOnceTheServerHasAcceptedIt() throws Exception {
    server.on("GET", "/api/v1/namespaces/ns/configmaps", ScriptedApiServer.Reply.stream(
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"resourceVersion\":\"21\"}}}",
        "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"resourceVersion\":\"22\"}}}"));
    RecordingListener listener = new RecordingListener();

    var watch = backend.watch(WatchRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("ns"), listener);
    // No waiting here: the server recorded the request before it answered the headers, and watch() waited for
    // them, as kube-apiserver registers the watcher before it answers; a change made now reaches the watch.
    List<ScriptedApiServer.Received> seen = requestsTo("/api/v1/namespaces/ns/configmaps");
    watch.close();

    assertThat(seen).isNotEmpty();
    assertThat(seen.get(0).uri()).isEqualTo("/api/v1/namespaces/ns/configmaps?timeoutSeconds=300&watch=true");
  }
}
