package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.AdmissionRequest;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admission chain: mutating plugins in order (each sees the previous result, defaults re-applied after
 * them), then validating plugins on the final object; denials are 403 with the webhook message; warnings
 * reach the caller; a plugin can be active conditionally; deletes are validated.
 */
class AdmissionTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 13);
  private final ApiServer server = cluster.server();
  private final List<String> transcript = new ArrayList<>();

  private AdmissionPlugin.Mutating labeller(String name, String value) {
    return AdmissionPlugin.mutating(name, request -> {
      transcript.add(name + " saw " + request.object().labels().getOrDefault("step", "-"));
      return Verdict.patch(request.object().withLabel("step", value));
    });
  }

  private AdmissionPlugin.Validating validator(String name, boolean allow) {
    return AdmissionPlugin.validating(name, request -> {
      Resource object = request.operation() == Operation.DELETE ? request.oldObject() : request.object();
      transcript.add(name + " saw " + request.operation() + " " + object.labels().getOrDefault("step", "-"));
      return allow ? Verdict.allow().withWarning(name + " looked") : Verdict.deny("no " + object.name() + " today");
    });
  }

  @Test
  void mutatingPluginsRunInOrder_thenValidatingPluginsSeeTheFinalObject() {
    server.admission().register(validator("check.example.com", true));
    server.admission().register(labeller("first.example.com", "1"));
    server.admission().register(labeller("second.example.com", "2"));
    List<String> warnings = new ArrayList<>();
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"), WriteOptions.defaults().withWarnings(warnings::add));
    assertThat(transcript).containsExactly("first.example.com saw -", "second.example.com saw 1", "check.example.com saw CREATE 2");
    assertThat(created.labels()).containsEntry("step", "2");
    assertThat(warnings).containsExactly("check.example.com looked");
    assertThat(cluster.requests().records().get(cluster.requests().records().size() - 1).warnings())
        .containsExactly("check.example.com looked");
  }

  @Test
  void denial_isForbiddenWithTheWebhookMessage_andNothingIsStored() {
    server.admission().register(validator("policy.example.com", false));
    long revision = server.revision();
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "c", "1")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("admission webhook \"policy.example.com\" denied the request: no c today");
    assertThat(server.revision()).isEqualTo(revision);
  }

  @Test
  void mutationsAreDefaulted_likeWebhookPatchesAre() {
    server.admission().register(AdmissionPlugin.mutating("sidecar.example.com", request ->
        Verdict.patch(request.object().edit(t ->
            t.with("spec").withArray("containers").addObject().put("name", "sidecar").put("image", "agent:latest")))));
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));
    assertThat(pod.spec().path("containers").get(1).path("imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(pod.spec().path("containers").get(1).path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
  }

  @Test
  void conditionalPlugin_onlyActsWhenItHandlesTheRequest() {
    server.admission().register(new AdmissionPlugin.Mutating() {
      @Override
      public String name() {
        return "labelled-only.example.com";
      }

      @Override
      public boolean handles(AdmissionRequest request) {
        return request.kind().kind().equals("Pod") && "true".equals(request.object().labels().get("inject"));
      }

      @Override
      public Verdict mutate(AdmissionRequest request) {
        return Verdict.patch(request.object().withAnnotation("injected", "yes"));
      }
    });
    Resource plain = server.create(ADMIN, Fixtures.pod("default", "plain", ""));
    Resource marked = server.create(ADMIN, Fixtures.pod("default", "marked", "").withLabel("inject", "true"));
    assertThat(plain.annotations()).doesNotContainKey("injected");
    assertThat(marked.annotations()).containsEntry("injected", "yes");
  }

  @Test
  void deletes_areValidated() {
    Resource cm = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    server.admission().register(validator("no-deletes.example.com", false));
    assertThatThrownBy(() -> server.delete(ADMIN, cm.key(), DeleteParams.defaults()))
        .isInstanceOf(BackendException.Forbidden.class);
    assertThat(transcript).containsExactly("no-deletes.example.com saw DELETE -");
    assertThat(server.admission().unregister("no-deletes.example.com")).isTrue();
    assertThat(server.delete(ADMIN, cm.key(), DeleteParams.defaults()).deleted()).isTrue();
  }
}
