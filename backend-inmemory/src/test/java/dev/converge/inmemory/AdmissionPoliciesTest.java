package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ValidatingAdmissionPolicies and their bindings, evaluated as kube-apiserver 1.32 evaluates them: only through
 * a binding; matching by the policy's constraints and the binding's resources; parameters; match conditions and
 * variables; messages and reasons; failure policy; Deny and Warn; and the policies' own validation.
 */
class AdmissionPoliciesTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 31);
  private final ApiServer server = cluster.server();

  private void create(String json) {
    server.create(ADMIN, Resource.of(Json.parse(json)));
  }

  /** A policy on ConfigMap creates and updates, with {@code extra} spec members and validations. */
  private void policy(String name, String validations, String extra) {
    create("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"%s"},
         "spec":{"matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE","UPDATE"],
           "resources":["configmaps"]}]},"validations":%s%s}}""".formatted(name, validations, extra));
  }

  private void binding(String name, String policy, String actions, String extra) {
    create("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding","metadata":{"name":"%s"},
         "spec":{"policyName":"%s","validationActions":%s%s}}""".formatted(name, policy, actions, extra));
  }

  private static Resource configMap(String name, int keys) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < keys; i++) {
      data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"default\"},\"data\":{" + data + "}}"));
  }

  @Test
  void aBoundPolicy_refusesWhatFailsItsExpression_with422AndKubeApiserversMessage_andStoresNothing() {
    policy("max-keys.example.com", "[{\"expression\":\"size(object.data) <= 2\"}]", "");
    assertThat(server.create(ADMIN, configMap("big", 3)).name()).as("no binding, no policy").isEqualTo("big");

    binding("max-keys", "max-keys.example.com", "[\"Deny\"]", "");
    assertThat(server.create(ADMIN, configMap("small", 2)).name()).isEqualTo("small");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("bigger", 3)))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.causes()).as("the refusal again, as the Status's one cause, with no field").containsExactly(
              "ValidatingAdmissionPolicy 'max-keys.example.com' with binding 'max-keys' denied request: failed "
                  + "expression: size(object.data) <= 2");
        })
        .hasMessage("configmaps \"bigger\" is forbidden: ValidatingAdmissionPolicy 'max-keys.example.com' with binding "
            + "'max-keys' denied request: failed expression: size(object.data) <= 2");
    assertThat(cluster.backend().get(ResourceKey.parse("ConfigMap/default/bigger"))).isEmpty();
  }

  @Test
  void messagesAndReasons_comeFromTheValidation_andWarnBindingsWarnInstead() {
    policy("named.example.com", """
        [{"expression":"object.metadata.name.startsWith('app-')","messageExpression":"'name ' + object.metadata.name + ' lacks app-'",
          "reason":"Forbidden"},
         {"expression":"size(object.data) > 0","message":"a ConfigMap needs data"}]""", "");
    binding("named", "named.example.com", "[\"Deny\"]", "");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("web", 1)))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageEndingWith("denied request: name web lacks app-");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("app-empty", 0)))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(422))
        .hasMessageEndingWith("denied request: a ConfigMap needs data");

    server.delete(ADMIN, ResourceKey.parse("admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding/named"),
        dev.converge.inmemory.server.DeleteParams.defaults());
    binding("named-warn", "named.example.com", "[\"Warn\",\"Audit\"]", "");
    List<String> warnings = new ArrayList<>();
    server.create(ADMIN, configMap("web", 0), WriteOptions.defaults().withWarnings(warnings::add));
    assertThat(warnings).containsExactly(
        "Validation failed for ValidatingAdmissionPolicy 'named.example.com' with binding 'named-warn': name web lacks app-",
        "Validation failed for ValidatingAdmissionPolicy 'named.example.com' with binding 'named-warn': a ConfigMap needs data");
  }

  @Test
  void parameters_comeFromTheBindingsParamRef_andMissingOnesFollowParameterNotFoundAction() {
    policy("limit.example.com", "[{\"expression\":\"size(object.data) <= int(params.data.max)\"}]",
        ",\"paramKind\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}");
    server.create(ADMIN, Fixtures.namespace("policy-params"));
    binding("limit", "limit.example.com", "[\"Deny\"]",
        ",\"paramRef\":{\"name\":\"limits\",\"namespace\":\"policy-params\",\"parameterNotFoundAction\":\"Deny\"}");

    // The parameters are a ConfigMap too: the policy, with no parameters yet, refuses them like any other.
    assertThatThrownBy(() -> server.create(ADMIN, limits())).hasMessageEndingWith(
        "denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
    server.delete(ADMIN, ResourceKey.parse("admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding/limit"),
        dev.converge.inmemory.server.DeleteParams.defaults());
    server.create(ADMIN, limits());
    binding("limit", "limit.example.com", "[\"Deny\"]",
        ",\"paramRef\":{\"name\":\"limits\",\"namespace\":\"policy-params\",\"parameterNotFoundAction\":\"Deny\"}");
    assertThat(server.create(ADMIN, configMap("one", 1)).name()).isEqualTo("one");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("two", 2)))
        .hasMessageEndingWith("denied request: failed expression: size(object.data) <= int(params.data.max)");
  }

  private static Resource limits() {
    return Fixtures.configMap("policy-params", "limits", "x", "{}").edit(t -> t.withObjectProperty("data").put("max", "1"));
  }

  @Test
  void matchConditionsSkip_variablesCompose_andErrorsFollowTheFailurePolicy() {
    policy("env.example.com", "[{\"expression\":\"variables.env == 'prod' || variables.env == 'dev'\"}]", """
        ,"matchConditions":[{"name":"not-system","expression":"request.namespace != 'kube-system'"}],
         "variables":[{"name":"labels","expression":"object.metadata.labels"},{"name":"env","expression":"variables.labels.env"}]""");
    binding("env", "env.example.com", "[\"Deny\"]", "");

    server.create(ADMIN, Fixtures.configMap("kube-system", "unlabelled", "1"));
    server.create(ADMIN, Fixtures.configMap("default", "prod", "1", "{\"env\":\"prod\"}"));
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "test", "1", "{\"env\":\"test\"}")))
        .hasMessageEndingWith("denied request: failed expression: variables.env == 'prod' || variables.env == 'dev'");
    // No labels: the variables fail, so the validation's reference fails, and failurePolicy Fail denies.
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "bare", "1")))
        .hasMessageEndingWith("denied request: expression 'variables.env == 'prod' || variables.env == 'dev'' resulted in "
            + "error: no such key: env");
  }

  @Test
  void theBindingNarrowsThePolicy_andExcludedOrUnnamedResourcesAreSpared() {
    policy("strict.example.com", "[{\"expression\":\"false\",\"message\":\"no\"}]", "");
    server.create(ADMIN, Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"locked\",\"labels\":{\"policy\":\"strict\"}}}")));
    binding("strict", "strict.example.com", "[\"Deny\"]", """
        ,"matchResources":{"namespaceSelector":{"matchLabels":{"policy":"strict"}},
          "excludeResourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["*"],"resources":["configmaps"],
            "resourceNames":["allowed"]}]}""");

    assertThat(server.create(ADMIN, Fixtures.configMap("default", "elsewhere", "1")).name()).isEqualTo("elsewhere");
    assertThat(server.create(ADMIN, Fixtures.configMap("locked", "allowed", "1")).name()).isEqualTo("allowed");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("locked", "other", "1")))
        .hasMessage("configmaps \"other\" is forbidden: ValidatingAdmissionPolicy 'strict.example.com' with binding 'strict' "
            + "denied request: no");
  }

  @Test
  void auditAnnotations_areEvaluated_andOneThatFailsRefusesUnderFail_whateverTheActions() {
    policy("annotated.example.com", "[{\"expression\":\"true\"}]", """
        ,"auditAnnotations":[{"key":"keys","valueExpression":"'keys: ' + string(size(object.data))"},
                             {"key":"count","valueExpression":"size(object.data)"}]""");
    binding("annotated", "annotated.example.com", "[\"Audit\"]", "");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("audited", 1)))
        .hasMessageEndingWith("denied request: valueExpression 'size(object.data)' resulted in unsupported return type: "
            + "int. Return type must be either string or null.");
  }

  @Test
  void policiesAndBindingsAClusterRefuses_areRefused_withTheirCauses() {
    assertThatThrownBy(() -> policy("broken.example.com", """
        [{"expression":"object.spec.replicas <= params.max"},{"expression":"1","reason":"Unauthorized","message":"a\\nb"}]""", ""))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            "spec.validations[0].expression: Invalid value: \"object.spec.replicas <= params.max\": compilation failed: "
                + "ERROR: <input>:1:25: undeclared reference to 'params' (in container '')\n"
                + " | object.spec.replicas <= params.max\n | ........................^",
            "spec.validations[1].expression: Invalid value: \"1\": must evaluate to bool but got int",
            "spec.validations[1].message: Invalid value: \"a\\nb\": message must not contain line breaks",
            "spec.validations[1].reason: Unsupported value: \"Unauthorized\": supported values: \"Forbidden\", \"Invalid\", "
                + "\"RequestEntityTooLarge\""));
    assertThatThrownBy(() -> binding("both", "p", "[\"Deny\",\"Warn\"]", ",\"paramRef\":{\"name\":\"x\"}"))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            "spec.validationActions: Invalid value: []admissionregistration.ValidationAction{\"Deny\", \"Warn\"}: must not "
                + "contain both Deny and Warn (repeating the same validation failure information in the API response and "
                + "headers serves no purpose)",
            "spec.paramRef.parameterNotFoundAction: Required value"));
  }
}
