package dev.converge.inmemory.sim.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.DeleteResult;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.TokenIssuer;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.server.WriteOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One API request a {@link SimClient} sends, with what it is — verb, kind, namespace, name, subresource, and
 * for a LIST its selectors — known before it runs: what priority and fairness classifies and estimates before
 * admitting it (a {@link RequestAdmission} may hold it back until it is dispatched). Built with the factories,
 * one per {@link ApiServer} request method.
 *
 * @param <T> what the server answers
 */
public final class ApiCall<T> implements SimClient.Call<T> {
  /** How the call runs on the server, as one identity, its writes recorded under {@code manager} (or the default). */
  @FunctionalInterface
  private interface Invocation<T> {
    T invoke(ApiServer server, Identity identity, @Nullable String manager);
  }

  private final Verb verb;
  private final GroupKind kind;
  private final String namespace;
  private final String name;
  private final String subresource;
  private final @Nullable ListRequest list;
  private final Invocation<T> invocation;

  private ApiCall(Verb verb, GroupKind kind, String namespace, String name, String subresource,
      @Nullable ListRequest list, Invocation<T> invocation) {
    this.verb = verb;
    this.kind = kind;
    this.namespace = namespace;
    this.name = name;
    this.subresource = subresource;
    this.list = list;
    this.invocation = invocation;
  }

  /** {@code GET} one object. */
  public static ApiCall<Resource> get(ResourceKey key) {
    return new ApiCall<>(Verb.GET, key.groupKind(), key.namespace(), key.name(), "", null,
        (server, who, manager) -> server.get(who, key));
  }

  /** {@code LIST} objects of a kind (namespace, selectors and paging from the request). */
  public static ApiCall<ListResult> list(ListRequest request) {
    String ns = request.namespace() == null ? "" : request.namespace();
    return new ApiCall<>(Verb.LIST, request.kind(), ns, "", "", request, (server, who, manager) -> server.list(who, request));
  }

  /** {@code WATCH} a kind; the subscription is the answer. Watches are long-running: no seat, no queue. */
  public static ApiCall<Subscription> watch(WatchRequest request, WatchListener listener) {
    return watch(request, listener, null);
  }

  /**
   * {@code WATCH} with {@code timeoutSeconds}: the server sends the watch's last BOOKMARK two seconds before
   * {@code timeout} ends it; the caller closes the subscription then.
   */
  public static ApiCall<Subscription> watch(WatchRequest request, WatchListener listener, @Nullable Duration timeout) {
    String ns = request.namespace() == null ? "" : request.namespace();
    return new ApiCall<>(Verb.WATCH, request.kind(), ns, "", "", null,
        (server, who, manager) -> server.watch(who, server.type(request.kind()), request, listener, timeout));
  }

  /** {@code POST}: creates {@code object}. */
  public static ApiCall<Resource> create(Resource object) {
    return new ApiCall<>(Verb.CREATE, object.groupKind(), object.namespace(), object.name(), "", null,
        (server, who, manager) -> server.create(who, object, options(manager)));
  }

  /** {@code PUT}: replaces {@code object} (optimistic concurrency on its resourceVersion). */
  public static ApiCall<Resource> update(Resource object) {
    return new ApiCall<>(Verb.UPDATE, object.groupKind(), object.namespace(), object.name(), "", null,
        (server, who, manager) -> server.update(who, object, options(manager)));
  }

  /** {@code PUT …/status}: replaces {@code object}'s status. */
  public static ApiCall<Resource> updateStatus(Resource object) {
    return new ApiCall<>(Verb.UPDATE, object.groupKind(), object.namespace(), object.name(), "status", null,
        (server, who, manager) -> server.updateStatus(who, object, options(manager)));
  }

  /** {@code PATCH} of any type. */
  public static ApiCall<Resource> patch(ResourceKey key, PatchType type, JsonNode body, PatchOptions options) {
    return new ApiCall<>(Verb.PATCH, key.groupKind(), key.namespace(), key.name(), options.subresource() == null ? ""
        : options.subresource(), null, (server, who, manager) -> server.patch(who, key, type, body,
        manager == null || options.fieldManager() != null ? options : new PatchOptions(manager, options.force(),
            options.subresource(), options.warnings(), options.dryRun(), options.fieldValidation())));
  }

  /** Server-side apply of {@code object} by {@code fieldManager}. */
  public static ApiCall<Resource> apply(Resource object, String fieldManager, boolean force) {
    return patch(object.key(), PatchType.APPLY, object.json(), PatchOptions.apply(fieldManager, force));
  }

  /** {@code DELETE} one object. */
  public static ApiCall<DeleteResult> delete(ResourceKey key, DeleteParams params) {
    return new ApiCall<>(Verb.DELETE, key.groupKind(), key.namespace(), key.name(), "", null,
        (server, who, manager) -> server.delete(who, key, params));
  }

  /** {@code POST pods/<name>/binding}: the scheduler's bind. */
  public static ApiCall<Resource> bind(ResourceKey pod, String node) {
    return new ApiCall<>(Verb.CREATE, pod.groupKind(), pod.namespace(), pod.name(), "binding", null,
        (server, who, manager) -> server.bind(who, pod, node));
  }

  /** {@code POST serviceaccounts/<name>/token}: a {@code TokenRequest}, answered with a token from {@code issuer}. */
  public static ApiCall<JsonNode> requestToken(ResourceKey serviceAccount, JsonNode request, TokenIssuer issuer) {
    return new ApiCall<>(Verb.CREATE, serviceAccount.groupKind(), serviceAccount.namespace(), serviceAccount.name(),
        "token", null, (server, who, manager) -> server.requestToken(who, serviceAccount, request, issuer));
  }

  public Verb verb() {
    return verb;
  }

  public GroupKind kind() {
    return kind;
  }

  /** The namespace as given (empty for cluster-scoped objects and lists across namespaces). */
  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  public String subresource() {
    return subresource;
  }

  /** The LIST's request (selectors, paging), or null for other verbs. */
  public @Nullable ListRequest listRequest() {
    return list;
  }

  @Override
  public T call(ApiServer server, Identity identity) {
    return invocation.invoke(server, identity, null);
  }

  @Override
  public T call(ApiServer server, Identity identity, @Nullable String fieldManager) {
    return invocation.invoke(server, identity, fieldManager);
  }

  private static WriteOptions options(@Nullable String manager) {
    return manager == null ? WriteOptions.defaults() : WriteOptions.manager(manager);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(verb.wireName()).append(' ').append(kind.kind());
    if (!subresource.isEmpty()) {
      out.append('/').append(subresource);
    }
    if (!namespace.isEmpty()) {
      out.append(' ').append(namespace);
    }
    if (!name.isEmpty()) {
      out.append(namespace.isEmpty() ? " " : "/").append(name);
    }
    return out.toString();
  }
}
