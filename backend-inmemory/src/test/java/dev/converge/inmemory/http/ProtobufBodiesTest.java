package dev.converge.inmemory.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.converge.api.Json;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta.DeleteOptions;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ProtobufBodiesTest {
  /*
   * The bodies kubectl 1.32.4 sent for these commands (captured with -v=9), and the JSON that
   * `kubectl <command> --dry-run=client -o json` printed for the same command: what a JSON client sends.
   */

  @Test
  void kubectlCreateDeployment_decodesToTheJsonKubectlWouldSend_withAnExplicitZeroReplicasKept() {
    assertDecodes("6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b0010a1f0a0377656212001a0022002a0032003800"
        + "42005a0a0a036170701203776562127f0800120c0a0a0a0361707012037765621a650a1c0a0012001a0022002a00320038004200"
        + "5a0a0a036170701203776562124512270a056e67696e78120a6e67696e783a312e32352a0042006a007200800100880100900100"
        + "a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c08001000180020002800"
        + "38001a002200",
        "{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web\",\"creationTimestamp\":null,"
        + "\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":0,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
        + "\"template\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
        + "[{\"name\":\"nginx\",\"image\":\"nginx:1.25\",\"resources\":{}}]}},\"strategy\":{}},\"status\":{}}");
  }

  @Test
  void kubectlCreateSecret_hasItsBytesInBase64() {
    assertDecodes("6b3873000a0c0a0276311206536563726574121e0a120a02733112001a0022002a0032003800420012060a01611201621a"
        + "001a002200",
        "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s1\",\"creationTimestamp\":null},"
        + "\"data\":{\"a\":\"Yg==\"}}");
  }

  @Test
  void kubectlCreateConfigMapAndNamespace() {
    assertDecodes("6b3873000a0f0a0276311209436f6e6669674d6170121c0a120a02633112001a0022002a003200380042001206"
        + "0a01611201621a002200",
        "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c1\",\"creationTimestamp\":null},"
        + "\"data\":{\"a\":\"b\"}}");
    assertDecodes("6b3873000a0f0a02763112094e616d657370616365121a0a120a02743112001a0022002a003200380042001200"
        + "1a020a001a002200",
        "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"t1\",\"creationTimestamp\":null},"
        + "\"spec\":{},\"status\":{}}");
  }

  @Test
  void kubectlCreateService_dropsTheZeroNodePortAndKeepsTheIntTargetPort() {
    assertDecodes("6b3873000a0d0a027631120753657276696365126c0a210a047376633112001a0022002a003200380042005a0b0a0361"
        + "707012047376633112430a1b0a0738302d38303830120354435018502207080010903f1a002800120b0a0361707012047376"
        + "63311a002209436c757374657249503a00420052005a00600068001a020a001a002200",
        "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"svc1\",\"creationTimestamp\":null,"
        + "\"labels\":{\"app\":\"svc1\"}},\"spec\":{\"ports\":[{\"name\":\"80-8080\",\"protocol\":\"TCP\",\"port\":80,"
        + "\"targetPort\":8080}],\"selector\":{\"app\":\"svc1\"},\"type\":\"ClusterIP\"},\"status\":{\"loadBalancer\":{}}}");
  }

  @Test
  void kubectlCreatePriorityClass_keepsAZeroValue_whichHasNoOmitempty() {
    assertDecodes("6b3873000a250a147363686564756c696e672e6b38732e696f2f7631120d5072696f72697479436c61737312310a130a"
        + "0370633012001a0022002a003200380042001000180022002a14507265656d70744c6f7765725072696f726974791a002200",
        "{\"kind\":\"PriorityClass\",\"apiVersion\":\"scheduling.k8s.io/v1\",\"metadata\":{\"name\":\"pc0\","
        + "\"creationTimestamp\":null},\"value\":0,\"preemptionPolicy\":\"PreemptLowerPriority\"}");
  }

  @Test
  void kubectlCreateIngressCronJobRoleAndQuota_inlineMembersEmptyGroupsAndQuantities() {
    assertDecodes("6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e6772657373124a0a140a04696e6731120"
        + "01a0022002a00320038004200122e1a2c0a07666f6f2e636f6d12210a1f0a1d0a042f626172120e220c0a04737663311204"
        + "0a0010501a0545786163741a020a001a002200",
        "{\"kind\":\"Ingress\",\"apiVersion\":\"networking.k8s.io/v1\",\"metadata\":{\"name\":\"ing1\","
        + "\"creationTimestamp\":null},\"spec\":{\"rules\":[{\"host\":\"foo.com\",\"http\":{\"paths\":[{\"path\":"
        + "\"/bar\",\"pathType\":\"Exact\",\"backend\":{\"service\":{\"name\":\"svc1\",\"port\":{\"number\":80}}}}]}}]},"
        + "\"status\":{\"loadBalancer\":{}}}");
    assertDecodes("6b3873000a130a0862617463682f7631120743726f6e4a6f6212a1010a130a03636a3112001a0022002a00320038004200"
        + "1287010a0b2a2f31202a202a202a202a1a002a760a130a03636a3112001a0022002a00320038004200125f325d0a100a0012"
        + "001a0022002a00320038004200124912220a03636a31120762757379626f782a0042006a007200800100880100900100a201"
        + "001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c201001a001a002200",
        "{\"kind\":\"CronJob\",\"apiVersion\":\"batch/v1\",\"metadata\":{\"name\":\"cj1\",\"creationTimestamp\":null},"
        + "\"spec\":{\"schedule\":\"*/1 * * * *\",\"jobTemplate\":{\"metadata\":{\"name\":\"cj1\",\"creationTimestamp\":"
        + "null},\"spec\":{\"template\":{\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"containers\":[{\"name\":"
        + "\"cj1\",\"image\":\"busybox\",\"resources\":{}}],\"restartPolicy\":\"OnFailure\"}}}}},\"status\":{}}");
    assertDecodes("6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c6512230a120a0272"
        + "3112001a0022002a00320038004200120d0a0367657412001a04706f64731a002200",
        "{\"kind\":\"Role\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{\"name\":\"r1\","
        + "\"creationTimestamp\":null},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
    assertDecodes("6b3873000a130a027631120d5265736f7572636551756f7461123b0a120a02713112001a0022002a003200380042001223"
        + "0a0c0a04706f647312040a0231300a130a0c72657175657374732e63707512030a01321a001a002200",
        "{\"kind\":\"ResourceQuota\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"q1\",\"creationTimestamp\":null},"
        + "\"spec\":{\"hard\":{\"pods\":\"10\",\"requests.cpu\":\"2\"}},\"status\":{}}");
  }

  @Test
  void timesQuantitiesAndStringPorts_takeTheirJsonForms() {
    V1.Pod pod = V1.Pod.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("p").setDeletionTimestamp(Time.newBuilder().setSeconds(1_700_000_000L))
            .setDeletionGracePeriodSeconds(0))
        .setSpec(V1.PodSpec.newBuilder().setAutomountServiceAccountToken(false).setHostNetwork(false)
            .addContainers(V1.Container.newBuilder().setName("c").setImage("i").setStdin(false)
                .setResources(V1.ResourceRequirements.newBuilder().putLimits("cpu", Quantity.newBuilder().setString("500m").build()))
                .setReadinessProbe(V1.Probe.newBuilder().setPeriodSeconds(0).setHandler(V1.ProbeHandler.newBuilder()
                    .setHttpGet(V1.HTTPGetAction.newBuilder().setPort(IntOrString.newBuilder().setType(1).setStrVal("http"))))))
        ).build();
    JsonNode json = ProtobufBodies.decode(envelope("v1", "Pod", pod));
    assertThat(json.path("metadata").path("deletionTimestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(json.path("metadata").path("deletionGracePeriodSeconds").isNumber()).as("a pointer: 0 is kept").isTrue();
    assertThat(json.path("spec").path("automountServiceAccountToken").isBoolean()).as("a pointer: false is kept").isTrue();
    assertThat(json.path("spec").has("hostNetwork")).as("not a pointer, omitempty").isFalse();
    JsonNode container = json.path("spec").path("containers").get(0);
    assertThat(container.has("stdin")).isFalse();
    assertThat(container.path("resources").path("limits").path("cpu").asText()).isEqualTo("500m");
    assertThat(container.path("readinessProbe").has("periodSeconds")).isFalse();
    assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
  }

  @Test
  void deleteOptions_inAnyGroupVersion_decodeWithTheMetaSchema() {
    DeleteOptions options = DeleteOptions.newBuilder()
        .setGracePeriodSeconds(0).setPropagationPolicy("Foreground").build();
    assertThat(ProtobufBodies.decode(envelope("apps/v1", "DeleteOptions", options))).isEqualTo(Json.parse(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"DeleteOptions\",\"gracePeriodSeconds\":0,"
        + "\"propagationPolicy\":\"Foreground\"}"));
  }

  @Test
  void aFieldTheSchemaDoesNotKnow_isRefusedWith415NamingItsPath_notDropped() {
    V1.PodSpec spec = V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder().setName("c").setImage("i"))
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(40, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
            .build())
        .build();
    V1.Pod pod = V1.Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("p")).setSpec(spec).build();
    assertThatThrownBy(() -> ProtobufBodies.decode(envelope("v1", "Pod", pod)))
        .isInstanceOfSatisfying(FrontException.class, e -> assertThat(e.code()).isEqualTo(415))
        .hasMessageContaining("field 40 of k8s.io.api.core.v1.PodSpec (at spec)")
        .hasMessageContaining("send the object as JSON");
  }

  @Test
  void aKindTheSchemaLacks_andABodyWithoutTheMagic_areRefusedWithAReason() {
    assertThatThrownBy(() -> ProtobufBodies.decode(envelope("coordination.k8s.io/v1", "Lease",
        V1.ConfigMap.getDefaultInstance())))
        .isInstanceOfSatisfying(FrontException.class, e -> assertThat(e.code()).isEqualTo(415))
        .hasMessageContaining("no protobuf schema for Lease in coordination.k8s.io/v1");
    assertThatThrownBy(() -> ProtobufBodies.decode("{}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with the bytes 'k8s\\0'");
  }

  @Test
  void everyListedFieldExistsInTheSchema_soATypoCannotSilentlyDropAZero() {
    Set<String> listed = new TreeSet<>(GoJsonFields.KEEP_ZERO);
    listed.addAll(GoJsonFields.INLINE);
    List<String> missing = new ArrayList<>();
    for (String entry : listed) {
      int dot = entry.lastIndexOf('.');
      Descriptor type = ProtobufBodies.descriptor(entry.substring(0, dot));
      if (type == null || type.findFieldByName(entry.substring(dot + 1)) == null) {
        missing.add(entry);
      }
    }
    assertThat(missing).isEmpty();
    for (String entry : GoJsonFields.INLINE) {
      String message = entry.substring(0, entry.lastIndexOf('.'));
      assertThat(ProtobufBodies.descriptor(message).findFieldByName(entry.substring(entry.lastIndexOf('.') + 1))
          .getJavaType()).as(entry).isEqualTo(FieldDescriptor.JavaType.MESSAGE);
    }
  }

  private static void assertDecodes(String hex, String json) {
    assertThat(ProtobufBodies.decode(HexFormat.of().parseHex(hex))).isEqualTo(Json.parse(json));
  }

  private static byte[] envelope(String apiVersion, String kind, Message object) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'k', '8', 's', 0});
    out.writeBytes(Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(object.toByteString()).build().toByteArray());
    return out.toByteArray();
  }
}
