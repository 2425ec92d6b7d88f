package dev.converge.inmemory.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.ResourceTypes;
import org.junit.jupiter.api.Test;

/** A request's attributes reach its record sorted by name, a repeated name keeping the last value. */
class RequestContextTest {

  @Test
  void attributes_sortedByName_lastValueWins() {
    RequestInfo info = RequestInfo.of(Identity.admin(), Verb.GET,
        ResourceTypes.builtins().find(GroupKind.of("", "ConfigMap")).orElseThrow(), null, "default", "c");
    RequestContext none = new RequestContext(1, info, 0);
    assertThat(none.toRecord(200).attributes()).isEmpty();

    RequestContext ctx = new RequestContext(2, info, 0);
    ctx.attribute("m", "1");
    ctx.attribute("b", "2");
    ctx.attribute("z", "3");
    ctx.attribute("a", "4");
    ctx.attribute("m", "5");
    assertThat(ctx.toRecord(200).attributes()).containsExactly(
        java.util.Map.entry("a", "4"), java.util.Map.entry("b", "2"), java.util.Map.entry("m", "5"),
        java.util.Map.entry("z", "3"));
  }
}
