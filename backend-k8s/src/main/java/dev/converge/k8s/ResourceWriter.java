package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import io.kubernetes.client.openapi.Pair;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Every write: server-side apply with its update fallback, create, update, status update and delete.
 *
 * <p><b>Apply</b> is a {@code PATCH} with {@code application/apply-patch+yaml} (JSON is YAML),
 * {@code fieldManager} and {@code force}. A server that does not implement it answers 415 (unknown patch
 * type) or 405; the fabric8 mock server answers 404 with an empty body when the object does not exist yet,
 * where a real API server always sends a {@code Status} (a 404 with one means the namespace or the kind is
 * missing, and is reported as such). On such an answer the backend remembers that this server has no apply
 * — one backend talks to one server — and from then on goes straight to the fallback: get; absent → create;
 * present → {@link DesiredMerge merge} the desired fields onto the live object and {@code PUT} it at the live
 * {@code resourceVersion}, reading again and retrying on conflict. The fallback cannot detect field
 * ownership conflicts (there are no {@code managedFields} to consult), so it behaves like a forced apply.
 */
final class ResourceWriter {
  private final RestClient rest;
  private final Paths paths;
  private final String defaultManager;
  private final int maxConflictRetries;
  private final AtomicBoolean applyUnsupported = new AtomicBoolean();

  ResourceWriter(RestClient rest, Paths paths, String defaultManager, int maxConflictRetries) {
    this.rest = rest;
    this.paths = paths;
    this.defaultManager = defaultManager;
    this.maxConflictRetries = maxConflictRetries;
  }

  /** Whether a server answer showed that this server has no server-side apply. */
  boolean applyUnsupported() {
    return applyUnsupported.get();
  }

  /**
   * The manager to record: the caller's, or this backend's configured manager when the caller passed the
   * engine's default, so that an embedding names its writes once, in the backend options.
   */
  String manager(ApplyOptions options) {
    return options.fieldManager().equals(ApplyOptions.DEFAULT_FIELD_MANAGER) ? defaultManager : options.fieldManager();
  }

  Resource apply(ResourceType type, Resource resource, ApplyOptions options) {
    String subject = resource.key().toString();
    if (!applyUnsupported.get()) {
      RestClient.Answer answer = rest.exchange(
          HttpVerb.APPLY, type.groupKind(), subject, "PATCH", paths.item(type, resource.key()),
          List.of(new Pair("fieldManager", manager(options)), new Pair("force", String.valueOf(options.force()))),
          Wire.bytes(Wire.withoutServerFields(resource)), RestClient.APPLY_PATCH);
      if (answer.ok()) {
        return Wire.toResource(answer.json(), type);
      }
      if (!signalsNoApply(answer)) {
        throw RestClient.failure(answer, HttpVerb.APPLY, subject);
      }
      applyUnsupported.set(true);
    }
    rest.metrics().applyFallback(type.groupKind());
    return applyByUpdate(type, resource, manager(options));
  }

  private static boolean signalsNoApply(RestClient.Answer answer) {
    return answer.code() == 415 || answer.code() == 405 || (answer.code() == 404 && !ApiErrors.isStatus(answer.body()));
  }

  private Resource applyByUpdate(ResourceType type, Resource resource, String manager) {
    for (int attempt = 0; ; attempt++) {
      Optional<Resource> live = get(type, resource.key());
      try {
        if (live.isEmpty()) {
          return create(type, resource, manager);
        }
        ObjectNode merged = DesiredMerge.merge(type.groupKind(), live.get().json(), Wire.withoutServerFields(resource));
        ((ObjectNode) merged.path("metadata")).put("resourceVersion", live.get().resourceVersion());
        if (merged.equals(live.get().json())) {
          return live.get(); // already as desired: write nothing
        }
        return put(HttpVerb.UPDATE, type, resource.key(), paths.item(type, resource.key()), merged, manager);
      } catch (BackendException.Conflict | BackendException.AlreadyExists | BackendException.NotFound raced) {
        // Another writer changed, created or deleted the object between our read and our write: read again.
        if (attempt >= maxConflictRetries || (raced instanceof BackendException.NotFound && live.isEmpty())) {
          throw raced;
        }
      }
    }
  }

  Optional<Resource> get(ResourceType type, ResourceKey key) {
    RestClient.Answer answer = rest.exchange(
        HttpVerb.GET, type.groupKind(), key.toString(), "GET", paths.item(type, key), List.of(), null, null);
    if (answer.code() == 404) {
      return Optional.empty();
    }
    if (!answer.ok()) {
      throw RestClient.failure(answer, HttpVerb.GET, key.toString());
    }
    return Optional.of(Wire.toResource(answer.json(), type));
  }

  Resource create(ResourceType type, Resource resource, String manager) {
    JsonNode created = rest.call(
        HttpVerb.CREATE, type.groupKind(), resource.key().toString(), "POST",
        paths.collection(type, resource.namespace()), List.of(new Pair("fieldManager", manager)),
        Wire.bytes(Wire.withoutServerFields(resource)), RestClient.JSON);
    return Wire.toResource(created, type);
  }

  Resource update(ResourceType type, Resource resource) {
    requireVersion(resource);
    return put(HttpVerb.UPDATE, type, resource.key(), paths.item(type, resource.key()), resource.json(), defaultManager);
  }

  /**
   * Writes {@code status} through the status subresource ({@code PUT …/status}). The request goes to the server
   * whatever discovery said about the kind: a kind without the subresource has no {@code /status} path, and
   * kube-apiserver answers 404 ({@code NotFound}), as the SPI promises; the server, not a possibly stale
   * discovery, is the authority on which kinds have one.
   *
   * <p>A status write names no {@code fieldManager}: the server then attributes it to the client's user agent.
   * Servers that match the subresource on the raw request path (the fabric8 mock server) miss {@code /status}
   * when a query follows it and would silently write the main resource instead.
   */
  Resource updateStatus(ResourceType type, Resource resource) {
    requireVersion(resource);
    return put(HttpVerb.UPDATE_STATUS, type, resource.key(), paths.status(type, resource.key()), resource.json(), null);
  }

  private Resource put(
      HttpVerb verb, ResourceType type, ResourceKey key, String path, JsonNode body, @Nullable String manager) {
    JsonNode stored = rest.call(
        verb, type.groupKind(), key.toString(), "PUT", path,
        manager == null ? List.of() : List.of(new Pair("fieldManager", manager)), Wire.bytes(body), RestClient.JSON);
    return Wire.toResource(stored, type);
  }

  /**
   * Deletes with {@code propagationPolicy} and the uid/resourceVersion preconditions.
   *
   * @return the object as the server left it (marked for deletion while finalizers remain), a tombstone
   *     outcome (empty) when it is gone, or null when it did not exist
   */
  @Nullable DeleteOutcome delete(ResourceType type, ResourceKey key, DeleteOptions options) {
    ObjectNode body = Json.object();
    body.put("apiVersion", "v1");
    body.put("kind", "DeleteOptions");
    body.put("propagationPolicy", options.propagation().wireName());
    if (options.uid() != null || options.resourceVersion() != null) {
      ObjectNode preconditions = body.putObject("preconditions");
      if (options.uid() != null) {
        preconditions.put("uid", options.uid());
      }
      if (options.resourceVersion() != null) {
        preconditions.put("resourceVersion", options.resourceVersion());
      }
    }
    RestClient.Answer answer = rest.exchange(
        HttpVerb.DELETE, type.groupKind(), key.toString(), "DELETE", paths.item(type, key), List.of(),
        Wire.bytes(body), RestClient.JSON);
    if (answer.code() == 404) {
      return null;
    }
    if (!answer.ok()) {
      throw RestClient.failure(answer, HttpVerb.DELETE, key.toString());
    }
    JsonNode object = answer.json();
    boolean isObject = object.isObject() && !object.path("kind").asText("").equals("Status")
        && object.path("metadata").has("name");
    Resource last = isObject ? Wire.toResource(object, type) : null;
    return new DeleteOutcome(last != null && last.isBeingDeleted() ? last : null, last);
  }

  /**
   * What a delete left.
   *
   * @param remaining the object, still present and marked for deletion (finalizers), or null if it is gone
   * @param lastSeen the object the server returned (its last state), or null if it returned only a Status
   */
  record DeleteOutcome(@Nullable Resource remaining, @Nullable Resource lastSeen) {}

  private static void requireVersion(Resource resource) {
    String version = resource.resourceVersion();
    if (version == null || version.isEmpty()) {
      throw new BackendException.Invalid(
          resource.key() + ": metadata.resourceVersion is required (the version the object was read at)",
          ImmutableList.of("metadata.resourceVersion: Required value"));
    }
  }
}
