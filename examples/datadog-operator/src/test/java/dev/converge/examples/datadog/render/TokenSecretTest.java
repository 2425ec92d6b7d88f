package dev.converge.examples.datadog.render;

import static dev.converge.examples.datadog.render.RenderHelpers.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.DatadogTestContext;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Cluster Agent token: 32 random characters the first time, then read back from the live Secret. */
class TokenSecretTest {
  private static final String KEY = "Secret/datadog/datadog-token";

  private static String token(Resource secret) {
    return new String(Base64.getDecoder().decode(secret.json().path("data").path("token").asText()), StandardCharsets.UTF_8);
  }

  @Test
  void firstPass_drawsThirtyTwoCharactersFromTheSeed() {
    String token = TokenSecret.generate(new SplittableRandom(7));
    assertThat(token).hasSize(32).matches("[A-Za-z0-9]{32}");
    assertThat(TokenSecret.generate(new SplittableRandom(7))).isEqualTo(token);
    assertThat(TokenSecret.generate(new SplittableRandom(8))).isNotEqualTo(token);
  }

  @Test
  void laterPasses_keepTheLiveToken() {
    Resource primary = DatadogFixtures.exampleAgent();
    DatadogAgent dda = DatadogAgentDecoder.decode(primary);
    DesiredGraph first = DesiredRenderer.render(dda, DatadogTestContext.firstPass(primary, 1));
    Resource written = get(first, KEY);
    // What the server returns: the written object plus server fields.
    Resource live = written.edit(tree -> tree.withObjectProperty("metadata").put("resourceVersion", "17").put("uid", "s-1"));
    for (long seed : List.of(2L, 3L, 99L)) {
      DesiredGraph next = DesiredRenderer.render(dda, DatadogTestContext.of(primary, Observed.of(List.of(live)), seed));
      assertThat(token(get(next, KEY))).isEqualTo(token(written));
    }
    assertThat(token(written)).hasSize(32);
  }

  @Test
  void liveTokenWrittenAsStringData_isKeptToo() {
    Resource primary = DatadogFixtures.exampleAgent();
    DatadogAgent dda = DatadogAgentDecoder.decode(primary);
    Resource live = TokenSecret.resource(dda, "x").edit(tree -> {
      tree.remove("data");
      tree.putObject("stringData").put("token", "abcdefabcdefabcdefabcdefabcdefab");
    });
    assertThat(TokenSecret.existing(dda, Observed.of(List.of(live)))).contains("abcdefabcdefabcdefabcdefabcdefab");
  }
}
