package dev.converge.guides.website;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.admission.AdmissionReviews;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, admission: the in-memory cluster calls the operator's defaulting webhook for the Websites its
 * MutatingWebhookConfiguration selects, answered by the handler in process; and a ValidatingAdmissionPolicy
 * bound with Deny refuses what it refuses, with kube-apiserver's message.
 */
@InMemoryClusterTest(seed = 7)
class WebsiteAdmissionTest {

  // guide: begin webhook
  /** The operator's defaulting webhook: a Website without replicas gets one. */
  static JsonNode defaultReplicas(String path, JsonNode review) {
    ObjectNode website = Json.mutableCopy((ObjectNode) review.at("/request/object"));
    ObjectNode spec = Json.mutableCopy((ObjectNode) website.get("spec"));
    if (!spec.has("replicas")) {
      spec.put("replicas", 1);
    }
    website.set("spec", spec);
    return AdmissionReviews.patch(review, website);
  }

  @Test
  void theDefaultingWebhook_setsReplicas_andAWebhookNothingAnswersBlocksWebsites(InMemoryCluster cluster) {
    Backend admin = cluster.backend();
    admin.create(KubeObjects.namespace("web"));
    admin.create(KubeObjects.namespace("website-system"));
    admin.create(WebsiteCrd.definition());
    admin.create(Resource.of(Json.parse("""
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "website-webhook", "namespace": "website-system"},
         "spec": {"ports": [{"port": 443, "targetPort": 9443}], "selector": {"app": "website-operator"}}}""")));
    admin.create(Resource.of(Json.parse("""
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
         "metadata": {"name": "website-defaults"},
         "webhooks": [{"name": "default.websites.guides.converge.dev", "admissionReviewVersions": ["v1"],
           "sideEffects": "None",
           "clientConfig": {"service": {"namespace": "website-system", "name": "website-webhook", "path": "/default"}},
           "rules": [{"operations": ["CREATE", "UPDATE"], "apiGroups": ["guides.converge.dev"],
             "apiVersions": ["v1"], "resources": ["websites"]}]}]}""")));
    Resource blog = KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
        Json.object().put("image", "nginx:1.27"));

    // Nothing serves the Service yet: failurePolicy Fail (the default) refuses the Website with a 500.
    assertThatThrownBy(() -> admin.apply(blog, ApplyOptions.manager("tester")))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessageContaining("failed calling webhook \"default.websites.guides.converge.dev\"");

    cluster.server().admission().endpoints().service("website-system", "website-webhook", WebsiteAdmissionTest::defaultReplicas);
    Resource stored = admin.apply(blog, ApplyOptions.manager("tester"));
    assertThat(stored.spec().path("replicas").asInt()).isEqualTo(1);
  }
  // guide: end webhook

  // guide: begin policy
  @Test
  void aValidatingAdmissionPolicy_refusesWebsitesWithTooManyReplicas(InMemoryCluster cluster) {
    Backend admin = cluster.backend();
    admin.create(KubeObjects.namespace("web"));
    admin.create(WebsiteCrd.definition());
    admin.create(Resource.of(Json.parse("""
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
         "metadata": {"name": "website-replicas"},
         "spec": {"matchConstraints": {"resourceRules": [{"apiGroups": ["guides.converge.dev"], "apiVersions": ["v1"],
             "operations": ["CREATE", "UPDATE"], "resources": ["websites"]}]},
           "validations": [{"expression": "!has(object.spec.replicas) || object.spec.replicas <= 10",
             "message": "at most 10 replicas"}]}}""")));
    admin.create(Resource.of(Json.parse("""
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
         "metadata": {"name": "website-replicas"},
         "spec": {"policyName": "website-replicas", "validationActions": ["Deny"]}}""")));

    Resource huge = KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
        Json.object().put("image", "nginx:1.27").put("replicas", 50));
    assertThatThrownBy(() -> admin.apply(huge, ApplyOptions.manager("tester")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("websites.guides.converge.dev \"blog\" is forbidden: ValidatingAdmissionPolicy "
            + "'website-replicas' with binding 'website-replicas' denied request: at most 10 replicas");
  }
  // guide: end policy
}
