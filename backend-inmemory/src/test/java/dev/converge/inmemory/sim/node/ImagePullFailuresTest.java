package dev.converge.inmemory.sim.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's answer for a missing image, with the reference normalized as Docker's reference library does. */
class ImagePullFailuresTest {
  @Test
  void references_areNormalizedAsDockerDoes() {
    assertThat(ImagePullFailures.normalized("nginx")).isEqualTo("docker.io/library/nginx:latest");
    assertThat(ImagePullFailures.normalized("datadog/agent:7")).isEqualTo("docker.io/datadog/agent:7");
    assertThat(ImagePullFailures.normalized("gcr.io/team/app")).isEqualTo("gcr.io/team/app:latest");
    assertThat(ImagePullFailures.normalized("registry:5000/app")).isEqualTo("registry:5000/app:latest");
    assertThat(ImagePullFailures.normalized("localhost/app@sha256:ab")).isEqualTo("localhost/app@sha256:ab");
    assertThat(ImagePullFailures.notFound("gcr.io/team/app:2")).isEqualTo("rpc error: code = NotFound desc = failed to"
        + " pull and unpack image \"gcr.io/team/app:2\": failed to resolve reference \"gcr.io/team/app:2\":"
        + " gcr.io/team/app:2: not found");
  }

  @Test
  void anImageIsMissing_byItsReference_orItsRepository() {
    PodStartup startup = PodStartup.defaults().withMissing(List.of("agent:2", "example.com/broken"));
    assertThat(startup.isMissing("agent:2")).isTrue();
    assertThat(startup.isMissing("agent:1")).isFalse();
    assertThat(startup.isMissing("example.com/broken:1.0")).isTrue();
    assertThat(startup.isMissing("example.com/broken@sha256:ab")).isTrue();
    assertThat(PodStartup.defaults().isMissing("agent:2")).isFalse();
  }
}
