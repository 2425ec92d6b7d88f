package dev.converge.inmemory.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.core.schema.KubeVersions;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.ServedVersion;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The apiextensions-apiserver controllers that make a CRD's kind servable and remove it: the naming and
 * establishing controllers (conditions {@code NamesAccepted} and {@code Established}, {@code acceptedNames},
 * {@code storedVersions}) and the finalizer controller (on deletion: delete every custom resource, then drop
 * the {@code customresourcecleanup.apiextensions.k8s.io} finalizer, after which the kind is no longer served).
 * It runs inside the API server, as {@code system:apiserver}.
 */
public final class CrdController implements Controller, ChangeListener {
  public static final Identity IDENTITY = Identity.user("system:apiserver", Identity.MASTERS);
  public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
  private static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");

  private final ApiServer server;
  private final ControllerQueue<String> queue = new ControllerQueue<>();
  private final ControllerQueue<GroupKind> removed = new ControllerQueue<>();

  public CrdController(ApiServer server) {
    this.server = server;
    server.addChangeListener(this);
  }

  @Override
  public String name() {
    return "crd-controller";
  }

  @Override
  public boolean hasWork() {
    return !queue.isEmpty() || !removed.isEmpty();
  }

  @Override
  public void retryDeferred() {
    queue.retryDeferred();
  }

  @Override
  public void onChange(Change change) {
    Resource object = change.object();
    if (!object.kind().equals("CustomResourceDefinition") || !object.group().equals("apiextensions.k8s.io")) {
      if (change.type() == Change.Type.DELETED && object.group().indexOf('.') > 0 && !object.group().endsWith(".k8s.io")) {
        // A custom resource went away: its CRD (named <plural>.<group>) may be waiting for the last one.
        server.types().find(change.object().groupKind()).ifPresent(type -> {
          String crdName = type.plural() + "." + type.group();
          Resource crd = server.cache().get(CRD, "", crdName);
          if (crd != null && crd.isBeingDeleted()) {
            queue.add(crdName);
          }
        });
      }
      return;
    }
    if (change.type() == Change.Type.DELETED) {
      kindOf(change.object()).ifPresent(removed::add);
    } else {
      queue.add(change.object().name());
    }
  }

  @Override
  public void step() {
    GroupKind gone = removed.poll();
    if (gone != null) {
      server.unserve(gone);
      return;
    }
    String name = queue.poll();
    if (name == null) {
      return;
    }
    try {
      sync(name);
    } catch (BackendException.NotFound notFound) {
      // deleted meanwhile
    } catch (BackendException failed) {
      queue.defer(name);
    }
  }

  private void sync(String name) {
    Resource crd = server.cache().get(CRD, "", name);
    if (crd == null) {
      return;
    }
    Optional<ResourceType> type = typeOf(crd);
    if (type.isEmpty()) {
      return;
    }
    GroupKind kind = type.get().groupKind();
    if (crd.isBeingDeleted()) {
      server.markTerminating(kind);
      List<Resource> objects = new ArrayList<>(server.cache().objects(kind).values());
      for (Resource object : objects) {
        if (!object.isBeingDeleted()) {
          server.delete(IDENTITY, object.key(), DeleteParams.of(Propagation.BACKGROUND).withUid(object.uid()));
        }
      }
      if (server.cache().objects(kind).isEmpty() && crd.finalizers().contains(CLEANUP_FINALIZER)) {
        Resource current = server.cache().get(CRD, "", name);
        server.update(IDENTITY, current.edit(tree -> {
          ObjectNode metadata = (ObjectNode) tree.get("metadata");
          ArrayNode kept = metadata.arrayNode();
          for (JsonNode finalizer : metadata.path("finalizers")) {
            if (!finalizer.asText().equals(CLEANUP_FINALIZER)) {
              kept.add(finalizer);
            }
          }
          metadata.set("finalizers", kept);
        }));
      }
      return;
    }
    List<ServedVersion> alsoServed = alsoServed(crd, type.get());
    ServedVersion storage = new ServedVersion(type.get(), deprecationWarning(crd, type.get()));
    if (!type.get().equals(server.types().find(kind).orElse(null)) || !alsoServed.equals(server.alsoServed(kind))
        || !Objects.equals(storage.deprecationWarning(), server.deprecationWarning(type.get()).orElse(null))) {
      server.serve(storage, alsoServed);
    }
    if (!established(crd)) {
      server.updateStatus(IDENTITY, crd.edit(tree -> tree.set("status", acceptedStatus(crd))));
    } else if (!storedVersions(crd).contains(type.get().version())) {
      // A new storage version joins status.storedVersions, which keeps the old ones until a migration removes
      // them (the apiextensions controller appends; only a client prunes the list).
      server.updateStatus(IDENTITY, crd.edit(tree -> ((ObjectNode) tree.path("status")).withArray("storedVersions")
          .add(type.get().version())));
    }
  }

  private ObjectNode acceptedStatus(Resource crd) {
    String now = DateTimeFormatter.ISO_INSTANT.format(server.ticker().now().truncatedTo(ChronoUnit.SECONDS));
    ObjectNode status = Json.object();
    ArrayNode conditions = status.putArray("conditions");
    condition(conditions, "NamesAccepted", "NoConflicts", "no conflicts found", now);
    condition(conditions, "Established", "InitialNamesAccepted", "the initial names have been accepted", now);
    ObjectNode names = crd.spec().path("names").deepCopy();
    String kind = names.path("kind").asText();
    if (!names.has("singular")) {
      names.put("singular", kind.toLowerCase());
    }
    if (!names.has("listKind")) {
      names.put("listKind", kind + "List");
    }
    status.set("acceptedNames", names);
    ArrayNode stored = status.putArray("storedVersions");
    storageVersion(crd).ifPresent(version -> stored.add(version.path("name").asText()));
    return status;
  }

  private static void condition(ArrayNode conditions, String type, String reason, String message, String now) {
    ObjectNode condition = conditions.addObject();
    condition.put("type", type);
    condition.put("status", "True");
    condition.put("reason", reason);
    condition.put("message", message);
    condition.put("lastTransitionTime", now);
  }

  private static List<String> storedVersions(Resource crd) {
    List<String> stored = new ArrayList<>();
    crd.status().path("storedVersions").forEach(version -> stored.add(version.asText()));
    return stored;
  }

  private static boolean established(Resource crd) {
    for (JsonNode condition : crd.status().path("conditions")) {
      if (condition.path("type").asText().equals("Established") && condition.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }

  private static Optional<JsonNode> storageVersion(Resource crd) {
    for (JsonNode version : crd.spec().path("versions")) {
      if (version.path("storage").asBoolean(false)) {
        return Optional.of(version);
      }
    }
    return Optional.empty();
  }

  /** The type a CRD serves: its storage version, plural, scope, short names and status subresource. */
  static Optional<ResourceType> typeOf(Resource crd) {
    JsonNode spec = crd.spec();
    Optional<JsonNode> version = storageVersion(crd);
    String group = spec.path("group").asText("");
    String kind = spec.path("names").path("kind").asText("");
    String plural = spec.path("names").path("plural").asText("");
    if (version.isEmpty() || group.isEmpty() || kind.isEmpty() || plural.isEmpty()) {
      return Optional.empty();
    }
    ImmutableList.Builder<String> shortNames = ImmutableList.builder();
    for (JsonNode shortName : spec.path("names").path("shortNames")) {
      shortNames.add(shortName.asText());
    }
    boolean status = version.get().path("subresources").has("status");
    return Optional.of(new ResourceType(GroupKind.of(group, kind), version.get().path("name").asText(), plural,
        spec.path("scope").asText().equals("Namespaced"), shortNames.build(), status));
  }

  /**
   * The versions a CRD serves besides its storage version ({@code served: true}), each with its own status
   * subresource and, if {@code deprecated}, its warning: the CRD's {@code deprecationWarning}, or
   * apiextensions-apiserver's default, which names the most preferred newer version that is served and not
   * deprecated ({@code "example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget"}).
   */
  static List<ServedVersion> alsoServed(Resource crd, ResourceType storage) {
    List<ServedVersion> out = new ArrayList<>();
    JsonNode versions = crd.spec().path("versions");
    for (JsonNode version : versions) {
      String name = version.path("name").asText("");
      if (name.equals(storage.version()) || !version.path("served").asBoolean(false)) {
        continue;
      }
      ResourceType type = new ResourceType(storage.groupKind(), name, storage.plural(), storage.namespaced(),
          storage.shortNames(), version.path("subresources").has("status"));
      out.add(new ServedVersion(type, deprecationWarning(crd, type)));
    }
    return out;
  }

  /** The warning of requests at {@code type}'s version if the CRD marks it {@code deprecated}, else null. */
  private static @Nullable String deprecationWarning(Resource crd, ResourceType type) {
    JsonNode versions = crd.spec().path("versions");
    for (JsonNode version : versions) {
      if (version.path("name").asText("").equals(type.version()) && version.path("deprecated").asBoolean(false)) {
        return version.hasNonNull("deprecationWarning") ? version.path("deprecationWarning").asText()
            : defaultDeprecationWarning(type.groupKind(), type.version(), versions);
      }
    }
    return null;
  }

  private static String defaultDeprecationWarning(GroupKind kind, String deprecated, JsonNode versions) {
    String message = kind.group() + "/" + deprecated + " " + kind.kind() + " is deprecated";
    List<String> newer = new ArrayList<>();
    for (JsonNode version : versions) {
      String name = version.path("name").asText("");
      if (version.path("served").asBoolean(false) && !version.path("deprecated").asBoolean(false)
          && KubeVersions.PRIORITY.compare(name, deprecated) < 0) {
        newer.add(name);
      }
    }
    newer.sort(KubeVersions.PRIORITY);
    return newer.isEmpty() ? message : message + "; use " + kind.group() + "/" + newer.get(0) + " " + kind.kind();
  }

  private static Optional<GroupKind> kindOf(Resource crd) {
    return typeOf(crd).map(ResourceType::groupKind);
  }
}
