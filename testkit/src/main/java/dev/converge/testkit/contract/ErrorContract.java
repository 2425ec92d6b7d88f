package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Resource;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.testkit.KubeObjects;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Typed errors: an invalid object is {@code Invalid} (422) with a cause per field and nothing stored; a
 * request the identity may not make is {@code Forbidden} (403); a server error (500) and throttling (429, with
 * its {@code Retry-After}) are retryable {@code Unavailable}s, and the request after them succeeds; a webhook
 * that nothing answers fails the writes it matches with 500 under {@code failurePolicy: Fail}; a
 * ValidatingAdmissionPolicy bound with {@code Deny} refuses what it refuses with 422.
 */
public interface ErrorContract extends ContractSupport {

  @Test
  default void invalidObject_isInvalid_withTheFieldInItsCauses_andNothingIsStored() {
    requires(Capability.VALIDATION);
    Resource bad = configMap("Not_A_Valid_Name", "k", "1");
    BackendException.Invalid invalid = failure(BackendException.Invalid.class, () -> put(bad));
    assertThat(invalid.code()).isEqualTo(422);
    assertThat(invalid.isRetryable()).isFalse();
    assertThat(invalid.causes()).anySatisfy(cause -> assertThat(cause).startsWith("metadata.name"));
    assertThat(exists(bad.key())).isFalse();
  }

  @Test
  default void invalidWorkload_namesTheMissingField() {
    requires(Capability.VALIDATION);
    Resource noSelector = KubeObjects.deployment(ns(), "web", "nginx:1.27").edit(t -> t.withObjectProperty("spec").remove("selector"));
    BackendException.Invalid invalid = failure(BackendException.Invalid.class, () -> put(noSelector));
    assertThat(invalid.causes()).anySatisfy(cause -> assertThat(cause).startsWith("spec.selector"));
  }

  @Test
  default void requestsOfAnIdentityWithoutBindings_areForbidden() {
    requires(Capability.IDENTITIES);
    put(configMap("secretive", "k", "1"));
    Backend nobody = fixture().backendAs("contract-nobody");
    BackendException.Forbidden forbidden = failure(BackendException.Forbidden.class,
        () -> nobody.list(ListRequest.all(CONFIG_MAP).inNamespace(ns())));
    assertThat(forbidden.code()).isEqualTo(403);
    assertThat(forbidden.isRetryable()).isFalse();
    failure(BackendException.Forbidden.class, () -> nobody.get(configMapKey("secretive")));
    failure(BackendException.Forbidden.class, () -> nobody.apply(configMap("mine", "k", "1"),
        dev.converge.api.backend.ApplyOptions.manager("nobody")));
  }

  @Test
  default void serverError_isARetryableUnavailable_andTheNextRequestSucceeds() {
    requires(Capability.FAULT_INJECTION);
    fixture().failNextRequest(500, Duration.ZERO);
    BackendException.Unavailable error = failure(BackendException.Unavailable.class, () -> put(configMap("a", "k", "1")));
    assertThat(error.code()).isEqualTo(500);
    assertThat(error.isRetryable()).isTrue();
    assertThat(put(configMap("a", "k", "1")).json().path("data").path("k").asText()).isEqualTo("1");
  }

  @Test
  default void throttling_isARetryableUnavailable_carryingRetryAfter() {
    requires(Capability.FAULT_INJECTION);
    fixture().failNextRequest(429, Duration.ofSeconds(3));
    BackendException.Unavailable throttled = failure(BackendException.Unavailable.class,
        () -> backend().list(ListRequest.all(CONFIG_MAP).inNamespace(ns())));
    assertThat(throttled.code()).isEqualTo(429);
    assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(throttled.isRetryable()).isTrue();
  }

  /**
   * The datadog pitfall "a leftover mutating webhook blocking all pod creation": a webhook whose server is gone
   * (here a loopback port nothing listens on) refuses what it matches with 500 while its failure policy is
   * {@code Fail}, and lets it through once the policy is {@code Ignore}. The webhook matches only this test's
   * namespace, by the {@code kubernetes.io/metadata.name} label every namespace carries.
   */
  @Test
  default void aWebhookNothingAnswers_failsTheWritesItMatches_underFail_andLetsThemThroughUnderIgnore() {
    requires(Capability.ADMISSION_WEBHOOKS);
    String name = ns() + ".contract.converge.dev";
    Resource webhook = leftoverWebhook(name, "Fail");
    put(webhook);
    try {
      BackendException.Unavailable failed = failure(BackendException.Unavailable.class, () -> put(configMap("blocked", "k", "1")));
      assertThat(failed.code()).isEqualTo(500);
      assertThat(failed.getMessage()).contains("Internal error occurred: failed calling webhook \"" + name + "\": "
          + "failed to call webhook: Post \"https://127.0.0.1:1/mutate?timeout=10s\": dial tcp 127.0.0.1:1");
      assertThat(exists(configMapKey("blocked"))).isFalse();
      put(leftoverWebhook(name, "Ignore"));
      assertThat(put(configMap("blocked", "k", "1")).json().path("data").path("k").asText()).isEqualTo("1");
    } finally {
      backend().delete(webhook.key(), dev.converge.api.backend.DeleteOptions.background());
    }
  }

  /**
   * A ValidatingAdmissionPolicy, bound with {@code Deny} to this test's namespace, refuses a ConfigMap with more
   * than two keys with 422 and kube-apiserver's message, and lets a smaller one through.
   */
  @Test
  default void aValidatingAdmissionPolicy_refusesWhatItsDenyBindingRefuses() {
    requires(Capability.ADMISSION_POLICIES);
    String name = ns() + ".contract.converge.dev";
    Resource policy = Resource.of(dev.converge.api.Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"%s"},
         "spec":{"matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],
           "resources":["configmaps"]}]},"validations":[{"expression":"!has(object.data) || size(object.data) <= 2"}]}}"""
        .formatted(name)));
    Resource binding = Resource.of(dev.converge.api.Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding","metadata":{"name":"%s"},
         "spec":{"policyName":"%s","validationActions":["Deny"],
           "matchResources":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"%s"}}}}}"""
        .formatted(name, name, ns())));
    put(policy);
    put(binding);
    try {
      Resource big = configMap("big", "a", "1").edit(t -> t.withObjectProperty("data").put("b", "2").put("c", "3"));
      BackendException.Invalid refused = failure(BackendException.Invalid.class, () -> put(big));
      assertThat(refused.code()).isEqualTo(422);
      assertThat(refused.getMessage()).contains("configmaps \"big\" is forbidden: ValidatingAdmissionPolicy '" + name
          + "' with binding '" + name + "' denied request: failed expression: !has(object.data) || size(object.data) <= 2");
      assertThat(exists(configMapKey("big"))).isFalse();
      assertThat(put(configMap("small", "a", "1")).name()).isEqualTo("small");
    } finally {
      backend().delete(binding.key(), dev.converge.api.backend.DeleteOptions.background());
      backend().delete(policy.key(), dev.converge.api.backend.DeleteOptions.background());
    }
  }

  private Resource leftoverWebhook(String name, String failurePolicy) {
    return Resource.of(dev.converge.api.Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"%s"},
         "webhooks":[{"name":"%s","admissionReviewVersions":["v1"],"sideEffects":"None","failurePolicy":"%s",
           "clientConfig":{"url":"https://127.0.0.1:1/mutate"},
           "namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"%s"}},
           "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]}]}"""
        .formatted(name, name, failurePolicy, ns())));
  }
}
