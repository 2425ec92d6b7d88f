package dev.converge.inmemory.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Names;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The character loops of {@link NameChecks} accept exactly what the regular expressions of {@link Names}
 * accept: on hand-picked edge cases and on seeded random strings over an alphabet of every character class
 * the rules distinguish (lower, upper, digit, {@code -}, {@code _}, {@code .}, {@code /}, and others).
 */
class NameChecksTest {
  private static final String ALPHABET = "az09AZ-_./%: é\n";

  @Test
  void edgeCases_agreeWithNames() {
    String[] cases = {"", "a", "-", "a-", "-a", "a-b", "a.b", "a..b", ".a", "a.", "A", "aB", "a_b", "a/b", "/b",
        "a/", "example.com/name", "example.com/", "Example.com/x", "x/y/z", "1a", "a".repeat(63), "a".repeat(64),
        "a".repeat(253), ("a".repeat(63) + ".").repeat(4) + "a", "app.kubernetes.io/name", "kubernetes.io/metadata.name"};
    for (String text : cases) {
      check(text);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomStrings_agreeWithNames(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(random.nextInt(10) == 0 ? 80 : 8); n > 0; n--) {
        text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      check(text.toString());
    }
  }

  private static void check(String text) {
    assertThat(NameChecks.dns1123Label(text)).as("dns1123Label %s", text).isEqualTo(Names.checkDns1123Label(text).isEmpty());
    assertThat(NameChecks.dns1123Subdomain(text)).as("dns1123Subdomain %s", text).isEqualTo(Names.checkDns1123Subdomain(text).isEmpty());
    assertThat(NameChecks.dns1035Label(text)).as("dns1035Label %s", text).isEqualTo(Names.checkDns1035Label(text).isEmpty());
    assertThat(NameChecks.qualifiedName(text)).as("qualifiedName %s", text).isEqualTo(Names.checkQualifiedName(text).isEmpty());
    assertThat(NameChecks.labelValue(text)).as("labelValue %s", text).isEqualTo(Names.checkLabelValue(text).isEmpty());
    assertThat(NameChecks.configKey(text)).as("configKey %s", text).isEqualTo(Pattern.matches("[-._a-zA-Z0-9]+", text));
  }
}
