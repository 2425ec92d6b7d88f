package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.Reviews;
import org.junit.jupiter.api.Test;

/**
 * The review kinds answer questions from RBAC and the caller's identity and store nothing: what {@code kubectl
 * auth can-i [--list]} and {@code kubectl auth whoami} ask. Every authenticated user may ask about itself
 * ({@code system:basic-user}); asking about someone else needs a grant.
 */
class ReviewsTest {
  private static final Identity BOB = Identity.user("bob");
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 9);
  private final ApiServer server = cluster.server();

  ReviewsTest() {
    server.create(ADMIN, Fixtures.namespace("team"));
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader","namespace":"team"},
         "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}"""));
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"bob","namespace":"team"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"bob"}]}"""));
  }

  private boolean canI(Identity who, String verb, String namespace) {
    JsonNode answer = server.review(who, Reviews.SELF_SUBJECT_ACCESS_REVIEW, "", Json.parse("""
        {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
         "spec":{"resourceAttributes":{"namespace":"%s","verb":"%s","resource":"pods"}}}""".formatted(namespace, verb)));
    assertThat(answer.path("kind").asText()).isEqualTo("SelfSubjectAccessReview");
    return answer.path("status").path("allowed").asBoolean();
  }

  @Test
  void selfSubjectAccessReview_answersFromTheCallersRoles() {
    assertThat(canI(ADMIN, "delete", "team")).isTrue();
    assertThat(canI(BOB, "get", "team")).isTrue();
    assertThat(canI(BOB, "delete", "team")).isFalse();
    assertThat(canI(BOB, "get", "default")).isFalse();
    long revision = server.revision();
    canI(BOB, "list", "team");
    assertThat(server.revision()).as("nothing stored").isEqualTo(revision);
  }

  @Test
  void subjectAccessReviews_askAboutSomeoneElse_andNeedAGrant() {
    String question = """
        {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
         "spec":{"user":"bob","resourceAttributes":{"namespace":"team","verb":"get","resource":"pods"}}}""";
    assertThat(server.review(ADMIN, Reviews.SUBJECT_ACCESS_REVIEW, "", Json.parse(question))
        .path("status").path("allowed").asBoolean()).isTrue();
    assertThatThrownBy(() -> server.review(BOB, Reviews.SUBJECT_ACCESS_REVIEW, "", Json.parse(question)))
        .isInstanceOf(BackendException.Forbidden.class);
    assertThat(server.review(ADMIN, Reviews.LOCAL_SUBJECT_ACCESS_REVIEW, "team", Json.parse("""
        {"spec":{"user":"bob","resourceAttributes":{"verb":"list","resource":"pods"}}}"""))
        .path("status").path("allowed").asBoolean()).isTrue();
    assertThatThrownBy(() -> server.review(ADMIN, Reviews.LOCAL_SUBJECT_ACCESS_REVIEW, "team", Json.parse("""
        {"spec":{"user":"bob","resourceAttributes":{"namespace":"default","verb":"list","resource":"pods"}}}""")))
        .isInstanceOf(BackendException.Invalid.class).hasMessageContaining("must match metadata.namespace");
  }

  @Test
  void aReviewMustAskExactlyOneQuestion_andNonResourceUrlsFollowTheRules() {
    assertThatThrownBy(() -> server.review(ADMIN, Reviews.SELF_SUBJECT_ACCESS_REVIEW, "", Json.parse("{\"spec\":{}}")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("exactly one of nonResourceAttributes or resourceAttributes must be specified");
    String metrics = "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/metrics\",\"verb\":\"get\"}}}";
    assertThat(server.review(ADMIN, Reviews.SELF_SUBJECT_ACCESS_REVIEW, "", Json.parse(metrics))
        .path("status").path("allowed").asBoolean()).isTrue();
    assertThat(server.review(BOB, Reviews.SELF_SUBJECT_ACCESS_REVIEW, "", Json.parse(metrics))
        .path("status").path("allowed").asBoolean()).isFalse();
    // system:public-info-viewer lets every user read the health endpoints.
    String healthz = "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/healthz\",\"verb\":\"get\"}}}";
    assertThat(server.review(BOB, Reviews.SELF_SUBJECT_ACCESS_REVIEW, "", Json.parse(healthz))
        .path("status").path("allowed").asBoolean()).isTrue();
  }

  @Test
  void rulesReview_listsTheCallersRulesInTheNamespace_andWhoamiItsIdentity() {
    JsonNode rules = server.review(BOB, Reviews.SELF_SUBJECT_RULES_REVIEW, "", Json.parse(
        "{\"spec\":{\"namespace\":\"team\"}}")).path("status");
    assertThat(rules.path("resourceRules").toString())
        .contains("{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}")
        .contains("selfsubjectaccessreviews");
    assertThat(rules.path("incomplete").asBoolean()).isFalse();
    JsonNode me = server.review(BOB, Reviews.SELF_SUBJECT_REVIEW, "", Json.parse("{}")).path("status").path("userInfo");
    assertThat(me.path("username").asText()).isEqualTo("bob");
    assertThat(me.path("groups").toString()).isEqualTo("[\"system:authenticated\"]");
  }
}
