package dev.converge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.bench.CrudTimes.Phase;
import org.junit.jupiter.api.Test;

/**
 * A small round of the CRUD benchmark's in-memory side, so that a change of the server's semantics that the round's
 * own checks refuse (it throws on any unexpected answer) fails the build, not the next measurement. No timing is
 * asserted.
 */
class InMemoryCrudTest {
  @Test
  void aSmallRound_passesItsOwnChecks_andCountsEveryRequest() {
    CrudTimes times = InMemoryCrud.round(CrudWorkload.of(20));
    assertThat(times.requests[Phase.CREATE.ordinal()]).isEqualTo(40);
    assertThat(times.requests[Phase.LIST.ordinal()]).isEqualTo(2);
    assertThat(times.requests[Phase.DELETE.ordinal()]).isEqualTo(40);
  }
}
