package dev.converge.inmemory.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.Test;

/** Identity is a value (as the record it was), and its attachments are a bounded per-instance cache. */
class IdentityTest {

  @Test
  void equalityAndHash_areTheRecordsOnes() {
    Identity a = Identity.user("alice", "devs");
    Identity b = new Identity("alice", ImmutableList.of("devs", Identity.AUTHENTICATED));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.hashCode()).isEqualTo(31 * "alice".hashCode() + ImmutableList.of("devs", Identity.AUTHENTICATED).hashCode());
    assertThat(a).isNotEqualTo(Identity.user("alice", "ops")).isNotEqualTo(Identity.user("bob", "devs"));
    assertThat(a.toString()).isEqualTo("alice");
  }

  @Test
  void attachments_arePerOwnerAndPerInstance_replaced_andTheOldestDroppedBeyondTheLimit() {
    Identity a = Identity.user("alice");
    Identity b = Identity.user("alice");
    Object owner = new Object();
    assertThat(a.attachment(owner)).isNull();
    a.attach(owner, "one");
    assertThat(a.attachment(owner)).isEqualTo("one");
    assertThat(b.attachment(owner)).as("an equal instance has its own").isNull();
    a.attach(owner, "two");
    assertThat(a.attachment(owner)).isEqualTo("two");
    Object[] others = new Object[Identity.MAX_ATTACHMENTS - 1];
    for (int i = 0; i < others.length; i++) {
      others[i] = new Object();
      a.attach(others[i], i);
    }
    assertThat(a.attachment(owner)).isEqualTo("two");
    a.attach(new Object(), "newest");
    assertThat(a.attachment(owner)).as("the oldest owner's attachment is dropped").isNull();
    assertThat(a.attachment(others[0])).isEqualTo(0);
    assertThat(a.<Object>attachment(owner, identity -> "made")).isEqualTo("made");
    assertThat(a.attachment(owner)).isEqualTo("made");
  }
}
