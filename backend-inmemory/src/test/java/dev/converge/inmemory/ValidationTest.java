package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import org.junit.jupiter.api.Test;

/** Validation rejects what kube-apiserver rejects, with 422 and its causes. */
class ValidationTest {
  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 23).server();

  @Test
  void deploymentSelector_mustMatchTemplateLabels() {
    Resource bad = Fixtures.deployment("default", "web", "nginx")
        .edit(t -> t.with("spec").with("selector").with("matchLabels").put("app", "other"));
    assertThatThrownBy(() -> server.create(ADMIN, bad))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
            + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`")
        .satisfies(e -> assertThat(((BackendException.Invalid) e).code()).isEqualTo(422));
  }

  @Test
  void missingSelectorAndContainers_areListedTogether() {
    Resource bad = Fixtures.parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[]}}}}""");
    assertThatThrownBy(() -> server.create(ADMIN, bad))
        .isInstanceOf(BackendException.Invalid.class)
        .satisfies(e -> assertThat(((BackendException.Invalid) e).causes())
            .containsExactly("spec.selector: Required value", "spec.template.spec.containers: Required value"));
  }

  @Test
  void endpointSlices_areDefaulted_validated_andTheirAddressTypeIsImmutable() {
    Resource slice = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-1","namespace":"default"},
         "addressType":"IPv4","endpoints":[{"addresses":["10.1.0.5"],"nodeName":"node-0"}],"ports":[{"port":80}]}"""));
    // SetDefaults_EndpointPort; generation 1, as endpointSliceStrategy.PrepareForCreate sets it.
    assertThat(slice.json().path("ports").toString()).isEqualTo("[{\"port\":80,\"name\":\"\",\"protocol\":\"TCP\"}]");
    assertThat(slice.generation()).isEqualTo(1);
    // A label change moves the generation (the EndpointSlice controller tracks the generations it wrote).
    assertThat(server.update(ADMIN, slice.withLabel("tier", "front")).generation()).isEqualTo(2);

    assertThatThrownBy(() -> server.update(ADMIN, server.get(ADMIN, slice.key())
        .edit(t -> t.put("addressType", "IPv6"))))
        .isInstanceOf(BackendException.Invalid.class)
        .satisfies(e -> assertThat(((BackendException.Invalid) e).causes()).contains(
            "addressType: Invalid value: \"IPv6\": field is immutable",
            "endpoints[0].addresses[0]: Invalid value: \"10.1.0.5\": must be a valid IPv6 address"));
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-2","namespace":"default"},
         "addressType":"IP","endpoints":[{"addresses":[]},{"addresses":["127.0.0.1"],"hostname":"A"}],
         "ports":[{"name":"http","port":80,"protocol":"HTTP"},{"name":"http","port":81}]}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .satisfies(e -> assertThat(((BackendException.Invalid) e).causes()).containsExactly(
            "addressType: Unsupported value: \"IP\": supported values: \"IPv4\", \"IPv6\", \"FQDN\"",
            "endpoints[0].addresses: Required value: must contain at least 1 address",
            "endpoints[1].hostname: Invalid value: \"A\": a lowercase RFC 1123 label must consist of lower case"
                + " alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g."
                + " 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "ports[1].name: Duplicate value: \"http\""));
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-3","namespace":"default"},
         "addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"]},{"addresses":["169.254.169.254"]}]}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .satisfies(e -> assertThat(((BackendException.Invalid) e).causes()).containsExactly(
            "endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range"
                + " (127.0.0.0/8, ::1/128)",
            "endpoints[1].addresses[0]: Invalid value: \"169.254.169.254\": may not be in the link-local range"
                + " (169.254.0.0/16, fe80::/10)"));
  }

  @Test
  void invalidName_isRejected() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "Bad_Name", "1")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageStartingWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain");
  }

  @Test
  void selector_isImmutable() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx"));
    Resource changed = created.edit(t -> {
      t.with("spec").with("selector").with("matchLabels").put("tier", "x");
      t.with("spec").with("template").with("metadata").with("labels").put("tier", "x");
    });
    assertThatThrownBy(() -> server.update(ADMIN, changed))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.selector: Invalid value: ")
        .hasMessageContaining("field is immutable");
  }

  @Test
  void roleBinding_roleRefIsImmutable() {
    Resource binding = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b","namespace":"default"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[]}"""));
    assertThatThrownBy(() -> server.update(ADMIN, binding.edit(t -> t.with("roleRef").put("name", "other"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("roleRef: Invalid value: ")
        .hasMessageContaining("cannot change roleRef");
  }

  @Test
  void serviceWithoutPorts_isRejected() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"default\"},\"spec\":{}}")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("Service \"s\" is invalid: spec.ports: Required value");
  }

  @Test
  void jobWithRestartAlways_isRejected() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"default"},
         "spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
  }

  @Test
  void jobPerIndexLimits_failIndexRules_andSuccessPolicies_areChecked_asKubeApiserverDoes() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"plain","namespace":"default"},
         "spec":{"backoffLimitPerIndex":1,"maxFailedIndexes":1,
                 "podFailurePolicy":{"rules":[{"action":"FailIndex","onExitCodes":{"operator":"In","values":[3]}},
                                              {"action":"Retry","onExitCodes":{"operator":"In","values":[4]}}]},
                 "successPolicy":{"rules":[{"succeededCount":1}]},
                 "template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode")
        .hasMessageContaining("spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode")
        .hasMessageContaining("spec.podFailurePolicy.rules[1].action: Unsupported value: \"Retry\": supported values: "
            + "\"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"")
        .hasMessageContaining("spec.successPolicy: Invalid value: ")
        .hasMessageContaining("requires indexed completion mode")
        .hasMessageContaining("spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported "
            + "when podFailurePolicy is specified");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"indexed","namespace":"default"},
         "spec":{"completionMode":"Indexed","completions":3,"maxFailedIndexes":4,
                 "podFailurePolicy":{"rules":[{"action":"FailIndex","onExitCodes":{"operator":"In","values":[3]}}]},
                 "successPolicy":{"rules":[{"succeededIndexes":"0,2-2"},{"succeededIndexes":"1","succeededCount":2},{}]},
                 "template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified")
        .hasMessageContaining("spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions")
        .hasMessageContaining("spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the "
            + "backoffLimitPerIndex to be set")
        .hasMessageContaining("spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"0,2-2\": error parsing "
            + "succeededIndexes: non-increasing order, previous: 2, current: 2")
        .hasMessageContaining("spec.successPolicy.rules[1].succeededCount: Invalid value: 2: must be less than or equal to 1 "
            + "(the number of indexes in the specified succeededIndexes field)")
        .hasMessageContaining("spec.successPolicy.rules[2]: Required value: at least one of succeededCount or "
            + "succeededIndexes must be specified");
  }

  @Test
  void podFailurePolicyRules_needOneRequirement_ofKnownContainers_orderedExitCodes_andQualifiedConditionTypes() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"p","namespace":"default"},
         "spec":{"podFailurePolicy":{"rules":[
                   {"action":"FailJob"},
                   {"action":"Ignore","onExitCodes":{"operator":"In","values":[1]},"onPodConditions":[{"type":"DisruptionTarget"}]},
                   {"action":"FailJob","onExitCodes":{"containerName":"sidecar","operator":"Between","values":[3,0,3]}},
                   {"action":"Count","onExitCodes":{"operator":"In","values":[0]}},
                   {"action":"Ignore","onPodConditions":[{"type":"bad type","status":"Maybe"}]}]},
                 "template":{"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}}}""")))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and "
            + "OnPodConditions is required")
        .hasMessageContaining("spec.podFailurePolicy.rules[1]: Invalid value: specifying both OnExitCodes and "
            + "OnPodConditions is not supported")
        .hasMessageContaining("spec.podFailurePolicy.rules[2].onExitCodes.containerName: Invalid value: \"sidecar\": "
            + "must be one of the container or initContainer names in the pod template")
        .hasMessageContaining("spec.podFailurePolicy.rules[2].onExitCodes.operator: Unsupported value: \"Between\": "
            + "supported values: \"In\", \"NotIn\"")
        .hasMessageContaining("spec.podFailurePolicy.rules[2].onExitCodes.values[2]: Duplicate value: 3")
        .hasMessageContaining("spec.podFailurePolicy.rules[2].onExitCodes.values: Invalid value: []int32{3, 0, 3}: "
            + "must be ordered")
        .hasMessageContaining("spec.podFailurePolicy.rules[3].onExitCodes.values[0]: Invalid value: 0: must not be 0 "
            + "for the In operator")
        .hasMessageContaining("spec.podFailurePolicy.rules[4].onPodConditions[0].type: Invalid value: \"bad type\": "
            + "name part must consist of alphanumeric characters")
        .hasMessageContaining("spec.podFailurePolicy.rules[4].onPodConditions[0].status: Unsupported value: \"Maybe\": "
            + "supported values: \"False\", \"True\", \"Unknown\"");

    Resource job = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"q","namespace":"default"},
         "spec":{"podFailurePolicy":{"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget"}]}]},
                 "template":{"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}}}"""));
    assertThat(job.spec().at("/podFailurePolicy/rules/0/onPodConditions/0/status").asText()).isEqualTo("True");
    assertThat(job.spec().path("podReplacementPolicy").asText()).isEqualTo("Failed");
  }

  @Test
  void jobUpdate_keepsThePerIndexLimitAndTheTemplate_butMayChangeMaxFailedIndexes() {
    Resource job = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"default"},
         "spec":{"completionMode":"Indexed","completions":3,"backoffLimitPerIndex":1,"maxFailedIndexes":1,
                 "template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}"""));
    assertThat(job.spec().path("backoffLimit").asInt()).isEqualTo(Integer.MAX_VALUE);

    Resource moreFailures = server.update(ADMIN, job.edit(t -> t.with("spec").put("maxFailedIndexes", 2)));
    assertThat(moreFailures.spec().path("maxFailedIndexes").asInt()).isEqualTo(2);
    assertThatThrownBy(() -> server.update(ADMIN, moreFailures.edit(t -> t.with("spec").put("backoffLimitPerIndex", 2))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.backoffLimitPerIndex: Invalid value: 2: field is immutable");
    assertThatThrownBy(() -> server.update(ADMIN, moreFailures.edit(t -> t.with("spec").with("template").with("spec")
        .withArray("containers").addObject().put("name", "d").put("image", "busybox"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("spec.template: Invalid value: ")
        .hasMessageContaining("field is immutable");
  }
}
