package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.FieldSelector;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.testkit.KubeObjects;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Listing with selectors and pages: equality and set-based label selectors with Kubernetes' semantics
 * ({@code !=} and {@code notin} match objects without the label), field selectors on name and namespace, 400
 * for a field the kind does not index, and {@code limit}/{@code continue} paging that returns every object
 * once, in order, from one consistent snapshot, and expires with {@code 410 Gone}.
 */
public interface SelectorContract extends ContractSupport {

  /** Three ConfigMaps: a (env=prod, team=x), b (env=staging), c (no labels). */
  private void threeLabelled() {
    put(configMap("a", "k", "1").withLabel("env", "prod").withLabel("team", "x"));
    put(configMap("b", "k", "1").withLabel("env", "staging"));
    put(configMap("c", "k", "1"));
  }

  private List<String> names(String labelSelector) {
    return backend().list(ListRequest.all(CONFIG_MAP).inNamespace(ns()).withLabels(LabelSelector.parse(labelSelector)))
        .items().stream().map(Resource::name).filter(n -> !n.equals("kube-root-ca.crt")).toList();
  }

  @Test
  default void equalitySelector_matchesTheLabelValue() {
    threeLabelled();
    assertThat(names("env=prod")).containsExactly("a");
    assertThat(names("env=prod,team=x")).containsExactly("a");
    assertThat(names("env=prod,team=y")).isEmpty();
  }

  @Test
  default void inequalitySelector_alsoMatchesObjectsWithoutTheLabel() {
    threeLabelled();
    assertThat(names("env!=prod")).containsExactly("b", "c");
  }

  @Test
  default void setBasedSelectors_in_notin_exists_doesNotExist() {
    requires(Capability.SET_BASED_SELECTORS);
    threeLabelled();
    assertThat(names("env in (prod,staging)")).containsExactly("a", "b");
    assertThat(names("env notin (prod)")).containsExactly("b", "c");
    assertThat(names("team")).containsExactly("a");
    assertThat(names("!env")).containsExactly("c");
  }

  @Test
  default void fieldSelector_onName_selectsOneObject() {
    requires(Capability.FIELD_SELECTORS);
    threeLabelled();
    ListResult result = backend().list(ListRequest.all(CONFIG_MAP).inNamespace(ns())
        .withFields(FieldSelector.equal("metadata.name", "b")));
    assertThat(result.items()).extracting(Resource::name).containsExactly("b");
  }

  @Test
  default void fieldSelector_onNamespace_acrossAllNamespaces() {
    requires(Capability.FIELD_SELECTORS);
    put(KubeObjects.namespace(ns() + "-other"));
    put(KubeObjects.configMap(ns() + "-other", "elsewhere", "k", "1"));
    put(configMap("here", "k", "1"));
    ListResult result = backend().list(ListRequest.all(CONFIG_MAP)
        .withFields(FieldSelector.parse("metadata.namespace=" + ns() + "-other,metadata.name!=kube-root-ca.crt")));
    assertThat(result.items()).extracting(r -> r.key().toString()).containsExactly("ConfigMap/" + ns() + "-other/elsewhere");
  }

  @Test
  default void fieldSelector_onAFieldTheKindDoesNotSupport_isABadRequest() {
    requires(Capability.FIELD_SELECTORS);
    BackendException.Invalid invalid = failure(BackendException.Invalid.class, () -> backend().list(
        ListRequest.all(CONFIG_MAP).inNamespace(ns()).withFields(FieldSelector.equal("data.k", "1"))));
    assertThat(invalid.code()).isEqualTo(400);
  }

  @Test
  default void paging_returnsEveryObjectOnce_inOrder_fromOneSnapshot() {
    requires(Capability.PAGING);
    for (int i = 0; i < 7; i++) {
      put(configMap("cm-" + i, "k", "1").withLabel("paged", "yes"));
    }
    ListRequest request = ListRequest.all(CONFIG_MAP).inNamespace(ns()).withLabels(LabelSelector.equal("paged", "yes"));
    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    @Nullable String token = null;
    int pages = 0;
    do {
      ListResult page = backend().list(request.page(3, token));
      page.items().forEach(item -> seen.add(item.name()));
      sizes.add(page.items().size());
      if (pages++ == 0) {
        // Created after the first page: the snapshot the pages come from does not have it.
        put(configMap("cm-00", "k", "1").withLabel("paged", "yes"));
      }
      token = page.continueToken();
    } while (token != null);
    assertThat(sizes).containsExactly(3, 3, 1);
    assertThat(seen).containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6");
  }

  @Test
  default void continueToken_pastTheHistoryWindow_isGone() {
    requires(Capability.PAGING);
    requires(Capability.HISTORY_COMPACTION);
    for (int i = 0; i < 3; i++) {
      put(configMap("cm-" + i, "k", "1"));
    }
    ListResult first = backend().list(ListRequest.all(CONFIG_MAP).inNamespace(ns()).page(1, null));
    assertThat(first.continueToken()).isNotNull();
    put(configMap("cm-0", "k", "2"));
    fixture().compactHistory();
    BackendException.Gone gone = failure(BackendException.Gone.class,
        () -> backend().list(ListRequest.all(CONFIG_MAP).inNamespace(ns()).page(1, first.continueToken())));
    assertThat(gone.code()).isEqualTo(410);
  }
}
