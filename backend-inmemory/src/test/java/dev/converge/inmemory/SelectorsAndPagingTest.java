package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lists: label selectors with each operator, the supported field selectors (others are 400), the pod
 * {@code spec.nodeName} index, and {@code limit}/{@code continue} paging over a consistent snapshot that
 * expires (410) once compacted.
 */
class SelectorsAndPagingTest {
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");
  private static final GroupKind POD = GroupKind.of("", "Pod");
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 9);
  private final ApiServer server = cluster.server();

  @BeforeEach
  void objects() {
    server.create(ADMIN, Fixtures.configMap("default", "a", "1", "{\"env\":\"prod\",\"tier\":\"web\"}"));
    server.create(ADMIN, Fixtures.configMap("default", "b", "1", "{\"env\":\"staging\",\"tier\":\"db\"}"));
    server.create(ADMIN, Fixtures.configMap("default", "c", "1", "{\"env\":\"dev\"}"));
    server.create(ADMIN, Fixtures.configMap("default", "d", "1", "{\"legacy\":\"true\"}"));
  }

  private List<String> names(String selector) {
    return server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").withLabels(LabelSelector.parse(selector)))
        .items().stream().map(Resource::name).toList();
  }

  @Test
  void labelSelectors_everyOperator() {
    assertThat(names("env=prod")).containsExactly("a");
    // Every namespace holds the root CA publisher's kube-root-ca.crt, which has no labels.
    assertThat(names("env!=prod")).containsExactly("b", "c", "d", "kube-root-ca.crt");
    assertThat(names("env in (prod,staging)")).containsExactly("a", "b");
    assertThat(names("env notin (prod,staging)")).containsExactly("c", "d", "kube-root-ca.crt");
    assertThat(names("tier")).containsExactly("a", "b");
    assertThat(names("!tier")).containsExactly("c", "d", "kube-root-ca.crt");
    assertThat(names("env,!legacy,tier=web")).containsExactly("a");
  }

  @Test
  void fieldSelectors_onNameNamespaceNodeAndPhase() {
    server.create(ADMIN, Fixtures.pod("default", "p1", "node-1"));
    server.create(ADMIN, Fixtures.pod("default", "p2", "node-2"));
    server.create(ADMIN, Fixtures.pod("kube-system", "p3", "node-1"));
    assertThat(pods(FieldSelector.parse("spec.nodeName=node-1"))).containsExactly("p1", "p3");
    assertThat(pods(FieldSelector.parse("metadata.namespace=default,metadata.name!=p1"))).containsExactly("p2");
    assertThat(pods(FieldSelector.parse("status.phase=Pending"))).containsExactly("p1", "p2", "p3");
    assertThat(pods(FieldSelector.parse("status.phase=Running"))).isEmpty();
  }

  private List<String> pods(FieldSelector fields) {
    return server.list(ADMIN, ListRequest.all(POD).withFields(fields)).items().stream().map(Resource::name).toList();
  }

  @Test
  void unsupportedFieldSelector_isBadRequest() {
    assertThatThrownBy(() -> server.list(ADMIN, ListRequest.all(CONFIG_MAP).withFields(FieldSelector.parse("data.key=1"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("field label not supported: data.key")
        .extracting(e -> ((BackendException) e).code()).isEqualTo(400);
  }

  @Test
  void podListByNode_isServedFromTheIndex_scanningOnlyThatNodesPods() {
    for (int i = 0; i < 10; i++) {
      server.create(ADMIN, Fixtures.pod("default", "p" + i, "node-" + (i % 5)));
    }
    cluster.requests().clear();
    server.list(ADMIN, ListRequest.all(POD).withFields(FieldSelector.parse("spec.nodeName=node-3")));
    server.list(ADMIN, ListRequest.all(POD).withLabels(LabelSelector.parse("app=web")));
    List<RequestRecord> records = cluster.requests().records();
    assertThat(records).extracting(RequestRecord::scanned).containsExactly(2, 10);
    assertThat(records).extracting(RequestRecord::returned).containsExactly(2, 10);
  }

  @Test
  void listByName_inANamespace_orOfAClusterScopedKind_readsThatOneKey() {
    for (int i = 0; i < 10; i++) {
      server.create(ADMIN, Fixtures.pod("default", "p" + i, "node-" + (i % 5)));
    }
    cluster.requests().clear();
    // MatchesSingle: the registry reads the key (a kubelet's watch of one Secret, of its own Node).
    FieldSelector p3 = FieldSelector.parse("metadata.name=p3");
    assertThat(server.list(ADMIN, ListRequest.all(POD).inNamespace("default").withFields(p3)).items())
        .extracting(Resource::name).containsExactly("p3");
    assertThat(server.list(ADMIN, ListRequest.all(POD).inNamespace("kube-system").withFields(p3)).items()).isEmpty();
    // Further terms still filter the one object.
    assertThat(server.list(ADMIN, ListRequest.all(POD).inNamespace("default")
        .withFields(FieldSelector.parse("metadata.name=p3,spec.nodeName=node-1"))).items()).isEmpty();
    // Across namespaces the key is not known: every pod is looked at.
    assertThat(server.list(ADMIN, ListRequest.all(POD).withFields(p3)).items()).extracting(Resource::name)
        .containsExactly("p3");
    assertThat(cluster.requests().records()).extracting(RequestRecord::scanned).containsExactly(1, 0, 1, 10);
  }

  @Test
  void paging_returnsAConsistentSnapshot_acrossPages() {
    ListResult first = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(2, null));
    assertThat(first.items()).extracting(Resource::name).containsExactly("a", "b");
    assertThat(first.continueToken()).isNotNull();
    server.create(ADMIN, Fixtures.configMap("default", "e", "1"));
    server.delete(ADMIN, Fixtures.cm("default", "d"), DeleteParams.defaults());
    Resource c = Fixtures.get(server, Fixtures.cm("default", "c"));
    server.update(ADMIN, c.edit(t -> t.with("data").put("key", "changed")));

    ListResult second = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(2, first.continueToken()));
    assertThat(second.items()).extracting(Resource::name).containsExactly("c", "d");
    assertThat(second.items().get(0).json().path("data").path("key").asText()).isEqualTo("1");
    assertThat(second.resourceVersion()).isEqualTo(first.resourceVersion());
    ListResult third = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(2, second.continueToken()));
    assertThat(third.items()).extracting(Resource::name).containsExactly("kube-root-ca.crt");
    assertThat(third.continueToken()).isNull();
  }

  @Test
  void paging_inOneNamespace_withNoChangeBetweenPages_continuesAfterTheLastName() {
    ListResult first = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(2, null));
    ListResult second = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(2, first.continueToken()));
    assertThat(second.items()).extracting(Resource::name).containsExactly("c", "d");
    ListResult third = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(2, second.continueToken()));
    assertThat(third.items()).extracting(Resource::name).containsExactly("kube-root-ca.crt");
    assertThat(third.continueToken()).isNull();
  }

  @Test
  void continueToken_pastTheHistoryWindow_isGone() {
    ListResult first = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(1, null));
    server.create(ADMIN, Fixtures.configMap("default", "e", "1"));
    server.compact();
    assertThatThrownBy(() -> server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(1, first.continueToken())))
        .isInstanceOf(BackendException.Gone.class)
        .hasMessageStartingWith("The provided continue parameter is too old to display a consistent list result.");
  }

  @Test
  void lastFullPage_withNothingAfter_hasNoToken() {
    // a, b, c, d and the namespace's kube-root-ca.crt
    ListResult all = server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default").page(5, null));
    assertThat(all.items()).hasSize(5);
    assertThat(all.continueToken()).isNull();
  }
}
