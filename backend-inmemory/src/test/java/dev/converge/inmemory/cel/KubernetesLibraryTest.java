package dev.converge.inmemory.cel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.inmemory.validation.FieldErrors;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes CEL libraries CRD rules call, each rule true on one object (so a wrong answer, an overload that
 * does not type-check, or a missing binding fails it), and the errors Kubernetes words.
 */
class KubernetesLibraryTest {
  private static final JsonNode OBJECT = Json.parse("""
      {"ints":[1,2,3],"names":["a","b","b"],"text":"ab12cd345","link":"https://user@example.com:8443/a%20b?x=1&x=2&y=",
       "cpu":"1500m","memory":"1Gi","addr":"10.0.0.7","net":"10.0.0.1/8","v6":"fe80::1","empty":[]}""");
  // Bounded, as Kubernetes' cost estimate wants them: unbounded lists of unbounded strings would refuse most rules.
  private static final String PROPERTIES = """
      {"ints":{"type":"array","maxItems":10,"items":{"type":"integer"}},
       "names":{"type":"array","maxItems":10,"items":{"type":"string","maxLength":64}},
       "empty":{"type":"array","maxItems":10,"items":{"type":"integer"}},
       "text":{"type":"string","maxLength":64},"link":{"type":"string","maxLength":256},
       "cpu":{"type":"string","maxLength":16},"memory":{"type":"string","maxLength":16},
       "addr":{"type":"string","maxLength":64},"net":{"type":"string","maxLength":64},"v6":{"type":"string","maxLength":64}}""";

  private static ValidationRules rules(String rule) {
    ObjectNode schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":" + PROPERTIES + "}");
    schema.putArray("x-kubernetes-validations").addObject().put("rule", rule);
    ValidationRules rules = ValidationRules.compile(schema);
    FieldErrors problems = new FieldErrors();
    rules.problems("s", problems);
    assertThat(problems.causes()).as(rule).isEmpty();
    return rules;
  }

  private static List<String> errors(String rule) {
    return rules(rule).validate(OBJECT, null, List.of()).errors();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "self.ints.isSorted() && self.names.isSorted() && ![2, 1].isSorted()",
      "self.ints.sum() == 6 && self.empty.sum() == 0 && self.ints.min() == 1 && self.ints.max() == 3",
      "self.names.max() == 'b' && self.names.indexOf('b') == 1 && self.names.lastIndexOf('b') == 2",
      "self.names.indexOf('z') == -1 && [duration('1s'), duration('2s')].sum() == duration('3s')",
      "self.text.find('[0-9]+') == '12' && self.text.findAll('[0-9]+') == ['12', '345']",
      "self.text.findAll('[0-9]', 2) == ['1', '2'] && self.text.find('z') == ''",
      "isURL(self.link) && !isURL('example.com/x') && isURL('/relative/path')",
      "url(self.link).getScheme() == 'https' && url(self.link).getHost() == 'example.com:8443'",
      "url(self.link).getHostname() == 'example.com' && url(self.link).getPort() == '8443'",
      "url(self.link).getEscapedPath() == '/a%20b' && url(self.link).getQuery() == {'x': ['1', '2'], 'y': ['']}",
      "url('https://[::1]:80/').getHostname() == '::1' && url('https://[::1]:80/').getHost() == '[::1]:80'",
      "quantity(self.cpu).isLessThan(quantity('2')) && quantity(self.memory).isGreaterThan(quantity('1000Mi'))",
      "quantity(self.memory).asInteger() == 1073741824 && !quantity(self.cpu).isInteger()",
      "quantity(self.cpu).add(quantity('500m')).compareTo(quantity('2')) == 0 && quantity('1').sub(1).compareTo(quantity('0')) == 0",
      "sign(quantity('-1')) == -1 && isQuantity('10Mi') && !isQuantity('ten') && quantity('1.5').asApproximateFloat() == 1.5",
      "isIP(self.addr) && ip(self.addr).family() == 4 && ip(self.v6).family() == 6 && ip(self.v6).isLinkLocalUnicast()",
      "!isIP('01.2.3.4') && !isIP('::ffff:1.2.3.4') && !isIP('fe80::1%eth0') && !isIP('example.com')",
      "ip('127.0.0.1').isLoopback() && ip('0.0.0.0').isUnspecified() && ip(self.addr).isGlobalUnicast()",
      "ip('224.0.0.1').isLinkLocalMulticast() && ip.isCanonical('10.0.0.7') && !ip.isCanonical('2001:DB8::1')",
      "string(ip('2001:db8::1')) == '2001:db8::1' && isCIDR(self.net) && !isCIDR('10.0.0.0/33')",
      "cidr(self.net).containsIP(self.addr) && cidr(self.net).containsIP(ip('10.9.9.9')) && !cidr(self.net).containsIP('11.0.0.1')",
      "cidr(self.net).containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR(self.net)",
      "string(cidr(self.net).masked()) == '10.0.0.0/8' && cidr(self.net).prefixLength() == 8 && string(cidr(self.net).ip()) == '10.0.0.1'",
      "!format.dns1123Label().validate('my-name').hasValue() && format.dns1123Label().validate('My_Name').value().size() == 1",
      "format.dns1123Label().validate('a.b').value() == ['must not contain dots'] && !format.dns1123LabelPrefix().validate('web-').hasValue()",
      "format.named('uuid').value().validate('nope').value()[0] == 'does not match the UUID format' && !format.named('bogus').hasValue()",
      "!format.date().validate('2024-02-29').hasValue() && format.date().validate('2024-02-30').hasValue()",
      "format.byte().validate('!!').value() == ['invalid base64'] && !format.datetime().validate('2024-01-01T00:00:00Z').hasValue()",
      "format.uri().validate('no scheme').hasValue() && !format.uri().validate('https://example.com/x').hasValue()",
      "!format.qualifiedName().validate('example.com/MyName').hasValue() && format.qualifiedName().validate('a/b/c').hasValue()",
      "{'a': 1}.all(k, v, k == 'a' && v == 1) && [5].exists(i, v, i == 0 && v == 5) // stored rules only",
      "'ab'.lowerAscii() == 'ab' && 'a,b'.split(',') == ['a', 'b'] && sets.contains([1, 2], [1]) && self.?text.orValue('x') == self.text"})
  void everyFunction_answersAsKubernetes(String rule) {
    assertThat(errors(rule)).as(rule).isEmpty();
  }

  @Test
  void errors_areKubernetesWords() {
    assertThat(errors("self.empty.min() == 0")).containsExactly(
        "<nil>: Invalid value: \"object\": min called on empty list evaluating rule: self.empty.min() == 0");
    assertThat(errors("url('nope').getScheme() == ''")).singleElement().asString()
        .contains("URL parse error during conversion from string: parse \"nope\": invalid URI for request");
    assertThat(errors("quantity(self.memory).sub(quantity('1k')).asInteger() > 0 && quantity('0.5').asInteger() == 0"))
        .containsExactly("<nil>: Invalid value: \"object\": cannot convert value to integer evaluating rule: "
            + "quantity(self.memory).sub(quantity('1k')).asInteger() > 0 && quantity('0.5').asInteger() == 0");
  }

  @Test
  void formats_sayWhatApimachinerySays() {
    assertThat(FormatFunctions.dns1123Label("My_Name")).containsExactly("a lowercase RFC 1123 label must consist of lower "
        + "case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        + "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    assertThat(FormatFunctions.labelValue("-x".repeat(40))).containsExactly("must be no more than 63 characters",
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
            + "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
            + "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    assertThat(FormatFunctions.qualifiedName("/x")).containsExactly("prefix part must be non-empty");
  }

  @Test
  void functionsOutsideKubernetes132_doNotCompile() {
    ObjectNode schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":" + PROPERTIES + "}");
    schema.putArray("x-kubernetes-validations").addObject().put("rule", "self.names.reverse() == []");
    FieldErrors problems = new FieldErrors();
    ValidationRules.compile(schema).problems("s", problems);
    assertThat(problems.causes()).singleElement().asString().contains("undeclared reference to 'reverse' (in container '')");
  }
}
