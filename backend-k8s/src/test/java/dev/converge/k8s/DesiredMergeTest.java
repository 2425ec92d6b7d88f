package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import org.junit.jupiter.api.Test;

/**
 * The update fallback's merge: objects merge field by field keeping live-only fields, keyed lists follow the
 * desired elements merged with their live counterparts, metadata lists keep every live element.
 */
class DesiredMergeTest {
  private static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");

  private static String merge(GroupKind kind, String live, String desired) {
    return Json.write(DesiredMerge.merge(kind, Wire.parse(live), Wire.parse(desired)));
  }

  @Test
  void objects_keepLiveOnlyFields_andTakeDesiredScalars() {
    assertThat(merge(GroupKind.of("", "ConfigMap"),
        "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\",\"labels\":{\"other\":\"x\"}},\"data\":{\"k\":\"old\",\"extra\":\"e\"}}",
        "{\"metadata\":{\"name\":\"a\",\"labels\":{\"mine\":\"y\"}},\"data\":{\"k\":\"new\"}}"))
        .isEqualTo("{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\",\"labels\":{\"other\":\"x\",\"mine\":\"y\"}},"
            + "\"data\":{\"k\":\"new\",\"extra\":\"e\"}}");
  }

  @Test
  void containers_mergeByName_keepingServerDefaults_andDroppingUndesiredOnes() {
    String live = "{\"spec\":{\"template\":{\"spec\":{\"containers\":["
        + "{\"name\":\"sidecar\",\"image\":\"s:1\"},"
        + "{\"name\":\"app\",\"image\":\"app:1\",\"terminationMessagePath\":\"/dev/termination-log\"}]}}}}";
    String desired = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"app:2\"}]}}}}";

    assertThat(merge(DEPLOYMENT, live, desired)).isEqualTo("{\"spec\":{\"template\":{\"spec\":{\"containers\":["
        + "{\"name\":\"app\",\"image\":\"app:2\",\"terminationMessagePath\":\"/dev/termination-log\"}]}}}}");
  }

  @Test
  void containerPorts_matchWithDefaultedProtocol() {
    String live = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"ports\":["
        + "{\"containerPort\":80,\"protocol\":\"TCP\",\"name\":\"http\"}]}]}}}}";
    String desired = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"ports\":["
        + "{\"containerPort\":80,\"hostPort\":8080}]}]}}}}";

    assertThat(merge(DEPLOYMENT, live, desired)).isEqualTo("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\","
        + "\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\",\"name\":\"http\",\"hostPort\":8080}]}]}}}}");
  }

  @Test
  void atomicLists_areReplaced() {
    assertThat(merge(DEPLOYMENT,
        "{\"spec\":{\"template\":{\"spec\":{\"tolerations\":[{\"key\":\"a\"},{\"key\":\"b\"}]}}}}",
        "{\"spec\":{\"template\":{\"spec\":{\"tolerations\":[{\"key\":\"c\"}]}}}}"))
        .isEqualTo("{\"spec\":{\"template\":{\"spec\":{\"tolerations\":[{\"key\":\"c\"}]}}}}");
  }

  @Test
  void metadataLists_keepEveryLiveElement() {
    assertThat(merge(DEPLOYMENT,
        "{\"metadata\":{\"finalizers\":[\"other.io/keep\"],\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"a\"}]}}",
        "{\"metadata\":{\"finalizers\":[\"converge.dev/cleanup\"],\"ownerReferences\":[{\"uid\":\"2\",\"name\":\"b\"}]}}"))
        .isEqualTo("{\"metadata\":{\"finalizers\":[\"other.io/keep\",\"converge.dev/cleanup\"],"
            + "\"ownerReferences\":[{\"uid\":\"2\",\"name\":\"b\"},{\"uid\":\"1\",\"name\":\"a\"}]}}");
  }

  @Test
  void inputs_areNotChanged() {
    var live = Wire.parse("{\"data\":{\"a\":\"1\"}}");
    var desired = Wire.parse("{\"data\":{\"b\":\"2\"}}");
    DesiredMerge.merge(GroupKind.of("", "ConfigMap"), live, desired);

    assertThat(Json.write(live)).isEqualTo("{\"data\":{\"a\":\"1\"}}");
    assertThat(Json.write(desired)).isEqualTo("{\"data\":{\"b\":\"2\"}}");
  }
}
