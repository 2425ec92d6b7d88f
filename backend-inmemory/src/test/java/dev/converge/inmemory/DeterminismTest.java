package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.backend.ListRequest;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed and the same requests give byte-identical objects and request logs. */
class DeterminismTest {

  private static List<String> run(long seed) {
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), seed);
    ApiServer server = cluster.server();
    server.create(ADMIN, Fixtures.namespace("apps"));
    Resource owner = server.create(ADMIN, Fixtures.deployment("apps", "web", "nginx:1"));
    for (int i = 0; i < 5; i++) {
      server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c" + i
          + "\",\"namespace\":\"apps\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
          + "\"name\":\"web\",\"uid\":\"" + owner.uid() + "\"}]}}"));
    }
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"apps"},"spec":{"ports":[{"port":80}]}}"""));
    server.delete(ADMIN, owner.key(), DeleteParams.of(Propagation.FOREGROUND));
    List<String> out = new ArrayList<>();
    out.add(server.post(ADMIN, dev.converge.api.Json.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"web-","namespace":"apps"}}"""),
        WriteOptions.defaults()).name());
    for (GroupKind kind : List.of(GroupKind.of("", "ConfigMap"), GroupKind.of("", "Service"), GroupKind.of("", "Namespace"))) {
      server.list(ADMIN, ListRequest.all(kind)).items().forEach(item -> out.add(item.json().toString()));
    }
    for (RequestRecord record : cluster.requests().records()) {
      out.add(record.sequence() + " " + record.identity() + " " + record.verb() + " " + record.resource() + " "
          + record.name() + " " + record.code());
    }
    return out;
  }

  @Test
  void sameSeedAndRequests_giveIdenticalStateAndRequestLog() {
    List<String> first = run(4);
    assertThat(run(4)).isEqualTo(first);
    assertThat(run(5)).isNotEqualTo(first);
    assertThat(first.get(0)).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
  }
}
