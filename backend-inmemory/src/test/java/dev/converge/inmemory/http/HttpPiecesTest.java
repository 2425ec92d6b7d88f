package dev.converge.inmemory.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.core.schema.KubeVersions;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The pure pieces of the HTTP front: path parsing as kube-apiserver's {@code RequestInfoFactory} does it, kubectl's
 * age format, Kubernetes' version priority, content negotiation, Status bodies, printer cells, printer-column
 * JSONPaths, the protobuf writer and the self-signed certificate.
 */
class HttpPiecesTest {

  @Test
  void apiPath_readsGroupVersionNamespaceResourceNameAndSubresource() {
    assertThat(ApiPath.parse("/apis/apps/v1/namespaces/prod/deployments/web/status")).isEqualTo(new ApiPath(
        ApiPath.Endpoint.RESOURCE, "apps", "v1", "prod", "deployments", "web", "status", ""));
    assertThat(ApiPath.parse("/api/v1/pods")).isEqualTo(new ApiPath(
        ApiPath.Endpoint.RESOURCE, "", "v1", "", "pods", "", "", ""));
    assertThat(ApiPath.parse("/api/v1/namespaces/kube-system")).isEqualTo(new ApiPath(
        ApiPath.Endpoint.RESOURCE, "", "v1", "", "namespaces", "kube-system", "", ""));
    assertThat(ApiPath.parse("/api/v1/namespaces/gone/finalize")).isEqualTo(new ApiPath(
        ApiPath.Endpoint.RESOURCE, "", "v1", "", "namespaces", "gone", "finalize", ""));
    assertThat(ApiPath.parse("/openapi/v3/apis/apps/v1").rest()).isEqualTo("apis/apps/v1");
    assertThat(ApiPath.parse("/apis").endpoint()).isEqualTo(ApiPath.Endpoint.GROUPS);
    assertThat(ApiPath.parse("/apis/apps/v1").endpoint()).isEqualTo(ApiPath.Endpoint.RESOURCES);
    assertThat(ApiPath.parse("/metrics").endpoint()).isEqualTo(ApiPath.Endpoint.UNKNOWN);
  }

  @Test
  void ages_followKubectlsHumanDuration() {
    List<String> ages = new ArrayList<>();
    for (long seconds : new long[] {-5, 0, 119, 120, 150, 600, 10_799, 10_800, 27_000, 172_799, 172_800, 190_800,
        691_200, 63_072_000}) {
      ages.add(Ages.human(Duration.ofSeconds(seconds)));
    }
    assertThat(ages).containsExactly("<invalid>", "0s", "119s", "2m", "2m30s", "10m", "179m", "3h", "7h30m", "47h",
        "2d", "2d5h", "8d", "2y");
  }

  @Test
  void versions_preferGaThenBetaThenAlpha_higherFirst() {
    List<String> versions = new ArrayList<>(List.of("v1alpha1", "v2beta1", "v1", "v1beta2", "v2", "foo", "v1beta1"));
    versions.sort(KubeVersions.PRIORITY);
    assertThat(versions).containsExactly("v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo");
  }

  @Test
  void representation_isTheFirstProducibleMediaType() {
    assertThat(Representation.fromAccept("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"))
        .isEqualTo(Representation.TABLE);
    assertThat(Representation.fromAccept("application/json,application/json;as=Table;v=v1;g=meta.k8s.io"))
        .isEqualTo(Representation.OBJECT);
    assertThat(Representation.fromAccept("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"))
        .isEqualTo(Representation.METADATA);
    assertThat(Representation.fromAccept(null)).isEqualTo(Representation.OBJECT);
  }

  @Test
  void statusBodies_carryKubernetesReasonsAndCauses() {
    var invalid = new BackendException.Invalid("ConfigMap \"x\" is invalid: metadata.name: Required value",
        ImmutableList.of("metadata.name: Required value"));
    assertThat(Json.write(StatusBody.failure(invalid, "", "ConfigMap", "x"))).isEqualTo("{\"kind\":\"Status\","
        + "\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"ConfigMap \\\"x\\\" is invalid: "
        + "metadata.name: Required value\",\"reason\":\"Invalid\",\"code\":422,\"details\":{\"name\":\"x\",\"kind\":"
        + "\"ConfigMap\",\"causes\":[{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":"
        + "\"metadata.name\"}]}}");
    var several = new BackendException.Invalid("Quota.example.com \"q\" is invalid: […]", ImmutableList.of(
        "spec.zones: Too many: 3: must have at most 2 items", "spec.name: Too long: may not be more than 8 bytes",
        "spec.x-kubernetes-validations: Internal error: no type", "spec.size: Forbidden: no", "<nil>: Invalid value: \"object\": x"));
    assertThat(StatusBody.failure(several, "example.com", "Quota", "q").at("/details/causes").findValuesAsText("reason"))
        .as("field.ErrorType's strings").containsExactly("FieldValueTooMany", "FieldValueTooLong", "InternalError",
            "FieldValueForbidden", "FieldValueInvalid");
    var conflict = new BackendException.Conflict("Apply failed with 1 conflict",
        ImmutableList.of("kubectl: .spec.replicas"));
    assertThat(StatusBody.failure(conflict, "apps", "deployments", "web").at("/details/causes/0").toString())
        .isEqualTo("{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with \\\"kubectl\\\": .spec.replicas\","
            + "\"field\":\".spec.replicas\"}");
    assertThat(StatusBody.reason(new BackendException.Gone("too old"))).isEqualTo("Expired");
    assertThat(StatusBody.reason(new BackendException.Unavailable(429, "slow down", Duration.ofSeconds(2))))
        .isEqualTo("TooManyRequests");
  }

  @Test
  void printerCells_matchKubectlsColumns() {
    Resource node = Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n\","
        + "\"labels\":{\"node-role.kubernetes.io/worker\":\"\",\"node-role.kubernetes.io/control-plane\":\"\"}},"
        + "\"spec\":{\"unschedulable\":true},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}"));
    assertThat(BuiltinColumns.nodeRoles(node)).isEqualTo("control-plane,worker");
    assertThat(BuiltinColumns.nodeStatus(node)).isEqualTo("NotReady,SchedulingDisabled");
    Resource service = Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\","
        + "\"namespace\":\"d\"},\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30080},{\"port\":53,\"protocol\":\"UDP\"}]}}"));
    assertThat(BuiltinColumns.servicePorts(service)).isEqualTo("80:30080/TCP,53/UDP");
    Resource pod = Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
        + "\"namespace\":\"d\"},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"state\":{\"waiting\":"
        + "{\"reason\":\"CrashLoopBackOff\"}}}]}}"));
    assertThat(BuiltinColumns.podStatus(pod)).isEqualTo("CrashLoopBackOff");
  }

  /** A pod with init containers {@code a} and {@code b} (a sidecar when asked) and the container {@code main}. */
  private static Resource initPod(boolean sidecar, String status, String more) {
    return Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
        + "\"namespace\":\"d\"" + more + "},\"spec\":{\"initContainers\":[{\"name\":\"a\"" + (sidecar ? ",\"restartPolicy\":"
        + "\"Always\"" : "") + "},{\"name\":\"b\"}],\"containers\":[{\"name\":\"main\"}]},\"status\":" + status + "}"));
  }

  @Test
  void podRows_followPrintPod_throughInitialization() {
    String done = "{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}";
    String waiting = "{\"name\":\"b\",\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}";
    String mainWaiting = ",\"containerStatuses\":[{\"name\":\"main\",\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}]";
    Resource second = initPod(false, "{\"phase\":\"Pending\",\"initContainerStatuses\":[" + done + "," + waiting + "]"
        + mainWaiting + "}", "");
    assertThat(PodRow.of(second).reason()).isEqualTo("Init:1/2");
    assertThat(PodRow.of(second).ready()).isEqualTo("0/1");

    String looping = "{\"name\":\"b\",\"restartCount\":3,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}},"
        + "\"lastState\":{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\",\"finishedAt\":\"2026-01-01T00:00:10Z\"}}}";
    PodRow crashing = PodRow.of(initPod(false, "{\"phase\":\"Pending\","
        + "\"initContainerStatuses\":[" + done + "," + looping + "]" + mainWaiting + "}", ""));
    assertThat(crashing.reason()).isEqualTo("Init:CrashLoopBackOff");
    assertThat(crashing.restarts(Instant.parse("2026-01-01T00:01:10Z"))).isEqualTo("3 (60s ago)");
    String failed = "{\"name\":\"b\",\"state\":{\"terminated\":{\"exitCode\":2,\"reason\":\"Error\"}}}";
    assertThat(BuiltinColumns.podStatus(initPod(false, "{\"phase\":\"Failed\",\"initContainerStatuses\":[" + done
        + "," + failed + "]" + mainWaiting + "}", ""))).isEqualTo("Init:Error");

    // A started sidecar is done, and counts among the containers; a Completed pod with one running says Running.
    String sidecar = "{\"name\":\"a\",\"started\":true,\"ready\":true,\"state\":{\"running\":{}}}";
    String running = ",\"containerStatuses\":[{\"name\":\"main\",\"ready\":true,\"state\":{\"running\":{}}}]";
    PodRow up = PodRow.of(initPod(true, "{\"phase\":\"Running\",\"conditions\":["
        + "{\"type\":\"Initialized\",\"status\":\"True\"}],\"initContainerStatuses\":[" + sidecar + ","
        + done.replace("\"a\"", "\"b\"") + "]" + running + "}", ""));
    assertThat(up.reason()).isEqualTo("Running");
    assertThat(up.ready()).isEqualTo("2/2");
    assertThat(up.restarts(Instant.EPOCH)).isEqualTo("0");

    // Deleted: Terminating until it ended; Unknown when its node was lost.
    String deleted = ",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"";
    assertThat(BuiltinColumns.podStatus(initPod(true, "{\"phase\":\"Running\"" + running + "}", deleted)))
        .isEqualTo("Terminating");
    assertThat(BuiltinColumns.podStatus(initPod(true, "{\"phase\":\"Failed\"}", deleted))).isEqualTo("Failed");
    assertThat(BuiltinColumns.podStatus(initPod(true, "{\"phase\":\"Running\",\"reason\":\"NodeLost\"}", deleted)))
        .isEqualTo("Unknown");
  }

  @Test
  void printerColumnPaths_readFieldsAndIndices() {
    var tree = Json.parse("{\"status\":{\"agent\":{\"status\":\"Running\"},\"list\":[{\"a\":1},{\"a\":2}]}}");
    assertThat(Tables.at(tree, ".status.agent.status").asText()).isEqualTo("Running");
    assertThat(Tables.at(tree, "{.status.list[1].a}").asInt()).isEqualTo(2);
    assertThat(Tables.at(tree, ".status.missing.x").isMissingNode()).isTrue();
  }

  @Test
  void protoWriter_writesKeysLengthsAndNestedMessages() {
    byte[] bytes = new ProtoWriter().string(1, "2.0").string(3, "").message(2, new ProtoWriter().string(1, "K"))
        .toByteArray();
    assertThat(bytes).containsExactly(0x0A, 3, '2', '.', '0', 0x12, 3, 0x0A, 1, 'K');
  }

  @Test
  void selfSignedCertificate_parsesAndNamesLoopback() throws Exception {
    SelfSignedTls tls = SelfSignedTls.create();
    X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(tls.pem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertThat(parsed.getSubjectX500Principal().getName()).isEqualTo("CN=converge");
    List<Object> names = new ArrayList<>();
    parsed.getSubjectAlternativeNames().forEach(name -> names.add(name.get(1)));
    assertThat(names).containsExactly("127.0.0.1", "localhost");
    assertThat(parsed.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    parsed.verify(parsed.getPublicKey());
  }
}
