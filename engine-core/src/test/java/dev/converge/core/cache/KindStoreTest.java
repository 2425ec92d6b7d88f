package dev.converge.core.cache;

import static dev.converge.core.cache.Objects.cm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.LabelSelector;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.WatchEvent;
import dev.converge.core.cache.ResourceVersions.Order;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store's rules against going back in time: a newer state replaces an older one whether it comes from the
 * watch or from the engine's write; the echo of a write is not passed on; a deletion (seen or made) leaves a
 * tombstone that stops late events and racing write results from bringing the object back, until a newer
 * object clears it; an object the server only marks for deletion stays; a re-list tells of everything and
 * keeps writes newer than the list; versions that are not numbers are trusted only for equality; the owner
 * label is indexed.
 */
class KindStoreTest {
  private static final ResourceKey A = cm("ns", "a", "1").key();

  private final KindStore store = new KindStore(Ownership.OWNER_LABEL);

  private static WatchEvent event(WatchEvent.Type type, Resource object) {
    return new WatchEvent(type, object);
  }

  private String held() {
    return store.get(A).map(Resource::resourceVersion).orElse("absent");
  }

  private static Resource withFinalizer(Resource object) {
    return object.edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("example.dev/hold"));
  }

  @Test
  void versions_compareAsNumbers_andOtherwiseOnlyByEquality() {
    assertThat(ResourceVersions.compare("9", "10")).isEqualTo(Order.OLDER);
    assertThat(ResourceVersions.compare("10", "9")).isEqualTo(Order.NEWER);
    assertThat(ResourceVersions.compare("10", "10")).isEqualTo(Order.SAME);
    assertThat(ResourceVersions.compare("a1", "a1")).isEqualTo(Order.SAME);
    assertThat(ResourceVersions.compare("a1", "a2")).isEqualTo(Order.UNKNOWN);
    assertThat(ResourceVersions.compare("10", null)).isEqualTo(Order.UNKNOWN);
    assertThat(ResourceVersions.compare("99999999999999999999", "1")).isEqualTo(Order.UNKNOWN);
  }

  @Test
  void events_areTypedByWhatTheStoreHeld_andOlderOnesChangeNothing() {
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "5")))).extracting(WatchEvent::type)
        .isEqualTo(WatchEvent.Type.ADDED);
    assertThat(store.apply(event(WatchEvent.Type.ADDED, cm("ns", "a", "6")))).extracting(WatchEvent::type)
        .isEqualTo(WatchEvent.Type.MODIFIED);
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "4")))).isNull();
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "6")))).isNull();
    assertThat(held()).isEqualTo("6");
  }

  @Test
  void aWrite_isHeldUntilANewerStateArrives() {
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "a", "5")));

    store.written(cm("ns", "a", "8"));
    assertThat(held()).isEqualTo("8");
    store.written(cm("ns", "a", "7")); // a slower worker's older write result
    assertThat(held()).isEqualTo("8");
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "8")))).isNull();
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "9")))).isNotNull();
    assertThat(held()).isEqualTo("9");
  }

  @Test
  void aDeleteByTheEngine_leavesATombstone_thatOnlyANewerObjectPasses() {
    Resource live = cm("ns", "a", "5");
    store.apply(event(WatchEvent.Type.ADDED, live));

    store.deleted(live, false);
    assertThat(held()).isEqualTo("absent");
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "5")))).isNull(); // late, from before
    store.written(cm("ns", "a", "4"));
    assertThat(held()).isEqualTo("absent");

    assertThat(store.apply(event(WatchEvent.Type.ADDED, cm("ns", "a", "9")))).isNotNull(); // created again
    assertThat(held()).isEqualTo("9");
  }

  @Test
  void aDeletionSeenOnTheWatch_stopsAWriteThatRacedWithIt() {
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "a", "5")));
    store.apply(event(WatchEvent.Type.DELETED, cm("ns", "a", "11")));

    store.written(cm("ns", "a", "10")); // our update, made before the delete, fed after the event

    assertThat(held()).isEqualTo("absent");
    store.written(cm("ns", "a", "12")); // our create, after the delete
    assertThat(held()).isEqualTo("12");
  }

  @Test
  void aDeletedEventOlderThanTheEnginesNewObject_changesNothing() {
    store.written(cm("ns", "a", "12")); // re-created by the engine (a replace)

    assertThat(store.apply(event(WatchEvent.Type.DELETED, cm("ns", "a", "10")))).isNull();
    assertThat(held()).isEqualTo("12");
  }

  @Test
  void anObjectTheServerOnlyMarks_staysUntilTheWatchSaysItIsGone() {
    Resource live = withFinalizer(cm("ns", "a", "5"));
    store.apply(event(WatchEvent.Type.ADDED, live));

    store.deleted(live, true);
    assertThat(held()).isEqualTo("5");

    Resource marked = live.edit(tree -> tree.withObjectProperty("metadata").put("deletionTimestamp", "2025-01-01T00:00:00Z")
        .put("resourceVersion", "6"));
    store.apply(event(WatchEvent.Type.MODIFIED, marked));
    assertThat(store.get(A).orElseThrow().isBeingDeleted()).isTrue();
    store.apply(event(WatchEvent.Type.DELETED, cm("ns", "a", "7")));
    assertThat(held()).isEqualTo("absent");
  }

  @Test
  void aDeleteThatTheWatchAlreadyReportedALaterStateOf_keepsThatState() {
    Resource live = cm("ns", "a", "5");
    store.apply(event(WatchEvent.Type.ADDED, live));
    store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "6")));

    store.deleted(live, false);

    assertThat(held()).isEqualTo("6");
  }

  @Test
  void writingTheLastFinalizerAwayOfADeletedObject_deletesIt() {
    store.apply(event(WatchEvent.Type.ADDED, withFinalizer(cm("ns", "a", "5"))));

    store.written(cm("ns", "a", "6").edit(tree -> tree.withObjectProperty("metadata")
        .put("deletionTimestamp", "2025-01-01T00:00:00Z")));

    assertThat(held()).isEqualTo("absent");
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, withFinalizer(cm("ns", "a", "5"))))).isNull();
  }

  @Test
  void replace_tellsOfEverything_andKeepsWritesNewerThanTheList() {
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "a", "5")));
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "b", "6")));
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "c", "7")));
    store.written(cm("ns", "b", "30")); // written after the list below was taken
    store.written(cm("ns", "d", "31")); // created after the list was taken

    List<WatchEvent> events = store.replace(List.of(cm("ns", "a", "5"), cm("ns", "b", "20"), cm("ns", "e", "21")), "25");

    assertThat(events).extracting(e -> e.type() + " " + e.object().name() + "@" + e.object().resourceVersion())
        .containsExactly("MODIFIED a@5", "MODIFIED b@30", "DELETED c@7", "ADDED e@21");
    assertThat(store.keys()).extracting(ResourceKey::name).containsExactly("a", "b", "d", "e");
  }

  @Test
  void versionsThatAreNotNumbers_letTheLatestArrivalWin_butStillSuppressEchoes() {
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "a", "x1")));

    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "x0")))).isNotNull();
    assertThat(store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "a", "x0")))).isNull();
    assertThat(held()).isEqualTo("x0");
  }

  @Test
  void select_answersEqualityOnTheIndexedLabel_fromTheIndex_andAnythingElseByScanning() {
    String web = Ownership.labelValue(ResourceKey.namespaced("example.dev", "App", "ns", "web"));
    String api = Ownership.labelValue(ResourceKey.namespaced("example.dev", "App", "ns", "api"));
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "b", "1").withLabel(Ownership.OWNER_LABEL, web)));
    store.apply(event(WatchEvent.Type.ADDED, cm("other", "a", "2").withLabel(Ownership.OWNER_LABEL, web)));
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "c", "3").withLabel(Ownership.OWNER_LABEL, api)));
    store.apply(event(WatchEvent.Type.ADDED, cm("ns", "d", "4").withLabel("team", "x")));
    // Relabelled from web to api: the index follows.
    store.apply(event(WatchEvent.Type.MODIFIED, cm("ns", "b", "5").withLabel(Ownership.OWNER_LABEL, api)));

    assertThat(store.select(null, LabelSelector.equal(Ownership.OWNER_LABEL, web))).extracting(Resource::name)
        .containsExactly("a");
    assertThat(store.select(null, LabelSelector.equal(Ownership.OWNER_LABEL, api))).extracting(Resource::name)
        .containsExactly("b", "c");
    assertThat(store.select("ns", LabelSelector.everything())).extracting(Resource::name).containsExactly("b", "c", "d");
    assertThat(store.select(null, LabelSelector.parse("team"))).extracting(Resource::name).containsExactly("d");
  }
}
