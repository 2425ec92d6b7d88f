package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CRD validation rules ({@code x-kubernetes-validations}) as kube-apiserver 1.32 runs them: compiled and
 * type-checked against the schema when the CRD is written (a CRD whose rule does not compile is refused with
 * apiextensions' cause), evaluated on every write of a custom resource with {@code message}, {@code
 * messageExpression}, {@code reason} and {@code fieldPath}; transition rules with {@code oldSelf}; failures on
 * unchanged values ratcheted into warnings; schema errors that stop CEL. The expected causes are Kubernetes' texts
 * (apiextensions-apiserver {@code schema/cel/validation.go}, {@code validation/validation.go}).
 */
class CelRulesTest {
  private static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"pools.example.com"},
       "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Pool","plural":"pools"},
        "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
         "schema":{"openAPIV3Schema":{"type":"object",
          "x-kubernetes-validations":[{"rule":"self.metadata.name.startsWith('p')","message":"name must start with p"}],
          "properties":{
          "spec":{"type":"object",
            "x-kubernetes-validations":[
              {"rule":"self.minReplicas <= self.maxReplicas","message":"minReplicas must not exceed maxReplicas"},
              {"rule":"!has(self.mode) || self.mode != 'off' || self.minReplicas == 0",
               "messageExpression":"'mode ' + self.mode + ' needs 0 replicas'"},
              {"rule":"self.x__dash__size < 100","reason":"FieldValueForbidden","fieldPath":".x-size"},
              {"rule":"!has(self.__namespace__) || self.__namespace__ != 'kube-system'","reason":"FieldValueRequired"},
              {"rule":"!has(self.mode) || self.mode != 'on' || self.limit >= 0","message":"mode on needs a limit"}],
            "properties":{
              "minReplicas":{"type":"integer","default":0},
              "maxReplicas":{"type":"integer","default":3},
              "mode":{"type":"string","enum":["on","off"]},
              "x-size":{"type":"integer","default":1},
              "namespace":{"type":"string"},
              "class":{"type":"string","x-kubernetes-validations":[
                {"rule":"self == oldSelf","message":"class is immutable"}]},
              "zones":{"type":"array","items":{"type":"string"},"maxItems":5,
                "x-kubernetes-validations":[{"rule":"self.all(z, z.matches('^[a-z]+-[0-9]$'))","message":"bad zone"}]},
              "members":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                "items":{"type":"object","required":["name"],"properties":{
                  "name":{"type":"string"},
                  "weight":{"type":"integer","x-kubernetes-validations":[
                    {"rule":"self >= oldSelf","message":"weight may only grow"}]}}}},
              "labels":{"type":"object","additionalProperties":{"type":"string",
                "x-kubernetes-validations":[{"rule":"self.size() <= 8"}]}},
              "until":{"type":"string","format":"date-time"},
              "owner":{"type":"string","x-kubernetes-validations":[
                {"rule":"oldSelf.hasValue() ? self == oldSelf.value() : self.startsWith('team-')",
                 "optionalOldSelf":true,"message":"owner is a team- name, set once"}]},
              "limit":{"type":"integer"}}},
          "status":{"type":"object","properties":{"ready":{"type":"integer"}},
            "x-kubernetes-validations":[{"rule":"self.ready >= 0"}]}}}}}]}}""";

  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 41).server();
  private final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void installCrd() {
    server.create(ADMIN, Fixtures.parse(CRD));
  }

  private static Resource pool(String name, String spec) {
    return Fixtures.parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Pool\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"},\"spec\":" + spec + "}");
  }

  private static Resource pool(String spec) {
    return pool("pool", spec);
  }

  private WriteOptions options() {
    return new WriteOptions("tester", warnings::add);
  }

  private List<String> causesOf(Runnable write) {
    List<String> causes = new ArrayList<>();
    assertThatThrownBy(write::run).isInstanceOfSatisfying(BackendException.Invalid.class, e -> {
      assertThat(e.code()).isEqualTo(422);
      causes.addAll(e.causes());
    });
    return causes;
  }

  @Test
  void aValidObject_passesEveryRule() {
    Resource created = server.create(ADMIN, pool("""
        {"minReplicas":1,"maxReplicas":2,"mode":"on","limit":4,"zones":["eu-1","us-2"],"labels":{"a":"b"},
         "until":"2030-01-01T00:00:00Z","owner":"team-a","members":[{"name":"m","weight":1}]}"""));
    assertThat(created.spec().path("x-size").asInt()).as("defaults are in before the rules run").isEqualTo(1);
  }

  @Test
  void failedRules_areCausesAtTheirNode_withTheirMessage_reason_andFieldPath() {
    assertThat(causesOf(() -> server.create(ADMIN, pool("nope", """
        {"minReplicas":3,"maxReplicas":2,"mode":"off","x-size":100,"namespace":"kube-system",
         "zones":["eu-1","EU"],"labels":{"long":"123456789"},"owner":"me"}""")))).containsExactlyInAnyOrder(
        "<nil>: Invalid value: \"object\": name must start with p",
        "spec: Invalid value: \"object\": minReplicas must not exceed maxReplicas",
        "spec: Invalid value: \"object\": mode off needs 0 replicas",
        "spec.x-size: Forbidden: failed rule: self.x__dash__size < 100",
        "spec: Required value: failed rule: !has(self.__namespace__) || self.__namespace__ != 'kube-system'",
        "spec.zones: Invalid value: \"array\": bad zone",
        "spec.labels[long]: Invalid value: \"string\": failed rule: self.size() <= 8",
        "spec.owner: Invalid value: \"string\": owner is a team- name, set once");
  }

  @Test
  void transitionRules_runOnUpdates_againstTheCorrelatedOldValue() {
    Resource created = server.create(ADMIN, pool("""
        {"class":"gold","owner":"team-a","members":[{"name":"a","weight":5},{"name":"b","weight":1}]}"""));
    assertThat(causesOf(() -> server.update(ADMIN, created.edit(t -> {
      ObjectNode spec = t.withObjectProperty("spec");
      spec.put("class", "silver").put("owner", "team-b");
      spec.withArrayProperty("members").removeAll();
      spec.withArrayProperty("members").addObject().put("name", "b").put("weight", 2);
      spec.withArrayProperty("members").addObject().put("name", "a").put("weight", 4);
      spec.withArrayProperty("members").addObject().put("name", "c").put("weight", 0);
    })))).containsExactly(
        "spec.class: Invalid value: \"string\": class is immutable",
        "spec.members[1].weight: Invalid value: \"integer\": weight may only grow",
        "spec.owner: Invalid value: \"string\": owner is a team- name, set once");
    Resource grown = server.update(ADMIN, created.edit(t -> ((ObjectNode) t.at("/spec/members/0")).put("weight", 6)));
    assertThat(grown.spec().at("/members/0/weight").asInt()).isEqualTo(6);
  }

  @Test
  void aRuleThatCannotBeEvaluated_isAnError_namingTheRuleByItsMessage() {
    assertThat(causesOf(() -> server.create(ADMIN, pool("{\"mode\":\"on\"}"))))
        .containsExactly("spec: Invalid value: \"object\": no such key: limit evaluating rule: mode on needs a limit");
  }

  @Test
  void schemaErrors_thatStopCel_leaveOneCauseInsteadOfTheRules() {
    assertThat(causesOf(() -> server.create(ADMIN, pool("nope", "{\"mode\":\"maybe\",\"minReplicas\":5}"))))
        .containsExactly("spec.mode: Unsupported value: \"maybe\": supported values: \"on\", \"off\"",
            "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; "
                + "correct the existing errors to complete validation");
  }

  @Test
  void statusWrites_runTheRulesOfTheWholeObject() {
    Resource created = server.create(ADMIN, pool("{}"));
    assertThat(causesOf(() -> server.updateStatus(ADMIN, created.edit(t -> t.putObject("status").put("ready", -1)))))
        .containsExactly("status: Invalid value: \"object\": failed rule: self.ready >= 0");
    assertThat(server.updateStatus(ADMIN, created.edit(t -> t.putObject("status").put("ready", 2)))
        .status().path("ready").asInt()).isEqualTo(2);
  }

  @Test
  void aFailureOnAnUnchangedValue_isRatchetedIntoAWarning() {
    Resource created = server.create(ADMIN, pool("{\"zones\":[\"eu-1\"]}"));
    // The rule tightens after the object is stored: the zone no longer passes.
    Resource crd = server.get(ADMIN, Fixtures.parse(CRD).key());
    server.update(ADMIN, crd.edit(t -> ((ObjectNode) t.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"
        + "/properties/zones/x-kubernetes-validations/0")).put("rule", "self.all(z, z.startsWith('us'))")));
    Resource updated = server.update(ADMIN, created.edit(t -> t.withObjectProperty("spec").put("limit", 3)), options());
    assertThat(updated.spec().path("limit").asInt()).isEqualTo(3);
    assertThat(warnings).containsExactly("spec.zones: Invalid value: \"array\": bad zone");
    assertThat(causesOf(() -> server.update(ADMIN, updated.edit(t -> t.withObjectProperty("spec")
        .withArrayProperty("zones").add("eu-2"))))).containsExactly("spec.zones: Invalid value: \"array\": bad zone");
  }

  @Test
  void aCrdWhoseRulesDoNotCompile_orAreMalformed_isRefused_withApiextensionsCauses() {
    String rules = """
        [{"rule":"self.bogus > 0"},
         {"rule":"self.limit"},
         {"rule":"self.limit > 0","messageExpression":"self.limit"},
         {"rule":"self.limit > 0","reason":"FieldValueWrong"},
         {"rule":"self.limit > 0","fieldPath":".nope"},
         {"rule":"self.limit > 0","optionalOldSelf":true},
         {"rule":"  "},
         {"rule":"self.limit > 0","message":"two\\nlines"}]""";
    String crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"bads.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Bad","plural":"bads"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
           "spec":{"type":"object","x-kubernetes-validations":RULES,"properties":{"limit":{"type":"integer"},
             "zones":{"type":"array","maxItems":10,"items":{"type":"string","maxLength":16,
               "x-kubernetes-validations":[{"rule":"self == oldSelf"}]}}}}}}}}]}}""".replace("RULES", rules);
    String at = "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations";
    assertThat(causesOf(() -> server.create(ADMIN, Fixtures.parse(crd)))).containsExactly(
        "spec.validation.openAPIV3Schema.properties[spec].properties[zones].items.x-kubernetes-validations[0].rule: "
            + "Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema "
            + "within spec.validation.openAPIV3Schema.properties[spec].properties[zones]",
        at + "[0].rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.bogus > 0\", Message:\"\", "
            + "MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", "
            + "OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field 'bogus'\n"
            + " | self.bogus > 0\n | ....^",
        at + "[1].rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.limit\", Message:\"\", "
            + "MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", "
            + "OptionalOldSelf:(*bool)(nil)}: cel expression must evaluate to a bool",
        at + "[2].messageExpression: Invalid value: apiextensions.ValidationRule{Rule:\"self.limit > 0\", Message:\"\", "
            + "MessageExpression:\"self.limit\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", "
            + "OptionalOldSelf:(*bool)(nil)}: messageExpression must evaluate to a string",
        at + "[3].reason: Unsupported value: \"FieldValueWrong\": supported values: \"FieldValueDuplicate\", "
            + "\"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\"",
        at + "[4].fieldPath: Invalid value: \".nope\": fieldPath must be a valid path",
        at + "[5].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule",
        at + "[6].rule: Required value: rule is not specified",
        at + "[7].message: Invalid value: \"two\\nlines\": message must not contain line breaks");
  }

  @Test
  void twoVariableComprehensions_areForStoredRulesOnly_soANewCrdCannotUseThem() {
    Resource crd = server.get(ADMIN, Fixtures.parse(CRD).key());
    assertThat(causesOf(() -> server.update(ADMIN, crd.edit(t -> ((ObjectNode) t.at("/spec/versions/0/schema/"
        + "openAPIV3Schema/properties/spec/properties/labels")).putArray("x-kubernetes-validations").addObject()
        .put("rule", "self.all(k, v, k.size() < 5 && v.size() < 5)")))))
        .singleElement().asString().startsWith("spec.validation.openAPIV3Schema.properties[spec].properties[labels]"
            + ".x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.all(k, v, "
            + "k.size() < 5 && v.size() < 5)\"").contains("compilation failed: ERROR: <input>:1:9:");
  }

  private static final String BUDGET = " (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where "
      + "arrays, maps, and strings are declared)";

  /** A CRD of kind {@code kind} (plural: lower case, with an s) whose spec has {@code specProperties}. */
  private Resource crdWithSpec(String kind, String specProperties) {
    String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
    return Fixtures.parse("""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"%s.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"%s","plural":"%s"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
           "properties":{"spec":{"type":"object","properties":%s}}}}}]}}""".formatted(plural, kind, plural, specProperties));
  }

  @Test
  void aRuleTooCostlyToRun_refusesItsCrd_asTheStaticCostEstimateDoes() {
    String hosts = "{\"hosts\":{\"type\":\"array\",%s\"items\":{\"type\":\"string\",%s"
        + "\"x-kubernetes-validations\":[{\"rule\":\"self.matches('^[a-z]+$')\"}]}}}";
    String at = "spec.validation.openAPIV3Schema.properties[spec].properties[hosts].items.x-kubernetes-validations[0].rule";
    assertThat(causesOf(() -> server.create(ADMIN, crdWithSpec("Unbounded", hosts.formatted("", ""))))).containsExactly(
        at + ": Forbidden: estimated rule cost exceeds budget by factor of more than 100x" + BUDGET,
        at + ": Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema",
        "spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire "
            + "OpenAPIv3 schema exceeds budget by factor of more than 100x" + BUDGET);
    Resource bounded = server.create(ADMIN, crdWithSpec("Bounded", hosts.formatted("\"maxItems\":100,", "\"maxLength\":63,")));
    assertThat(bounded.name()).isEqualTo("boundeds.example.com");
  }

  @Test
  void theCostFactor_isPrintedAsGoPrintsIt() {
    String tags = "{\"tags\":{\"type\":\"array\",\"maxItems\":%d,\"items\":{\"type\":\"string\",\"maxLength\":16},"
        + "\"x-kubernetes-validations\":[{\"rule\":\"self.all(x, x.contains('gpu'))\"}]}}";
    String at = "spec.validation.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0].rule: Forbidden: "
        + "estimated rule cost exceeds budget by factor of ";
    // 2 + maxItems × (ceil(64 × 0.1) + 4): 909,090 items cost 9,999,992, the most a rule may.
    assertThat(server.create(ADMIN, crdWithSpec("Fits", tags.formatted(909_090))).name()).isEqualTo("fitss.example.com");
    assertThat(causesOf(() -> server.create(ADMIN, crdWithSpec("Over", tags.formatted(1_300_000)))))
        .containsExactly(at + "1.430000x" + BUDGET);
    assertThat(causesOf(() -> server.create(ADMIN, crdWithSpec("Twice", tags.formatted(2_000_000)))))
        .containsExactly(at + "2.2x" + BUDGET);
  }

  @Test
  void theRulesHoldForTheSchemasDefaults_too() {
    String at = "spec.validation.openAPIV3Schema.properties[spec].properties";
    assertThat(causesOf(() -> server.create(ADMIN, crdWithSpec("Sized", """
        {"size":{"type":"integer","default":0,"x-kubernetes-validations":[{"rule":"self >= 1"}]},
         "limits":{"type":"object","default":{"cpu":"x"},"properties":{
           "cpu":{"type":"string","maxLength":8,"x-kubernetes-validations":[{"rule":"self != 'x'"}]}}}}""")))).containsExactly(
        at + "[size].default: Invalid value: \"integer\": failed rule: self >= 1",
        at + "[limits].default.cpu: Invalid value: \"string\": failed rule: self != 'x'");
  }
}
