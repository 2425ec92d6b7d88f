package dev.converge.inmemory.server;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.core.schema.KubeVersions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The kinds the server serves: the built-ins, plus each established CRD's kind, minus those whose CRD is
 * gone; and the kinds whose CRD is being deleted, which refuse new objects. A kind is registered at its
 * storage version ({@link #all()}); a CRD's other served versions are kept beside it ({@link #at}). Reads are
 * lock-free (the registries are immutable values swapped on change).
 */
final class ServedTypes {
  private volatile ResourceTypes types;
  private volatile ImmutableMap<GroupKind, ImmutableList<ServedVersion>> others = ImmutableMap.of();
  /** The deprecation warnings of storage versions marked {@code deprecated}. */
  private volatile ImmutableMap<GroupKind, String> storageWarnings = ImmutableMap.of();
  /** The kinds whose most preferred served version is not their storage version, at that version. */
  private volatile ImmutableMap<GroupKind, ResourceType> preferredElsewhere = ImmutableMap.of();
  private final Set<GroupKind> terminating = ConcurrentHashMap.newKeySet();

  ServedTypes(ResourceTypes initial) {
    this.types = initial;
  }

  ResourceTypes all() {
    return types;
  }

  /** @throws dev.converge.api.backend.BackendException.NotFound if {@code kind} is not served */
  ResourceType get(GroupKind kind) {
    return types.find(kind).orElseThrow(Errors::notServed);
  }

  /** {@code kind} at {@code version}: its storage type, or another served version; empty if not served. */
  Optional<ServedVersion> at(GroupKind kind, String version) {
    Optional<ResourceType> storage = types.find(kind);
    if (storage.isEmpty()) {
      return Optional.empty();
    }
    if (storage.get().version().equals(version)) {
      return Optional.of(new ServedVersion(storage.get(), storageWarnings.get(kind)));
    }
    for (ServedVersion other : others.getOrDefault(kind, ImmutableList.of())) {
      if (other.type().version().equals(version)) {
        return Optional.of(other);
      }
    }
    return Optional.empty();
  }

  /** Every served kind at every served version: each kind's storage version first, then a CRD's other versions. */
  List<ResourceType> allVersions() {
    List<ResourceType> all = new ArrayList<>();
    for (ResourceType type : types.all()) {
      all.add(type);
      for (ServedVersion other : others(type.groupKind())) {
        all.add(other.type());
      }
    }
    return all;
  }

  /** The kinds at their most preferred served versions: {@link #all()} but for those preferred elsewhere. */
  ResourceTypes preferredTypes() {
    ResourceTypes preferred = types;
    for (ResourceType type : preferredElsewhere.values()) {
      preferred = preferred.with(type);
    }
    return preferred;
  }

  /**
   * A written object in a served version of its kind: {@code type} is the kind at that version, whose schema
   * decodes, admits and validates the object, and whose {@code apiVersion} its field manager's entry records; the
   * object is converted to the storage version when it is stored.
   */
  record Versioned(ResourceType type, Resource object) {}

  /**
   * The served version of a written object, whose {@code apiVersion} must be a version served: the write goes to
   * that version's handler (the URL kubectl and the Kubernetes backend write to), and a version no longer served,
   * such as {@code apps/v1beta2}, has none: 404, rather than the object stored as sent. (The HTTP front refuses a
   * body whose version is not its URL's with the handler's 400.) A deprecated version's warning goes to {@code
   * warnings}.
   *
   * @throws dev.converge.api.backend.BackendException.NotFound if the kind or the version is not served
   */
  Versioned written(Resource object, Consumer<String> warnings) {
    return new Versioned(written(object.groupKind(), object.version(), warnings), object);
  }

  /** The served version an object of {@code kind} at {@code version} is written at, as {@link #written(Resource, Consumer)}. */
  ResourceType written(GroupKind kind, String version, Consumer<String> warnings) {
    ServedVersion at = at(kind, version).orElseThrow(Errors::notServed);
    if (at.deprecationWarning() != null) {
      warnings.accept(at.deprecationWarning());
    }
    return at.type();
  }

  /** The versions of {@code kind} served besides its storage version. */
  ImmutableList<ServedVersion> others(GroupKind kind) {
    return others.getOrDefault(kind, ImmutableList.of());
  }

  /**
   * {@code kind} at its most preferred served version ({@link KubeVersions#PRIORITY}), which discovery
   * advertises and clients read in, if that is not its storage version; empty otherwise.
   */
  Optional<ResourceType> preferredElsewhere(GroupKind kind) {
    ImmutableMap<GroupKind, ResourceType> elsewhere = preferredElsewhere;
    return elsewhere.isEmpty() ? Optional.empty() : Optional.ofNullable(elsewhere.get(kind));
  }

  /** The deprecation warning of {@code kind}'s most preferred served version, if it is deprecated. */
  Optional<String> preferredWarning(GroupKind kind) {
    ResourceType preferred = preferredElsewhere.get(kind);
    return preferred == null ? Optional.ofNullable(storageWarnings.get(kind))
        : at(kind, preferred.version()).map(ServedVersion::deprecationWarning);
  }

  void serve(ResourceType type, @Nullable String deprecationWarning, List<ServedVersion> alsoServed) {
    types = types.with(type);
    others = with(type.groupKind(), ImmutableList.copyOf(alsoServed));
    storageWarnings = withWarning(type.groupKind(), deprecationWarning);
    preferredElsewhere = preferred();
    terminating.remove(type.groupKind());
  }

  void unserve(GroupKind kind) {
    types = types.without(kind);
    others = with(kind, ImmutableList.of());
    storageWarnings = withWarning(kind, null);
    preferredElsewhere = preferred();
    terminating.remove(kind);
  }

  private ImmutableMap<GroupKind, String> withWarning(GroupKind kind, @Nullable String warning) {
    if (warning == null && !storageWarnings.containsKey(kind)) {
      return storageWarnings;
    }
    Map<GroupKind, String> next = new LinkedHashMap<>(storageWarnings);
    if (warning == null) {
      next.remove(kind);
    } else {
      next.put(kind, warning);
    }
    return ImmutableMap.copyOf(next);
  }

  private ImmutableMap<GroupKind, ResourceType> preferred() {
    ImmutableMap.Builder<GroupKind, ResourceType> out = ImmutableMap.builder();
    others.forEach((kind, versions) -> {
      ResourceType storage = types.find(kind).orElseThrow();
      ResourceType best = storage;
      for (ServedVersion other : versions) {
        if (KubeVersions.PRIORITY.compare(other.type().version(), best.version()) < 0) {
          best = other.type();
        }
      }
      if (best != storage) {
        out.put(kind, best);
      }
    });
    return out.buildOrThrow();
  }

  private ImmutableMap<GroupKind, ImmutableList<ServedVersion>> with(GroupKind kind, ImmutableList<ServedVersion> versions) {
    Map<GroupKind, ImmutableList<ServedVersion>> next = new LinkedHashMap<>(others);
    if (versions.isEmpty()) {
      next.remove(kind);
    } else {
      next.put(kind, versions);
    }
    return ImmutableMap.copyOf(next);
  }

  void markTerminating(GroupKind kind) {
    terminating.add(kind);
  }

  boolean isTerminating(GroupKind kind) {
    return terminating.contains(kind);
  }
}
