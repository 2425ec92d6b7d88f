package dev.converge.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quantities compare by value, as {@code resource.Quantity.Cmp} does. */
class QuantityTest {

  @ParameterizedTest
  @CsvSource({"1000m,1", "1Gi,1024Mi", "1k,1000", "1e3,1k", "0.5,500m", "2G,2000M", "1Ki,1024", "+1,1", "100m,0.1"})
  void sameAmount(String a, String b) {
    assertThat(Quantity.sameAmount(a, b)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"1Gi,1G", "100m,1", "1Mi,1M"})
  void differentAmount(String a, String b) {
    assertThat(Quantity.sameAmount(a, b)).isFalse();
  }

  @Test
  void parse_rejectsNonQuantities() {
    assertThat(Quantity.parse("abc")).isEmpty();
    assertThat(Quantity.parse("1Xi")).isEmpty();
    assertThat(Quantity.parse("")).isEmpty();
    assertThat(Quantity.parse("Mi")).isEmpty();
  }

  @Test
  void parse_exactDecimal() {
    assertThat(Quantity.parse("1.5Gi")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(new BigDecimal("1610612736")));
    assertThat(Quantity.parse("250m")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.25"));
  }
}
