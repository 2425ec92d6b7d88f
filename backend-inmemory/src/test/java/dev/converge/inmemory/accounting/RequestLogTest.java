package dev.converge.inmemory.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.inmemory.server.Identity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counts through an identity's attached counters match counts by name, across {@link RequestLog#clear()}. */
class RequestLogTest {
  private static RequestRecord record(long sequence, String identity, String verb) {
    return new RequestRecord(sequence, identity, verb, "", "configmaps", "", "default", "c", Scope.RESOURCE, 0, 0,
        200, !verb.equals("get"), 0, 0, ImmutableList.of(), ImmutableMap.of());
  }

  @Test
  void attachedCounters_countAsByName_andClearVoidsThem() {
    RequestLog log = new RequestLog();
    Identity alice = Identity.user("alice");
    Identity bob = Identity.user("bob");
    Identity aliceAgain = Identity.user("alice");
    List<String> seen = new ArrayList<>();
    log.subscribeWithIdentity((r, who) -> seen.add(who.name() + " " + r.verb()));
    log.append(record(1, "alice", "get"), alice);
    log.append(record(2, "bob", "get"), bob);
    log.append(record(3, "alice", "get"), aliceAgain);
    log.append(record(4, "alice", "update"), alice);
    log.append(record(5, "alice", "get"));
    assertThat(log.count("alice", "get")).isEqualTo(3);
    assertThat(log.count("alice", "update")).isEqualTo(1);
    assertThat(log.count("bob", "get")).isEqualTo(1);
    assertThat(seen).containsExactly("alice get", "bob get", "alice get", "alice update");

    log.clear();
    log.append(record(6, "bob", "get"), bob);
    log.append(record(7, "alice", "get"), alice);
    assertThat(log.count("alice", "get")).isEqualTo(1);
    assertThat(log.count("alice", "update")).isZero();
    assertThat(log.count("bob", "get")).isEqualTo(1);
    assertThat(log.countsByIdentityAndVerb()).hasSize(2);
  }
}
