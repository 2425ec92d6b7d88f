package dev.converge.examples.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GoldenFiles files under {@code src/test/resources/golden}. Run with {@code -Dconverge.updateGolden=true} to rewrite
 * them (then review the diff); otherwise the text must match byte for byte.
 */
public final class GoldenFiles {
  private static final Path DIR = Path.of("src/test/resources/golden");

  private GoldenFiles() {}

  public static void assertMatches(String name, String actual) {
    Path file = DIR.resolve(name);
    try {
      if (Boolean.getBoolean("converge.updateGolden")) {
        Files.createDirectories(DIR);
        Files.writeString(file, actual, StandardCharsets.UTF_8);
      }
      assertThat(Files.exists(file)).as("golden file %s exists (create it with -Dconverge.updateGolden=true)", file).isTrue();
      assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
