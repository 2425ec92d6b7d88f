package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes: a write shows until the cache holds the same or a newer version; a deletion hides the
 * cached object until the cache sees it deleted or sees a newer incarnation.
 */
class WriteOverlayTest {
  private static final ResourceKey KEY = ResourceKey.parse("ConfigMap/ns/a");

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
    assertThat(overlay.keysOf(GroupKind.of("", "ConfigMap"))).containsExactly(KEY);
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
}
