package dev.converge.examples.datadog.decode;

import static dev.converge.examples.datadog.DatadogFixtures.agent;
import static dev.converge.examples.datadog.DatadogFixtures.minimalAgent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.ComponentOverride;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.model.Features;
import dev.converge.examples.datadog.model.ImageConfig;
import dev.converge.examples.datadog.model.SecretKeyRef;
import dev.converge.examples.datadog.model.Toleration;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link DatadogAgentDecoder}: the shared example decodes; unknown fields and wrong types are
 * errors naming their path (with a suggestion for near misses); defaults are applied to a copy and never written
 * back; every validation message is the one users of the Datadog Operator see.
 */
class DatadogAgentDecoderTest {

  private static InvalidSpecException rejection(Resource resource) {
    try {
      DatadogAgentDecoder.decode(resource);
    } catch (InvalidSpecException e) {
      return e;
    }
    throw new AssertionError("expected an InvalidSpecException");
  }

  @Test
  void decode_readsTheSharedExample() {
    DatadogAgent dda = DatadogAgentDecoder.decode(DatadogFixtures.exampleAgent());
    assertThat(dda.name()).isEqualTo("datadog");
    assertThat(dda.namespace()).isEqualTo("datadog");
    assertThat(dda.spec().global().site()).isEqualTo("us5.datadoghq.com");
    assertThat(dda.spec().global().credentials().apiSecret()).isEqualTo(new SecretKeyRef("datadog-secret", "api-key"));
    assertThat(dda.spec().global().credentials().appSecret()).isEqualTo(new SecretKeyRef("datadog-secret", "app-key"));
    assertThat(dda.spec().features().apm().instrumentation())
        .isEqualTo(new Features.Instrumentation(true, ImmutableList.of("default"), ImmutableList.of()));
    assertThat(dda.spec().features().logCollection()).isEqualTo(new Features.LogCollection(true, true));
    assertThat(dda.spec().override(ComponentName.CLUSTER_AGENT).image())
        .isEqualTo(new ImageConfig("gcr.io/datadoghq/cluster-agent:latest", null));
    assertThat(dda.spec().override(ComponentName.NODE_AGENT).image())
        .isEqualTo(new ImageConfig("gcr.io/datadoghq/agent:latest", null));
    assertThat(dda.spec().override(ComponentName.CLUSTER_CHECKS_RUNNER)).isEqualTo(ComponentOverride.none());
  }

  @Test
  void decode_appliesEveryDefault() {
    DatadogAgent dda = DatadogAgentDecoder.decode(minimalAgent(""));
    assertThat(dda.spec().global().site()).isEqualTo("datadoghq.com");
    assertThat(dda.spec().global().registry()).isEqualTo("registry.datadoghq.com");
    assertThat(dda.spec().global().logLevel()).isEqualTo("info");
    assertThat(dda.spec().global().clusterName()).isNull();
    assertThat(dda.spec().features()).isEqualTo(new Features(
        new Features.Apm(true, new Features.Instrumentation(false, ImmutableList.of(), ImmutableList.of()), false),
        new Features.LogCollection(false, false),
        new Features.RemoteConfiguration(true),
        new Features.AdmissionController(true, false, "hostip", "datadog-admission-controller", "Ignore"),
        new Features.ClusterChecks(true, false),
        new Features.Dogstatsd(false, false),
        new Features.KubeStateMetricsCore(true),
        new Features.EventCollection(true)));
  }

  @Test
  void decode_defaultsNeverReachTheUsersResource() {
    Resource resource = minimalAgent("");
    String before = Json.write(resource.json());
    DatadogAgentDecoder.decode(resource);
    assertThat(Json.write(resource.json())).isEqualTo(before);
    assertThat(resource.at("spec.global.site").isMissingNode()).isTrue();
    assertThat(resource.at("spec.features").isMissingNode()).isTrue();
  }

  @Test
  void defaults_communicationModeIsSocketWhenAnAgentSocketIsOn() {
    DatadogAgent apmSocket = DatadogAgentDecoder.decode(minimalAgent("""
          features:
            apm:
              unixDomainSocketConfig:
                enabled: true
        """));
    DatadogAgent dsdSocket = DatadogAgentDecoder.decode(minimalAgent("""
          features:
            dogstatsd:
              unixDomainSocketConfig:
                enabled: true
        """));
    DatadogAgent explicit = DatadogAgentDecoder.decode(minimalAgent("""
          features:
            dogstatsd:
              unixDomainSocketConfig:
                enabled: true
            admissionController:
              agentCommunicationMode: service
        """));
    assertThat(apmSocket.spec().features().admissionController().agentCommunicationMode()).isEqualTo("socket");
    assertThat(dsdSocket.spec().features().admissionController().agentCommunicationMode()).isEqualTo("socket");
    assertThat(explicit.spec().features().admissionController().agentCommunicationMode()).isEqualTo("service");
  }

  @Test
  void defaults_admissionServiceNameIsDerivedFromTheAgentName() {
    DatadogAgent other = DatadogAgentDecoder.decode(agent("other", DatadogFixtures.MINIMAL));
    assertThat(other.spec().features().admissionController().serviceName()).isEqualTo("other-admission-controller");
  }

  @Test
  void unknownField_isAnErrorWithASuggestionWhenClose() {
    InvalidSpecException e = rejection(minimalAgent("""
          features:
            apm:
              instrumentaton:
                enabled: true
        """));
    assertThat(e.getMessage()).isEqualTo("spec.features.apm.instrumentaton: unknown field; did you mean \"instrumentation\"?");
    assertThat(e.path()).isEqualTo("spec.features.apm.instrumentaton");
  }

  @Test
  void unknownField_isAnErrorWithoutSuggestionWhenNothingIsClose() {
    InvalidSpecException e = rejection(minimalAgent("""
          features:
            networkMonitoring:
              enabled: true
        """));
    assertThat(e.getMessage()).isEqualTo("spec.features.networkMonitoring: unknown field");
  }

  @Test
  void unknownField_insideListsAndOverridesNamesTheIndex() {
    InvalidSpecException e = rejection(minimalAgent("""
          override:
            nodeAgent:
              tolerations:
                - operator: Exists
                - efect: NoSchedule
            clusterAgnet:
              replicas: 2
        """));
    assertThat(e.getMessage()).isEqualTo("spec.override.nodeAgent.tolerations[1].efect: unknown field; did you mean \"effect\"?"
        + "; spec.override.clusterAgnet: unknown field; did you mean \"clusterAgent\"?");
    assertThat(e.path()).isEqualTo("spec.override.nodeAgent.tolerations[1].efect");
  }

  @Test
  void unknownTopLevelField_isAnError() {
    Resource resource = minimalAgent("").edit(tree -> tree.putObject("spce"));
    assertThat(rejection(resource).getMessage()).isEqualTo("spce: unknown field; did you mean \"spec\"?");
  }

  @Test
  void wrongType_namesThePathAndTheExpectedType() {
    assertThat(rejection(minimalAgent("""
          features:
            apm:
              enabled: "yes"
        """)).getMessage()).isEqualTo("spec.features.apm.enabled: expected boolean, got string \"yes\"");
    assertThat(rejection(minimalAgent("""
          override:
            clusterAgent:
              replicas: 1.5
        """)).getMessage()).isEqualTo("spec.override.clusterAgent.replicas: expected integer, got number 1.5");
    assertThat(rejection(minimalAgent("""
          global:
            tags: env:prod
        """)).getMessage()).isEqualTo("spec.global.tags: expected array, got string \"env:prod\"");
    assertThat(rejection(minimalAgent("""
          override:
            nodeAgent:
              nodeSelector: [a]
        """)).getMessage()).isEqualTo("spec.override.nodeAgent.nodeSelector: expected object, got array");
  }

  @Test
  void enumeratedValue_outsideTheListIsAnError() {
    assertThat(rejection(minimalAgent("""
          features:
            admissionController:
              failurePolicy: Sometimes
        """)).getMessage())
        .isEqualTo("spec.features.admissionController.failurePolicy: unsupported value \"Sometimes\"; supported values: \"Ignore\", \"Fail\"");
  }

  @Test
  void wrongKind_isRejected() {
    Resource other = Resource.of(Json.parse("{\"apiVersion\":\"datadoghq.com/v1alpha1\",\"kind\":\"DatadogAgent\",\"metadata\":{\"name\":\"x\",\"namespace\":\"d\"}}"));
    assertThat(rejection(other).getMessage()).isEqualTo("expected datadoghq.com/v2alpha1 DatadogAgent, got datadoghq.com/v1alpha1 DatadogAgent");
  }

  @Test
  void validation_credentialsMissing() {
    InvalidSpecException e = rejection(agent("datadog", "  global:\n    site: datadoghq.eu\n"));
    assertThat(e.getMessage()).isEqualTo("credentials not configured in the DatadogAgent, can't reconcile");
    assertThat(e.path()).isEqualTo("spec.global.credentials");
    Resource noSpec = Resource.of(Json.parse(
        "{\"apiVersion\":\"datadoghq.com/v2alpha1\",\"kind\":\"DatadogAgent\",\"metadata\":{\"name\":\"x\",\"namespace\":\"d\"}}"));
    assertThat(rejection(noSpec).getMessage()).isEqualTo("credentials not configured in the DatadogAgent, can't reconcile");
  }

  @Test
  void validation_apiKeyMustBeSet() {
    assertThat(rejection(agent("datadog", """
          global:
            credentials:
              appKey: abc
        """)).getMessage()).isEqualTo("api key must be set");
    assertThat(rejection(agent("datadog", """
          global:
            credentials:
              apiSecret:
                secretName: datadog-secret
        """)).getMessage()).isEqualTo("api key must be set");
    DatadogAgent plaintext = DatadogAgentDecoder.decode(agent("datadog", """
          global:
            credentials:
              apiKey: "0123"
        """));
    assertThat(plaintext.spec().global().credentials().apiKey()).isEqualTo("0123");
  }

  @Test
  void validation_enabledAndDisabledNamespacesCannotBeSetTogether() {
    InvalidSpecException e = rejection(minimalAgent("""
          features:
            apm:
              instrumentation:
                enabled: true
                enabledNamespaces: [default]
                disabledNamespaces: [kube-system]
        """));
    assertThat(e.getMessage()).isEqualTo("`spec.features.apm.instrumentation.enabledNamespaces` and "
        + "`spec.features.apm.instrumentation.disabledNamespaces` cannot be set together");
    assertThat(e.path()).isEqualTo("spec.features.apm.instrumentation");
  }

  @Test
  void validation_reservedLabelPrefixesAreRejected() {
    for (String prefix : new String[] {"agent.datadoghq.com/", "operator.datadoghq.com/", "datadoghq.com/"}) {
      InvalidSpecException e = rejection(minimalAgent("  override:\n    nodeAgent:\n      labels:\n        " + prefix + "team: a\n"));
      assertThat(e.getMessage()).isEqualTo("label \"" + prefix + "team\" uses the reserved prefix \"" + prefix + "\"");
      assertThat(e.path()).isEqualTo("spec.override.nodeAgent.labels");
    }
  }

  @Test
  void validation_invalidLabelKeysAndValuesAreRejected() {
    assertThat(rejection(minimalAgent("  override:\n    clusterAgent:\n      labels:\n        \"bad key\": a\n")).getMessage())
        .isEqualTo("invalid label key \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assertThat(rejection(minimalAgent("  override:\n    clusterAgent:\n      labels:\n        team: \"-a\"\n")).getMessage())
        .isEqualTo("invalid value \"-a\" of label \"team\": a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  }

  @Test
  void validation_tooLongANameIsRejected() {
    String name = "a".repeat(43);
    InvalidSpecException e = rejection(agent(name, DatadogFixtures.MINIMAL));
    assertThat(e.getMessage()).isEqualTo("must be no more than 42 characters so that the names derived from it are valid");
    assertThat(e.path()).isEqualTo("metadata.name");
  }

  @Test
  void validation_admissionServiceNameMustBeAFreeServiceName() {
    assertThat(rejection(minimalAgent("  features:\n    admissionController:\n      serviceName: datadog-cluster-agent\n")).getMessage())
        .isEqualTo("\"datadog-cluster-agent\" is the name of another Service of this DatadogAgent");
    InvalidSpecException invalid = rejection(minimalAgent("  features:\n    admissionController:\n      serviceName: Admission\n"));
    assertThat(invalid.getMessage()).isEqualTo("invalid Service name \"Admission\": a DNS-1035 label must consist of lower case "
        + "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character "
        + "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    assertThat(invalid.path()).isEqualTo("spec.features.admissionController.serviceName");
  }

  @Test
  void overrides_areReadIntoTypedValues() {
    DatadogAgent dda = DatadogAgentDecoder.decode(minimalAgent("""
          override:
            clusterAgent:
              image:
                name: cluster-agent
                tag: "7.60.0"
              replicas: 3
              env:
                - name: A
                  value: "1"
                - name: B
                  valueFrom:
                    fieldRef:
                      fieldPath: spec.nodeName
              nodeSelector:
                zone: b
                disk: ssd
              tolerations:
                - key: dedicated
                  operator: Equal
                  value: monitoring
                  effect: NoSchedule
                  tolerationSeconds: 30
              labels:
                team: observability
              annotations:
                note: x
              serviceAccountName: custom
              createPodDisruptionBudget: true
              disabled: false
        """));
    ComponentOverride override = dda.spec().override(ComponentName.CLUSTER_AGENT);
    assertThat(override.image()).isEqualTo(new ImageConfig("cluster-agent", "7.60.0"));
    assertThat(override.replicas()).isEqualTo(3);
    assertThat(override.env()).extracting(v -> Json.write(v.toJson()))
        .containsExactly("{\"name\":\"A\",\"value\":\"1\"}", "{\"name\":\"B\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}}");
    assertThat(override.nodeSelector()).containsExactly(
        java.util.Map.entry("disk", "ssd"), java.util.Map.entry("zone", "b"));
    assertThat(override.tolerations()).containsExactly(new Toleration("dedicated", "Equal", "monitoring", "NoSchedule", 30L));
    assertThat(override.labels()).isEqualTo(ImmutableMap.of("team", "observability"));
    assertThat(override.annotations()).isEqualTo(ImmutableMap.of("note", "x"));
    assertThat(override.serviceAccountName()).isEqualTo("custom");
    assertThat(override.createPodDisruptionBudget()).isTrue();
    assertThat(override.disabled()).isFalse();
  }

  @Test
  void suggestion_usesEditDistanceOfAtMostTwo() {
    assertThat(SpecChecker.editDistance("instrumentaton", "instrumentation")).isEqualTo(1);
    assertThat(SpecChecker.editDistance("kitten", "sitting")).isEqualTo(3);
    assertThat(SpecChecker.suggest("sit", java.util.List.of("site", "tags"))).isEqualTo("site");
    assertThat(SpecChecker.suggest("region", java.util.List.of("site", "tags"))).isNull();
    assertThat(SpecChecker.suggest("clustername", java.util.List.of("site", "clusterName"))).isEqualTo("clusterName");
  }
}
