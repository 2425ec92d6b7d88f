package dev.converge.inmemory.sim.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.converge.api.Json;
import org.junit.jupiter.api.Test;

/** {@code truncateEndpoints}: an Endpoints object holds at most 1,000 addresses, ready ones first. */
class EndpointsTruncationTest {
  @Test
  void overCapacity_keepsReadyAddressesFirst_eachSubsetInProportion() {
    ArrayNode copy = (ArrayNode) Json.parse("[" + subset("10.0.0.", 900, 300) + "," + subset("10.1.0.", 300, 0) + "]");
    assertThat(EndpointsController.truncate(copy)).isTrue();
    // 1,200 ready: ceil(900/1200 × 1000) = 750 and the remaining 250; every not-ready address dropped.
    assertThat(copy.get(0).path("addresses").size()).isEqualTo(750);
    assertThat(copy.get(0).has("notReadyAddresses")).isFalse();
    assertThat(copy.get(1).path("addresses").size()).isEqualTo(250);
    assertThat(copy.get(0).path("addresses").get(0).path("ip").asText()).isEqualTo("10.0.0.0");

    copy = (ArrayNode) Json.parse("[" + subset("10.0.0.", 800, 300) + "]");
    assertThat(EndpointsController.truncate(copy)).isTrue();
    // 800 ready fit; the not-ready ones are cut to the 200 left.
    assertThat(copy.get(0).path("addresses").size()).isEqualTo(800);
    assertThat(copy.get(0).path("notReadyAddresses").size()).isEqualTo(200);

    copy = (ArrayNode) Json.parse("[" + subset("10.0.0.", 700, 300) + "]");
    assertThat(EndpointsController.truncate(copy)).isFalse();
  }

  private static String subset(String prefix, int ready, int notReady) {
    StringBuilder out = new StringBuilder("{\"addresses\":[");
    for (int i = 0; i < ready; i++) {
      out.append(i == 0 ? "" : ",").append("{\"ip\":\"").append(prefix).append(i).append("\"}");
    }
    out.append("]");
    if (notReady > 0) {
      out.append(",\"notReadyAddresses\":[");
      for (int i = 0; i < notReady; i++) {
        out.append(i == 0 ? "" : ",").append("{\"ip\":\"").append(prefix).append(ready + i).append("\"}");
      }
      out.append("]");
    }
    return out.append(",\"ports\":[{\"port\":80}]}").toString();
  }
}
