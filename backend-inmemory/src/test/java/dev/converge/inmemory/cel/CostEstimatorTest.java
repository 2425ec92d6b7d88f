package dev.converge.inmemory.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The static cost estimate of a rule equals Kubernetes' own: every expected number is an expectation of
 * apiextensions-apiserver's {@code TestCostEstimation} ({@code schema/cel/compilation_test.go}) or of the library's
 * {@code cost_test.go}, for the same schema and rule ("unbounded" schemas have no maxItems, maxProperties or
 * maxLength).
 */
class CostEstimatorTest {
  private static final String NUMBERS = "{'type':'array','items':{'type':'number'}}";
  private static final String STRINGS = "{'type':'array','items':{'type':'string'}}";
  private static final String STRING = "{'type':'string'}";

  @ParameterizedTest(name = "{1} on {0}: {2}")
  @CsvSource(delimiter = '|', value = {
      NUMBERS + "| self.all(x, true) | 4718591",
      "{'type':'array','maxItems':10,'items':{'type':'number'}} | self.all(x, true) | 32",
      STRINGS + "| self.all(x, true) | 3145727",
      "{'type':'array','maxItems':20,'items':{'type':'string','maxLength':20}} | self.all(x, true) | 62",
      "{'type':'array','items':{'type':'boolean'}} | self.all(x, true) | 1887437",
      "{'type':'array','items':{'type':'object','required':['required'],'properties':{'required':{'type':'string'},"
          + "'optional':{'type':'string'}}}} | self.all(x, true) | 555128",
      "{'type':'object','additionalProperties':{'type':'number'}} | self.all(x, true) | 1348169",
      "{'type':'array','items':{'type':'string','format':'date-time'}} | self.all(x, true) | 428963",
      STRING + "| self.contains('test') | 314574",
      "{'type':'string','maxLength':10} | self.contains('test') | 5",
      STRING + "| self.startsWith('test') | 2",
      STRING + "| size(self + \"hello\") > size(\"hello\") | 314578",
      "{'type':'string','maxLength':4} | size(self + \"hello\") > size(\"hello\") | 7",
      STRING + "| self.matches(\"x\") | 314574",
      "{'type':'string','maxLength':50} | self.matches(\"x\") | 22",
      STRING + "| \"\".matches(\"(((((((((())))))))))[0-9]\") | 7",
      STRING + "| self == \"x\" | 2",
      "{'type':'string','maxLength':0} | self == \"x\" | 1",
      NUMBERS + "| self[1] == 0.0 | 2",
      "{'type':'array','maxItems':6291456,'items':{'type':'number'}} | self.all(x, x == 0.0) | 25165826",
      STRINGS + "| self[1] == self[1] | 314577",
      "{'type':'object','additionalProperties':{'type':'string','format':'date-time'}} | self[\"a\"] == self[\"b\"] | 8",
      "{'type':'object','additionalProperties':{'type':'integer'}} | oldSelf.size() == self.size() | 5",
      "{'type':'object','additionalProperties':{'type':'string'}} | self.all(x, x.contains(self[x])) | 2752507",
      "{'type':'object','maxProperties':10,'additionalProperties':{'type':'string','maxLength':10}} "
          + "| self.all(x, x.contains(self[x])) | 72",
      "{'type':'array','maxItems':10,'items':{'type':'number'}} | self.all(x, self.all(y, true)) | 352",
      "{'type':'string','enum':['A','B','C','LongValue']} | self.contains('A') | 2",
      STRING + "| self.find('[0-9]+') == '' | 629147",
      "{'type':'string','maxLength':10} | self.find('[0-9]+') == '' | 11",
      STRING + "| self.lowerAscii() == 'lower!' | 314575",
      "{'type':'string','maxLength':10} | self.lowerAscii() == 'lower!' | 6",
      STRINGS + "| self.join(' ') == 'aa bb' | 329853068905",
      "{'type':'array','maxItems':10,'items':{'type':'string','maxLength':10}} | self.join(' ') == 'aa bb' | 43",
      STRINGS + "| self.isSorted() == true | 329854432052",
      "{'type':'array','maxItems':10,'items':{'type':'string','maxLength':10}} | self.isSorted() == true | 52",
      STRING + "| ip('192.168.0.1') | 2",
      STRING + "| ip.isCanonical('192.168.0.1') | 3",
  })
  void theEstimate_isKubernetes(String schema, String rule, long expected) throws Exception {
    assertThat(RuleCompiler.estimate(Json.parse(schema.replace('\'', '"')), false, rule)).isEqualTo(expected);
  }
}
