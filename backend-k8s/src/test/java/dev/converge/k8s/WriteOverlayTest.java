package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes: a write shows until the cache holds the same or a newer version; a deletion hides the
 * cached object until the cache sees it deleted or sees a newer incarnation.
 */
class WriteOverlayTest {
  private static final ResourceKey KEY = ResourceKey.parse("ConfigMap/ns/a");
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");

  private static Resource configMap(String version, String value) {
    return Resource.of(Wire.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\","
        + "\"resourceVersion\":\"" + version + "\"},\"data\":{\"v\":\"" + value + "\"}}"));
  }

  @Test
  void nothingWritten_showsTheCache() {
    WriteOverlay overlay = new WriteOverlay();
    Resource cached = configMap("3", "c");

    assertThat(overlay.resolve(KEY, cached)).isSameAs(cached);
    assertThat(overlay.resolve(KEY, null)).isNull();
  }

  @Test
  void write_showsOverAnOlderCachedVersion_andOverNothing() {
    WriteOverlay overlay = new WriteOverlay();
    Resource written = configMap("10", "mine");
    overlay.written(written);

    assertThat(overlay.resolve(KEY, configMap("9", "old"))).isSameAs(written);
    assertThat(overlay.resolve(KEY, null)).isSameAs(written);
    assertThat(overlay.visible(CONFIG_MAP, List::of)).containsExactly(Map.entry(KEY, written));
  }

  @Test
  void cacheAtTheSameOrNewerVersion_wins_andEvictsTheWrite() {
    WriteOverlay overlay = new WriteOverlay();
    overlay.written(configMap("10", "mine"));
    Resource newer = configMap("11", "theirs");

    assertThat(overlay.resolve(KEY, newer)).isSameAs(newer);
    assertThat(overlay.size()).isZero();
  }

  @Test
  void versionsCompareAsNumbers_notAsText() {
    WriteOverlay overlay = new WriteOverlay();
    Resource written = configMap("100", "mine");
    overlay.written(written);

    assertThat(overlay.resolve(KEY, configMap("99", "old"))).isSameAs(written);
  }

  @Test
  void olderWrite_doesNotReplaceANewerOne() {
    WriteOverlay overlay = new WriteOverlay();
    Resource newer = configMap("12", "second");
    overlay.written(newer);
    overlay.written(configMap("11", "first"));

    assertThat(overlay.resolve(KEY, null)).isSameAs(newer);
  }

  @Test
  void informerEventAtTheWrittenVersion_evicts() {
    WriteOverlay overlay = new WriteOverlay();
    overlay.written(configMap("10", "mine"));
    overlay.observed(KEY, "9");
    assertThat(overlay.size()).isEqualTo(1);

    overlay.observed(KEY, "10");
    assertThat(overlay.size()).isZero();
  }

  @Test
  void deletion_hidesTheStaleCachedObject_untilTheCacheSeesItDeleted() {
    WriteOverlay overlay = new WriteOverlay();
    overlay.deleted(KEY, "10");

    assertThat(overlay.resolve(KEY, configMap("10", "stale"))).isNull();
    overlay.observedDeleted(KEY, "10");
    assertThat(overlay.size()).isZero();
  }

  @Test
  void deletion_isOverriddenByANewerIncarnation() {
    WriteOverlay overlay = new WriteOverlay();
    overlay.deleted(KEY, "10");
    Resource recreated = configMap("15", "again");

    assertThat(overlay.resolve(KEY, recreated)).isSameAs(recreated);
  }

  @Test
  void opaqueVersions_onlyEqualityEvicts() {
    WriteOverlay overlay = new WriteOverlay();
    Resource written = configMap("b7", "mine");
    overlay.written(written);

    assertThat(overlay.resolve(KEY, configMap("a1", "other"))).isSameAs(written);
    assertThat(overlay.resolve(KEY, configMap("b7", "mine"))).isNotSameAs(written);
    assertThat(overlay.size()).isZero();
  }

  @Test
  void compare_ordersDecimalVersions() {
    assertThat(WriteOverlay.compare("9", "10")).isEqualTo(WriteOverlay.Order.OLDER);
    assertThat(WriteOverlay.compare("010", "10")).isEqualTo(WriteOverlay.Order.SAME);
    assertThat(WriteOverlay.compare("11", "10")).isEqualTo(WriteOverlay.Order.NEWER);
    assertThat(WriteOverlay.compare("x", "10")).isEqualTo(WriteOverlay.Order.UNKNOWN);
  }

  // The informer updates its indexer, then tells the handler that evicts entries. An observation whose cache
  // read comes before a watch event and whose overlay read comes after it would combine a stale cache with an
  // overlay that no longer corrects it; the overlay is therefore read first. Each test below lets the
  // informer catch up in the middle of the cache read, the interleaving that once showed a deleted object.

  @Test
  void deletion_staysHidden_whenTheInformerCatchesUpDuringTheCacheRead() {
    WriteOverlay overlay = new WriteOverlay();
    overlay.deleted(KEY, "1");
    Resource stale = configMap("1", "stale");

    Map<ResourceKey, Resource> visible = overlay.visible(CONFIG_MAP, () -> {
      List<Resource> indexerBeforeTheEvent = List.of(stale);
      overlay.observedDeleted(KEY, "1"); // the DELETED event reaches the indexer, then the handler
      return indexerBeforeTheEvent;
    });

    assertThat(visible).isEmpty();
    assertThat(overlay.size()).isZero();
    assertThat(overlay.visible(CONFIG_MAP, List::of)).isEmpty(); // the next read sees the indexer without it
  }

  @Test
  void deletion_staysHidden_forAKeyRead_whenTheInformerCatchesUpDuringTheCacheRead() {
    WriteOverlay overlay = new WriteOverlay();
    overlay.deleted(KEY, "1");

    Resource visible = overlay.visible(KEY, () -> {
      Resource indexerBeforeTheEvent = configMap("1", "stale");
      overlay.observedDeleted(KEY, "1");
      return indexerBeforeTheEvent;
    });

    assertThat(visible).isNull();
  }

  @Test
  void write_staysVisible_whenTheInformerCatchesUpDuringTheCacheRead() {
    WriteOverlay overlay = new WriteOverlay();
    Resource written = configMap("2", "mine");
    overlay.written(written);

    Map<ResourceKey, Resource> visible = overlay.visible(CONFIG_MAP, () -> {
      List<Resource> indexerBeforeTheEvent = List.of();
      overlay.observed(KEY, "2"); // the ADDED event reaches the indexer, then the handler
      return indexerBeforeTheEvent;
    });

    assertThat(visible).containsExactly(Map.entry(KEY, written));
  }

  @Test
  void cachedObjectsOfTheKind_showWithTheOverlayOnTop() {
    WriteOverlay overlay = new WriteOverlay();
    Resource mine = configMap("7", "mine");
    overlay.written(mine);
    Resource other = Resource.of(Wire.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\","
        + "\"namespace\":\"ns\",\"resourceVersion\":\"3\"}}"));

    Map<ResourceKey, Resource> visible = overlay.visible(CONFIG_MAP, () -> List.of(configMap("6", "old"), other));

    assertThat(visible).containsExactly(Map.entry(KEY, mine), Map.entry(other.key(), other));
    assertThat(overlay.visible(GroupKind.of("apps", "Deployment"), List::of)).isEmpty();
  }
}
