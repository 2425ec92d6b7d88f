package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The informer's seam to the server for one kind across the cluster: lists through {@link RestClient} and
 * watches (with bookmarks) through {@link WatchConnector}, so the informer's requests are timed and counted
 * like every other. Every watch after the first is a restart and is counted as one.
 */
final class ResourceListerWatcher implements ListerWatcher<CachedObject, CachedList> {
  private final RestClient rest;
  private final WatchConnector connector;
  private final Paths paths;
  private final ResourceType type;
  private final AtomicInteger watches = new AtomicInteger();

  ResourceListerWatcher(RestClient rest, WatchConnector connector, Paths paths, ResourceType type) {
    this.rest = rest;
    this.connector = connector;
    this.paths = paths;
    this.type = type;
  }

  @Override
  public CachedList list(CallGeneratorParams params) throws ApiException {
    List<Pair> query = new ArrayList<>();
    if (params.resourceVersion != null && !params.resourceVersion.isEmpty()) {
      query.add(new Pair("resourceVersion", params.resourceVersion));
    }
    JsonNode list;
    try {
      list = rest.call(HttpVerb.LIST, type.groupKind(), type.groupKind().toString(), "GET",
          paths.collection(type, null), query, null, null);
    } catch (BackendException e) {
      // The reflector reacts to ApiException codes (410: list again without a version).
      throw new ApiException(e.code(), e.getMessage());
    }
    List<CachedObject> items = new ArrayList<>();
    for (Resource resource : Wire.items(list, type)) {
      items.add(CachedObject.of(resource));
    }
    return new CachedList(Wire.resourceVersion(list), items, type.apiVersion(), type.kind() + "List");
  }

  @Override
  public Watchable<CachedObject> watch(CallGeneratorParams params) {
    if (watches.getAndIncrement() > 0) {
      rest.metrics().watchRestart(type.groupKind());
    }
    List<Pair> query = new ArrayList<>();
    if (params.resourceVersion != null && !params.resourceVersion.isEmpty()) {
      query.add(new Pair("resourceVersion", params.resourceVersion));
    }
    query.add(new Pair("allowWatchBookmarks", "true"));
    if (params.timeoutSeconds != null) {
      query.add(new Pair("timeoutSeconds", String.valueOf(params.timeoutSeconds)));
    }
    QueueWatchable watchable = new QueueWatchable(type);
    watchable.attach(connector.open(type.groupKind(), type.groupKind().toString(), paths.collection(type, null), query, watchable));
    return watchable;
  }
}
