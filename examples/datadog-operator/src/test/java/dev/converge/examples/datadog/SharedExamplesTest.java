package dev.converge.examples.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The test copies of the shared examples are byte-for-byte the published ones. */
class SharedExamplesTest {

  @Test
  void testCopies_equalTheSharedExamples() throws Exception {
    Optional<Path> shared = DatadogFixtures.sharedExamplesFolder();
    assumeTrue(shared.isPresent(), "shared/ is not beside this build");
    for (String file : new String[] {"datadog-agent.yaml", "datadog-secret.yaml"}) {
      assertThat(DatadogFixtures.sharedExample(file)).as(file).isEqualTo(Files.readString(shared.get().resolve(file)));
    }
  }
}
