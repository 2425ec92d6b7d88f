package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** kube-apiserver's {@code --event-ttl}: an Event vanishes its TTL after its last write, and only Events do. */
class EventTtlTest {
  private static final GroupKind EVENT = GroupKind.of("", "Event");
  private final TestTicker ticker = new TestTicker();
  private final ApiServer server = InMemoryCluster.create(ticker, 3).server();

  private static Resource event(String name) {
    return Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"%s","namespace":"default"},
         "involvedObject":{"kind":"Pod","namespace":"default","name":"web"},"reason":"Started","message":"m",
         "type":"Normal","count":1}""".formatted(name)));
  }

  @Test
  void anEvent_isGoneAnHourAfterItsLastWrite_withADeletedWatchEvent() {
    Resource first = server.create(ADMIN, event("web.1"));
    ticker.advance(Duration.ofMinutes(30));
    server.create(ADMIN, event("web.2"));
    Resource patched = server.patch(ADMIN, first.key(), PatchType.STRATEGIC, Json.parse("{\"count\":2}"),
        PatchOptions.defaults());
    WatchTest.Transcript transcript = new WatchTest.Transcript();
    server.watch(ADMIN, WatchRequest.all(EVENT).from(server.revision() + ""), transcript);
    server.create(ADMIN, Fixtures.configMap("default", "cm", "1"));

    // web.1 was written again at 30 min: its hour starts then, like web.2's.
    ticker.advance(Duration.ofMinutes(31));
    assertThat(server.list(ADMIN, ListRequest.all(EVENT)).items()).hasSize(2);
    ticker.advance(Duration.ofMinutes(29));
    assertThat(server.list(ADMIN, ListRequest.all(EVENT)).items()).isEmpty();
    long after = Long.parseLong(patched.resourceVersion()) + 1;
    assertThat(transcript.events).containsExactly("DELETED web.2 " + (after + 1), "DELETED web.1 " + (after + 2));
    assertThat(server.cache().get(GroupKind.of("", "ConfigMap"), "default", "cm")).isNotNull();
  }

  @Test
  void theTtl_isConfigurable_andMustBePositive() {
    ApiServer shortLived = InMemoryCluster.create(ticker, 3, b -> b.eventTtl(Duration.ofMinutes(5))).server();
    shortLived.create(ADMIN, event("web.1"));
    ticker.advance(Duration.ofMinutes(5));
    assertThat(shortLived.list(ADMIN, ListRequest.all(EVENT)).items()).isEmpty();
    assertThatThrownBy(() -> ServerConfig.builder(ticker).eventTtl(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventTtl");
  }
}
