package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.KindTable;
import dev.converge.inmemory.store.ObjectName;
import dev.converge.inmemory.store.ObjectStore;
import dev.converge.inmemory.watch.WatchHub;
import dev.converge.inmemory.watch.Watcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.NavigableMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads: get, list (label and field selectors, {@code limit}/{@code continue} over a consistent snapshot) and
 * watch (from a version, with synthetic ADDED events without one), with the accounting of objects scanned
 * and returned. Called under the server lock.
 */
final class Reads {
  /** The message of {@code storage.NewTooOldResourceVersionError}-based 410s for list continuations. */
  static final String CONTINUE_EXPIRED = "The provided continue parameter is too old to display a consistent list "
      + "result. You can start a new list without the continue parameter, or use the continue token in this response "
      + "to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list "
      + "- objects that were created, modified, or deleted between the time the first chunk was returned and now may "
      + "show up in the list.";
  private static final ImmutableSet<String> META_FIELDS = ImmutableSet.of("metadata.name", "metadata.namespace");
  private static final ImmutableSet<String> POD_FIELDS = ImmutableSet.of("spec.nodeName", "spec.restartPolicy",
      "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
      "status.nominatedNodeName");

  private final ApiServer server;
  private final ObjectStore store;
  private final WatchHub watches;

  private final FieldDecoding decoding;

  Reads(ApiServer server, ObjectStore store, WatchHub watches, FieldDecoding decoding) {
    this.server = server;
    this.store = store;
    this.watches = watches;
    this.decoding = decoding;
  }

  Resource get(RequestContext ctx, ResourceType type, ResourceKey key) {
    Resource object = store.get(type.groupKind(), type.namespaced() ? key.namespace() : "", key.name());
    ctx.scanned(1);
    if (object == null) {
      throw Errors.notFound(type, key.name());
    }
    ctx.returned(1);
    // type is the kind at its storage version here (ApiServer.get): the version whose defaults a read applies.
    UnaryOperator<Resource> defaults = decoding.readDefaults(type);
    return defaults == null ? object : defaults.apply(object);
  }

  ListResult list(RequestContext ctx, ResourceType type, ListRequest request) {
    checkFields(type, request.fields());
    KindTable table = store.table(type.groupKind());
    String namespace = type.namespaced() && request.namespace() != null ? request.namespace() : "";
    long revision = store.revision();
    ObjectName startAfter = null;
    if (request.continueToken() != null) {
      Token token = Token.decode(request.continueToken());
      if (token.revision < table.compactedThrough()) {
        throw Errors.gone(CONTINUE_EXPIRED);
      }
      revision = token.revision;
      startAfter = token.after;
    }
    NavigableMap<ObjectName, Resource> source = source(table, type, namespace, request.fields(), revision, startAfter);
    List<Resource> items = new ArrayList<>();
    int scanned = 0;
    String next = null;
    LabelSelector labels = request.labels();
    FieldSelector fields = request.fields();
    Iterator<Map.Entry<ObjectName, Resource>> entries = source.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<ObjectName, Resource> entry = entries.next();
      scanned++;
      Resource object = entry.getValue();
      if (labels.matches(object) && (fields.isEverything() || fields.matches(object))) {
        items.add(object);
        if (request.limit() > 0 && items.size() == request.limit()) {
          if (entries.hasNext()) {
            next = new Token(revision, entry.getKey()).encode();
          }
          break;
        }
      }
    }
    ctx.scanned(scanned);
    ctx.returned(items.size());
    UnaryOperator<Resource> defaults = decoding.readDefaults(server.type(type.groupKind()));
    if (defaults != null) {
      items.replaceAll(defaults);
    }
    return new ListResult(ImmutableList.copyOf(items), Long.toString(revision), next);
  }

  /**
   * The objects a list walks: the namespace's range; the one object a {@code metadata.name} selector names, when
   * its key is known (a cluster-scoped kind, or a namespace given), since the registry then reads that key
   * instead of listing ({@code MatchesSingle} in {@code Store.ListPredicate}); or — for pods selected by {@code
   * spec.nodeName} on the current revision — the node index, as the watch cache serves per-node pod lists
   * without scanning.
   */
  private static NavigableMap<ObjectName, Resource> source(KindTable table, ResourceType type, String namespace,
      FieldSelector fields, long revision, @Nullable ObjectName startAfter) {
    var single = fields.requiredValue("metadata.name");
    if (single.isPresent() && startAfter == null && (!type.namespaced() || !namespace.isEmpty())) {
      ObjectName key = new ObjectName(namespace, single.get());
      NavigableMap<ObjectName, Resource> view = table.viewAt(revision, null);
      return view.containsKey(key) ? view.subMap(key, true, key, true) : java.util.Collections.emptyNavigableMap();
    }
    if (table.indexField() != null && startAfter == null) {
      var node = fields.requiredValue(table.indexField());
      if (node.isPresent()) {
        NavigableMap<ObjectName, Resource> indexed = table.indexed(node.get());
        return namespace.isEmpty() ? indexed
            : indexed.subMap(ObjectName.first(namespace), true, ObjectName.first(namespace + '\0'), false);
      }
    }
    NavigableMap<ObjectName, Resource> view = table.viewAt(revision, startAfter);
    if (namespace.isEmpty()) {
      return view;
    }
    if (startAfter != null) {
      // A continued list: the view already starts after the last key returned, inside the namespace, so only the
      // upper bound applies (a lower bound before the view's start is out of its range).
      return view.headMap(ObjectName.first(namespace + '\0'), false);
    }
    return view.subMap(ObjectName.first(namespace), true, ObjectName.first(namespace + '\0'), false);
  }

  Subscription watch(RequestContext ctx, ResourceType type, WatchRequest request, WatchListener listener,
      @Nullable Duration timeout) {
    checkFields(type, request.fields());
    KindTable table = store.table(type.groupKind());
    String namespace = type.namespaced() && request.namespace() != null ? request.namespace() : null;
    String version = request.resourceVersion();
    List<Resource> added = new ArrayList<>();
    List<Change> replay = List.of();
    if (version == null || version.isEmpty() || version.equals("0")) {
      NavigableMap<ObjectName, Resource> current = namespace == null ? table.objects() : table.inNamespace(namespace);
      ctx.scanned(current.size());
      for (Resource object : current.values()) {
        if (request.labels().matches(object) && (request.fields().isEverything() || request.fields().matches(object))) {
          added.add(object);
        }
      }
    } else {
      long from;
      try {
        from = Long.parseLong(version);
      } catch (NumberFormatException e) {
        throw Errors.badRequest("invalid resource version \"" + version + "\"");
      }
      if (from < table.compactedThrough()) {
        throw Errors.gone("too old resource version: " + from + " (" + (table.compactedThrough() + 1) + ")");
      }
      if (from > store.revision()) {
        throw new BackendException.Unavailable(504, "Timeout: Too large resource version: " + from + ", current: "
            + store.revision(), Duration.ofSeconds(1));
      }
      replay = unchangedSince(table, type, namespace, request.fields(), from) ? List.of() : table.changesAfter(from);
      // The watch cache walks every event since the version for any watch (getAllEventsSinceLocked), whatever
      // this server skips.
      ctx.scanned(table.countChangesAfter(from));
    }
    long now = server.ticker().nanoTime();
    Watcher watcher = watches.open(ctx.info().identity(), type, namespace, request.labels(), request.fields(),
        request.bookmarks(), listener, added, replay, now, timeout == null ? 0 : now + timeout.toNanos());
    ctx.returned((int) watcher.delivered());
    return new Subscription() {
      @Override
      public void close() {
        server.closeWatch(watcher);
      }
    };
  }

  /**
   * Whether a watch of one object by name ({@code metadata.name=<name>}, in a namespace for a namespaced kind: a
   * kubelet's of its own Node, resumed every few minutes) has nothing to replay after {@code from}: the object
   * exists and its last change is not later. A deleted or re-created object always has a later change to find.
   */
  private static boolean unchangedSince(KindTable table, ResourceType type, @Nullable String namespace,
      FieldSelector fields, long from) {
    String name = fields.requiredValue("metadata.name").orElse(null);
    if (name == null || (type.namespaced() && namespace == null)) {
      return false;
    }
    Resource current = table.get(new ObjectName(namespace == null ? "" : namespace, name));
    return current != null && Long.parseLong(current.resourceVersion()) <= from;
  }

  /**
   * Field selectors are served per kind ({@code GetAttrs}/{@code AddFieldLabelConversionFunc}): every kind
   * supports {@code metadata.name} and {@code metadata.namespace}; pods a few spec and status fields; Services
   * {@code spec.clusterIP} and {@code spec.type}; a custom
   * resource the fields its CRD version lists in {@code selectableFields} (GA in 1.32); any other label is a 400.
   */
  private void checkFields(ResourceType type, FieldSelector fields) {
    for (FieldSelector.Term term : fields.terms()) {
      String field = term.field();
      boolean ok = META_FIELDS.contains(field)
          || selectableFields(type).contains(field)
          || (type.groupKind().equals(Writes.POD) && POD_FIELDS.contains(field))
          || (type.groupKind().equals(Writes.NAMESPACE) && field.equals("status.phase"))
          || (type.groupKind().equals(GroupKind.of("", "Secret")) && field.equals("type"))
          || (type.groupKind().equals(GroupKind.of("", "Node")) && field.equals("spec.unschedulable"))
          // Since 1.30, for the kubelet's Service informer (spec.clusterIP!=None, kubernetes#122394).
          || (type.groupKind().equals(GroupKind.of("", "Service"))
              && (field.equals("spec.clusterIP") || field.equals("spec.type")))
          || (type.groupKind().equals(GroupKind.of("", "Event"))
              && (field.startsWith("involvedObject.") || field.equals("reason") || field.equals("type")
                  || field.equals("source") || field.equals("reportingComponent")));
      if (!ok) {
        throw Errors.badRequest("field label not supported: " + field);
      }
    }
  }

  /**
   * The field labels of a custom kind's {@code selectableFields} ({@code jsonPath: .spec.color} is {@code
   * spec.color}), at the version of {@code type} (the storage version for the Backend SPI's lists); empty for
   * built-in kinds.
   */
  private List<String> selectableFields(ResourceType type) {
    if (ResourceTypesInfo.isBuiltin(type.groupKind())) {
      return List.of();
    }
    Resource crd = store.get(FieldDecoding.CRD, "", type.plural() + "." + type.group());
    if (crd == null) {
      return List.of();
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode version : crd.spec().path("versions")) {
      if (version.path("name").asText("").equals(type.version())) {
        for (JsonNode selectable : version.path("selectableFields")) {
          String path = selectable.path("jsonPath").asText("");
          labels.add(path.startsWith(".") ? path.substring(1) : path);
        }
      }
    }
    return labels;
  }

  /** A continue token: the list's revision and the last key returned, base64 like Kubernetes' opaque tokens. */
  record Token(long revision, ObjectName after) {
    String encode() {
      String raw = revision + "\n" + after.namespace() + "\n" + after.name();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Token decode(String token) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        String[] parts = raw.split("\n", -1);
        if (parts.length != 3) {
          throw new IllegalArgumentException("malformed");
        }
        return new Token(Long.parseLong(parts[0]), new ObjectName(parts[1], parts[2]));
      } catch (IllegalArgumentException e) {
        throw Errors.badRequest("continue key is not valid: " + e.getMessage());
      }
    }
  }
}
