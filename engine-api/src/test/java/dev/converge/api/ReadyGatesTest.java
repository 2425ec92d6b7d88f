package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Job gate reads the Job's conditions and counts as {@code kubectl wait --for=condition=complete} does. */
class ReadyGatesTest {
  private static final Lookup NOTHING = key -> Optional.empty();

  private static Readiness job(String spec, String status) {
    Resource live = Resource.of(Json.parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"shop"},
         "spec":%s,"status":%s}""".formatted(spec, status)));
    return ReadyGates.jobComplete().check(live, NOTHING);
  }

  @Test
  void jobComplete_isReadyOnlyOnceTheCompleteConditionIsTrue() {
    assertThat(job("{\"completions\":3}", """
        {"active":2,"succeeded":1,"failed":1,
         "conditions":[{"type":"SuccessCriteriaMet","status":"False"}]}""")).isEqualTo(
        Readiness.notReady("1/3 succeeded, 2 active, 1 failed"));
    assertThat(job("{}", "{\"active\":1}")).isEqualTo(Readiness.notReady("0 succeeded, 1 active, 0 failed"));
    assertThat(job("{\"completions\":1}", """
        {"succeeded":1,"conditions":[{"type":"SuccessCriteriaMet","status":"True"},
                                     {"type":"Complete","status":"True"}]}""")).isEqualTo(Readiness.ready());
  }

  @Test
  void jobComplete_namesTheFailure_ofAFailedJob() {
    assertThat(job("{\"completions\":1}", """
        {"failed":7,"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded",
          "message":"Job has reached the specified backoff limit"}]}""")).isEqualTo(Readiness.notReady(
        "failed: BackoffLimitExceeded: Job has reached the specified backoff limit"));
  }
}
