package dev.converge.api.backend;

import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import org.jspecify.annotations.Nullable;

/**
 * A watch on one kind.
 *
 * @param kind the kind to watch
 * @param namespace one namespace, or null for all
 * @param labels only objects matching these labels
 * @param fields only objects matching these fields
 * @param resourceVersion deliver changes after this version; null means "from now", after synthetic ADDED
 *     events for the current objects (as Kubernetes does for a watch without a version)
 * @param bookmarks whether to deliver periodic BOOKMARK events carrying the latest version
 */
public record WatchRequest(
    GroupKind kind,
    @Nullable String namespace,
    LabelSelector labels,
    FieldSelector fields,
    @Nullable String resourceVersion,
    boolean bookmarks) {

  /**
   * {@return a watch of every object of {@code kind}, from now, without bookmarks}
   *
   * @param kind the kind to watch
   */
  public static WatchRequest all(GroupKind kind) {
    return new WatchRequest(kind, null, LabelSelector.everything(), FieldSelector.everything(), null, false);
  }

  /**
   * {@return this watch, in one namespace}
   *
   * @param ns the namespace, or null for all
   */
  public WatchRequest inNamespace(@Nullable String ns) {
    return new WatchRequest(kind, ns, labels, fields, resourceVersion, bookmarks);
  }

  /**
   * {@return this watch with a label selector}
   *
   * @param selector the label selector
   */
  public WatchRequest withLabels(LabelSelector selector) {
    return new WatchRequest(kind, namespace, selector, fields, resourceVersion, bookmarks);
  }

  /**
   * {@return this watch with a field selector}
   *
   * @param selector the field selector
   */
  public WatchRequest withFields(FieldSelector selector) {
    return new WatchRequest(kind, namespace, labels, selector, resourceVersion, bookmarks);
  }

  /**
   * {@return this watch, starting after {@code version}}
   *
   * @param version the {@code resourceVersion} to start after, or null for now (after synthetic ADDED events)
   */
  public WatchRequest from(@Nullable String version) {
    return new WatchRequest(kind, namespace, labels, fields, version, bookmarks);
  }

  /** {@return this watch, with BOOKMARK events} */
  public WatchRequest withBookmarks() {
    return new WatchRequest(kind, namespace, labels, fields, resourceVersion, true);
  }
}
