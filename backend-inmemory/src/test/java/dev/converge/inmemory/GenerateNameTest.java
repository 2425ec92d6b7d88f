package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Objects named by the server from {@code metadata.generateName}, as kube-apiserver 1.32 names them: the prefix
 * and five random characters, drawn again when the name is taken, up to 8 attempts ({@code RetryGenerateName}).
 */
class GenerateNameTest {
  private static final long SEED = 11;

  private static JsonNode generated(String prefix) {
    return Json.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"%s","namespace":"default"},
         "data":{"key":"value"}}""".formatted(prefix));
  }

  private static Resource post(ApiServer server, JsonNode object) {
    return server.post(ADMIN, object, WriteOptions.defaults());
  }

  @Test
  void theServerNamesTheObject_andRecordsOneCreateUnderThatName() {
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), SEED);
    Resource created = post(cluster.server(), generated("web-"));

    assertThat(created.name()).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(created.metadata().path("generateName").asText()).isEqualTo("web-");
    assertThat(created.metadata().fieldNames().next()).isEqualTo("name");
    RequestRecord record = cluster.requests().records().get(cluster.requests().records().size() - 1);
    assertThat(List.of(record.verb(), record.resource(), record.name(), Integer.toString(record.code())))
        .containsExactly("create", "configmaps", created.name(), "201");
    assertThat(cluster.server().get(ADMIN, created.key()).uid()).isEqualTo(created.uid());
  }

  @Test
  void aLongPrefix_isCutTo58Characters() {
    String prefix = "a".repeat(70);
    Resource created = post(InMemoryCluster.create(new TestTicker(), SEED).server(), generated(prefix));
    assertThat(created.name()).hasSize(63).startsWith("a".repeat(58));
    assertThat(created.metadata().path("generateName").asText()).isEqualTo(prefix);
  }

  @Test
  void aTakenName_isDrawnAgain_upToEightAttemptsInAll() {
    // Every create draws its uid from the generator that draws names, after the name. A cluster that creates
    // eight named ConfigMaps and then posts one draws the same first name whatever the eight are called, so the
    // names taken below are found one run at a time: run k takes the k names the earlier runs drew.
    List<String> drawn = new ArrayList<>();
    for (int taken = 0; taken <= 8; taken++) {
      InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), SEED);
      ApiServer server = cluster.server();
      for (int i = 0; i < 8; i++) {
        server.create(ADMIN, Fixtures.configMap("default", i < taken ? drawn.get(i) : "placeholder-" + i, "x"));
      }
      cluster.requests().clear();
      if (taken < 8) {
        Resource created = post(server, generated("web-"));
        assertThat(drawn).doesNotContain(created.name());
        drawn.add(created.name());
        assertThat(cluster.requests().records()).singleElement()
            .satisfies(r -> assertThat(r.code()).isEqualTo(201))
            .satisfies(r -> assertThat(r.name()).isEqualTo(created.name()));
      } else {
        // The eighth name taken: the last attempt's 409 answers, and it is still one request.
        assertThatThrownBy(() -> post(server, generated("web-")))
            .isInstanceOf(BackendException.AlreadyExists.class)
            .hasMessage("configmaps \"" + drawn.get(7) + "\" already exists, the server was not able to generate a unique"
                + " name for the object")
            .satisfies(e -> assertThat(((BackendException.AlreadyExists) e).retryAfter()).hasSeconds(1));
        assertThat(cluster.requests().records()).singleElement()
            .satisfies(r -> assertThat(r.code()).isEqualTo(409))
            .satisfies(r -> assertThat(r.name()).isEqualTo(drawn.get(7)));
      }
    }
    assertThat(drawn).hasSize(8).doesNotHaveDuplicates().allMatch(name -> name.startsWith("web-"));
  }

  @Test
  void aTakenName_isDrawnAgain_afterOneMutatingAdmission_andValidatingAdmissionPerAttempt() {
    // The first name this seed draws after one named create, found with a placeholder in that create's place.
    InMemoryCluster probe = InMemoryCluster.create(new TestTicker(), SEED);
    probe.server().create(ADMIN, Fixtures.configMap("default", "placeholder", "x"));
    String first = post(probe.server(), generated("web-")).name();

    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), SEED);
    ApiServer server = cluster.server();
    server.create(ADMIN, Fixtures.configMap("default", first, "x"));
    List<String> calls = new ArrayList<>();
    server.admission().register(AdmissionPlugin.mutating("count.example.com", request -> {
      calls.add("mutating " + request.object().name());
      return Verdict.allow();
    }));
    server.admission().register(AdmissionPlugin.validating("observe.example.com", request -> {
      calls.add("validating " + request.object().name());
      return Verdict.allow();
    }));
    cluster.requests().clear();
    Resource created = post(server, generated("web-"));
    // Store.createWithGenerateNameRetry calls Store.create again after the handler's one mutating admission:
    // BeforeCreate draws the uid, validation and validating admission run for each name drawn.
    assertThat(created.name()).isNotEqualTo(first).startsWith("web-");
    assertThat(calls).containsExactly("mutating " + first, "validating " + first, "validating " + created.name());
    assertThat(cluster.requests().records()).singleElement()
        .satisfies(r -> assertThat(r.code()).isEqualTo(201))
        .satisfies(r -> assertThat(r.name()).isEqualTo(created.name()));
  }

  @Test
  void anObjectWithANameKeepsIt_andOneWithNeither_isInvalid() {
    ApiServer server = InMemoryCluster.create(new TestTicker(), SEED).server();
    Resource named = post(server, Json.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fixed","generateName":"web-","namespace":"default"}}"""));
    assertThat(named.name()).isEqualTo("fixed");

    assertThatThrownBy(() -> post(server, Json.parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"namespace":"default"}}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("Deployment.apps \"\" is invalid: metadata.name: Required value: name or generateName is required");
  }

  @Test
  void anInvalidPrefix_isReportedOnGenerateNameAndOnTheName() {
    ApiServer server = InMemoryCluster.create(new TestTicker(), SEED).server();
    assertThatThrownBy(() -> post(server, generated("Web-")))
        .isInstanceOf(BackendException.Invalid.class)
        .satisfies(e -> assertThat(((BackendException.Invalid) e).causes())
            .hasSize(2)
            .anySatisfy(cause -> assertThat(cause).startsWith("metadata.generateName: Invalid value: \"Web-\": a "
                + "lowercase RFC 1123 subdomain"))
            .anySatisfy(cause -> assertThat(cause).startsWith("metadata.name: Invalid value: \"Web-")));
    // A trailing dash is what a prefix is for: "web-" is valid, though "web-" is not a valid name.
    assertThat(post(server, generated("web-")).name()).startsWith("web-");
  }
}
