package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.ApiVersions;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.Ticker;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.accounting.RequestLog;
import dev.converge.inmemory.admission.AdmissionChain;
import dev.converge.inmemory.admission.ConversionWebhooks;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.rbac.EscalationCheck;
import dev.converge.inmemory.rbac.RbacAuthorizer;
import dev.converge.inmemory.store.ChangeListener;
import dev.converge.inmemory.store.ObjectCache;
import dev.converge.inmemory.store.ObjectStore;
import dev.converge.inmemory.watch.WatchDispatcher;
import dev.converge.inmemory.watch.WatchFaults;
import dev.converge.inmemory.watch.WatchEventCounter;
import dev.converge.inmemory.watch.WatchHub;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory Kubernetes API server. Every request is typed, names the caller's {@link Identity}, passes the
 * {@link RequestInterceptor}s, is authorized by RBAC (403 otherwise), and is recorded in the {@link
 * #requests() request log}; writes then go through defaulting, the {@link #admission() admission chain},
 * validation and the storage semantics of Kubernetes' generic registry (see {@code Writes}).
 *
 * <p>Thread-safe with one lock: requests are served one at a time, which also makes the order of revisions,
 * uids and watch events a pure function of the order of requests. After each top-level request the
 * post-request hook runs (the built-in controllers, run to completion by default), then queued watch events
 * are handed to the {@link WatchDispatcher}.
 *
 * <p>One exception ({@link ServerLock}): a top-level request lets the lock go while a webhook it calls over the
 * network answers, so that a slow webhook server delays only that request and a webhook server may call the API
 * server back. When the request then writes, it first checks that the object it read is still the stored one; if
 * it is not, the request starts again on what is stored, as kube-apiserver's {@code GuaranteedUpdate} retries on
 * a conflicting write (so an update with a stale {@code resourceVersion} then fails with 409), at most {@value
 * #ATTEMPTS} times.
 */
public final class ApiServer {
  /** Attempts of a request whose object changed while the lock was let go ({@code maxRetryWhenPatchConflicts}). */
  static final int ATTEMPTS = 5;
  /** Names drawn for one create by {@code generateName} ({@code maxNameGenerationCreateAttempts}). */
  static final int NAME_ATTEMPTS = 8;
  /** {@code generateName}'s prefix is cut to 63 − 5 characters ({@code names.maxGeneratedNameLength}). */
  private static final int MAX_GENERATED_PREFIX = 58;

  private final ServerLock lock = new ServerLock();
  final Conversion conversion;
  private final Ticker ticker;
  private final ObjectStore store;
  private final WatchHub watches;
  private final RbacAuthorizer rbac;
  private final NodeAuthorizer nodes;
  private final AdmissionChain admission;
  private final RequestLog requests = new RequestLog();
  private final List<RequestInterceptor> interceptors;
  private final Writes writes;
  private final Reads reads;
  private final boolean bookmarks;
  private final ServedTypes served;
  private final EventTtl eventTtl;
  private Runnable postRequestHook = () -> {};
  private boolean inPostRequest;
  /** When the bookmark timer next fires, ticker nanoseconds. */
  private long nextBookmarkCheckNanos;
  /** The cacher's bookmark timer: about a second ({@code wait.Jitter(time.Second, 0.25)}; no jitter here). */
  private static final long BOOKMARK_TIMER_NANOS = 1_000_000_000L;

  private ApiServer(ServerConfig config) {
    this.ticker = config.ticker();
    this.store = new ObjectStore(config.historyLimit(), config.historyFreshness().toNanos(), ticker::nanoTime);
    this.served = new ServedTypes(config.types());
    this.watches = new WatchHub(config.dispatcher());
    this.watches.setFaults(config.watchFaults());
    this.rbac = new RbacAuthorizer(store);
    this.nodes = new NodeAuthorizer(store);
    // Review uids come from their own stream, so that calling webhooks leaves the objects' uids as they were.
    Supplier<String> reviewUids = new Uids(config.seed() ^ 0x61646d697373696fL)::next;
    // The chain converts under the server's lock, with the conversion built below once the decoding exists.
    this.admission = new AdmissionChain(store, kind -> served.all().find(kind), reviewUids, this::convertLocked);
    admission.endpoints().networkCallRunner(lock::outside);
    this.interceptors = new CopyOnWriteArrayList<>(config.interceptors());
    String[] cidr = config.serviceCidr().split("/");
    ClusterIps ips = new ClusterIps(cidr[0], Integer.parseInt(cidr[1]));
    this.writes = new Writes(this, store, new Uids(config.seed()), ips, new EscalationCheck(rbac, store),
        config.patchEngine());
    this.reads = new Reads(this, store, watches, writes.decoding);
    this.conversion = new Conversion(store, served, new ConversionWebhooks(store, admission.endpoints(), reviewUids),
        writes.decoding);
    this.bookmarks = !config.bookmarkInterval().isZero();
    watches.setBookmarkFrequency(config.bookmarkInterval());
    this.nextBookmarkCheckNanos = ticker.nanoTime();
    this.eventTtl = new EventTtl(store, config.eventTtl().toNanos(), ticker::nanoTime);
    store.addListener(rbac);
    store.addListener(watches);
    store.addListener(eventTtl);
    store.addListener(change -> {
      if (change.type() == dev.converge.inmemory.store.Change.Type.DELETED
          && Kinds.is(change.object(), Writes.SERVICE)) {
        ips.release(change.object().key().toString());
      }
    });
  }

  /** A server with {@code config}. Most callers want {@code InMemoryCluster.create(ticker, seed)} instead. */
  public static ApiServer create(ServerConfig config) {
    return new ApiServer(config);
  }

  // ---------------------------------------------------------------- requests

  /** {@code POST}: creates {@code object}. */
  public Resource create(Identity who, Resource object) {
    return create(who, object, WriteOptions.defaults());
  }

  /** {@code POST} with options (field manager, warning sink). */
  public Resource create(Identity who, Resource object, WriteOptions options) {
    ServedTypes.Versioned in = served.written(object, options.warnings());
    ResourceType type = in.type();
    return convert(serve(RequestInfo.of(who, Verb.CREATE, type, null, scopedNamespace(type, object.namespace()),
        object.name()), options.dryRun(), ctx -> writes.create(ctx, type, in.object(), options)), type.apiVersion());
  }

  /**
   * {@code POST} of the object a client sent, which may have no name but a {@code metadata.generateName}: the server
   * then names it, as kube-apiserver 1.32 does. The name is the prefix (cut to 58 characters) and five random
   * characters from the seeded generator ({@code names.SimpleNameGenerator}); a name already taken is drawn again,
   * up to 8 attempts in all ({@code maxNameGenerationCreateAttempts} in {@code registry/generic/registry/store.go};
   * {@code RetryGenerateName}, GA in 1.32), after which the last attempt's 409 answers. It is one request,
   * authorized without a name and recorded under the name drawn last. An object with a name is created under it,
   * as {@link #create(Identity, Resource, WriteOptions)} does.
   *
   * <p>Mutating admission runs once and each attempt runs {@code BeforeCreate}, validation and validating admission
   * again, as in kube-apiserver; but mutating admission sees the first name drawn here, where kube-apiserver calls
   * it before any name is drawn (an admission request's object always has a name).
   *
   * @throws BackendException.Invalid if the object has neither a name nor a {@code generateName}
   */
  public Resource post(Identity who, JsonNode object, WriteOptions options) {
    JsonNode metadata = object.path("metadata");
    String apiVersion = object.path("apiVersion").asText("");
    String kindName = object.path("kind").asText("");
    if (!metadata.path("name").asText("").isEmpty() || apiVersion.isEmpty() || kindName.isEmpty()
        || !metadata.isObject()) {
      // Named, or malformed: Resource.of names what is missing.
      return create(who, Resource.of(object), options);
    }
    ResourceType type = served.written(GroupKind.of(ApiVersions.group(apiVersion), kindName),
        ApiVersions.version(apiVersion), options.warnings());
    String prefix = metadata.path("generateName").asText("");
    if (prefix.isEmpty()) {
      throw Errors.invalid(type, "", List.of("metadata.name: Required value: name or generateName is required"));
    }
    String namespace = metadata.path("namespace").asText("");
    return convert(serve(RequestInfo.of(who, Verb.CREATE, type, null, scopedNamespace(type, namespace), ""),
        options.dryRun(), ctx -> {
          ObjectNode named = Trees.shallowCopy(object);
          // The name first, where kube-apiserver's ObjectMeta has it.
          ObjectNode namedMetadata = Json.object();
          namedMetadata.put("name", "");
          namedMetadata.setAll((ObjectNode) metadata);
          named.set("metadata", namedMetadata);
          String first = generatedName(prefix);
          namedMetadata.put("name", first);
          ctx.generatedName(first);
          int[] attempts = {1};
          return writes.create(ctx, type, Resource.of(named), options, () -> {
            if (attempts[0] == NAME_ATTEMPTS) {
              return null;
            }
            attempts[0]++;
            String next = generatedName(prefix);
            ctx.generatedName(next);
            return next;
          });
        }), type.apiVersion());
  }

  /** {@code GET}: one object. @throws BackendException.NotFound if it (or its kind) does not exist */
  public Resource get(Identity who, ResourceKey key) {
    ResourceType type = type(key.groupKind());
    return serve(RequestInfo.of(who, Verb.GET, type, null, scopedNamespace(type, key.namespace()), key.name()),
        ctx -> reads.get(ctx, type, key));
  }

  /** {@code LIST}: objects of one kind, filtered and optionally paged. */
  public ListResult list(Identity who, ListRequest request) {
    return list(who, type(request.kind()), request);
  }

  /**
   * {@code LIST} at {@code type}, a served version of the request's kind ({@link #type(GroupKind, String)}), whose
   * {@code selectableFields} are the field labels; the objects come in the storage version.
   */
  public ListResult list(Identity who, ResourceType type, ListRequest request) {
    String namespace = request.namespace() == null ? "" : scopedNamespace(type, request.namespace());
    return serve(RequestInfo.collection(who, Verb.LIST, type, namespace, request.fields()),
        ctx -> reads.list(ctx, type, request));
  }

  /** {@code PUT}: replaces the main resource (status is kept for kinds with a status subresource). */
  public Resource update(Identity who, Resource object) {
    return update(who, object, WriteOptions.defaults());
  }

  /** {@code PUT} with options (field manager, warning sink). */
  public Resource update(Identity who, Resource object, WriteOptions options) {
    ServedTypes.Versioned in = served.written(object, options.warnings());
    ResourceType type = in.type();
    return convert(serve(RequestInfo.of(who, Verb.UPDATE, type, null, scopedNamespace(type, object.namespace()),
        object.name()), options.dryRun(), ctx -> writes.update(ctx, type, in.object(), options, false)), type.apiVersion());
  }

  /** {@code PUT …/status}: replaces only the status. @throws BackendException.NotFound if the kind has no status subresource */
  public Resource updateStatus(Identity who, Resource object) {
    return updateStatus(who, object, WriteOptions.defaults());
  }

  /** {@code PUT …/status} with options (field manager, warning sink). */
  public Resource updateStatus(Identity who, Resource object, WriteOptions options) {
    ServedTypes.Versioned in = served.written(object, options.warnings());
    ResourceType type = in.type();
    return convert(serve(RequestInfo.of(who, Verb.UPDATE, type, "status", scopedNamespace(type, object.namespace()),
        object.name()), options.dryRun(), ctx -> {
          if (!type.statusSubresource()) {
            throw Errors.notServed();
          }
          return writes.update(ctx, type, in.object(), options, true);
        }), type.apiVersion());
  }

  /** {@code PATCH} of any {@link PatchType}; an APPLY of a missing object creates it. */
  public Resource patch(Identity who, ResourceKey key, PatchType patchType, JsonNode body, PatchOptions options) {
    return patch(who, type(key.groupKind()), key, patchType, body, options);
  }

  /**
   * {@code PATCH} at {@code type}, a served version of the object's kind ({@link #type(GroupKind, String)}): the
   * patch applies to the object as that version shows it, an applied configuration is in that version, and the
   * object is answered in it.
   */
  public Resource patch(Identity who, ResourceType type, ResourceKey key, PatchType patchType, JsonNode body,
      PatchOptions options) {
    String sub = options.subresource();
    deprecationWarning(type).ifPresent(options.warnings());
    Resource patched = serve(RequestInfo.of(who, Verb.PATCH, type, sub, scopedNamespace(type, key.namespace()), key.name()),
        options.dryRun(), ctx -> writes.patch(ctx, type, key, patchType, body, options));
    return convert(patched, type.apiVersion()); // stored in the storage version; answered in the request's
  }

  /** Server-side apply of {@code object} by {@code fieldManager}: a PATCH with {@link PatchType#APPLY}. */
  public Resource apply(Identity who, Resource object, String fieldManager, boolean force) {
    return apply(who, object, PatchOptions.apply(fieldManager, force));
  }

  /** Server-side apply of {@code object} with {@code options} (its manager, {@code force}, warning sink). */
  public Resource apply(Identity who, Resource object, PatchOptions options) {
    // patch(who, object.key(), PatchType.APPLY, object.json(), …), without parsing the object a second time.
    ResourceKey key = object.key();
    ServedTypes.Versioned in = served.written(object, options.warnings());
    ResourceType type = in.type();
    return convert(serve(RequestInfo.of(who, Verb.PATCH, type, options.subresource(),
        scopedNamespace(type, key.namespace()), key.name()), ctx -> writes.apply(ctx, type, object, options)),
        type.apiVersion());
  }

  /**
   * {@code DELETE}: deletes the object, or marks it ({@code deletionTimestamp}) while finalizers remain.
   *
   * @throws BackendException.NotFound if it does not exist
   */
  public DeleteResult delete(Identity who, ResourceKey key, DeleteParams params) {
    ResourceType type = type(key.groupKind());
    return serve(RequestInfo.of(who, Verb.DELETE, type, null, scopedNamespace(type, key.namespace()), key.name()),
        params.dryRun(), ctx -> writes.delete(ctx, type, key, params));
  }

  /**
   * {@code POST} of a review ({@link Reviews}: access reviews, rules reviews, {@code SelfSubjectReview}): answered
   * from RBAC and the caller's identity, never stored. RBAC lets every authenticated user create the self reviews
   * ({@code system:basic-user}).
   */
  public JsonNode review(Identity who, ResourceType review, String namespace, JsonNode body) {
    return serve(RequestInfo.of(who, Verb.CREATE, review, null, review.namespaced() ? namespace : "", ""),
        ctx -> Reviews.answer(review, who, namespace, body, rbac));
  }

  /**
   * {@code POST serviceaccounts/<name>/token}: a {@code TokenRequest} answered with a token for the service account
   * from {@code issuer} (see {@code Subresources#requestToken}).
   */
  public JsonNode requestToken(Identity who, ResourceKey serviceAccount, JsonNode request, TokenIssuer issuer) {
    ResourceType type = type(serviceAccount.groupKind());
    return serve(RequestInfo.of(who, Verb.CREATE, type, "token", serviceAccount.namespace(), serviceAccount.name()),
        ctx -> {
          // Mutating admission (NodeRestriction) before the registry's own checks, as the create handler orders them.
          writes.restrictNodes(ctx, Operation.CREATE, type, "token", serviceAccount.name(), request, null);
          return writes.subresources.requestToken(type, serviceAccount, request, issuer);
        });
  }

  /**
   * {@code POST pods/<name>/eviction}: deletes the pod if its PodDisruptionBudget allows (see
   * {@code Subresources#evict}); 429 when the budget refuses.
   */
  public DeleteResult evict(Identity who, ResourceKey pod, DeleteParams params) {
    ResourceType type = type(Writes.POD);
    return serve(RequestInfo.of(who, Verb.CREATE, type, "eviction", pod.namespace(), pod.name()), params.dryRun(),
        ctx -> {
          writes.restrictNodes(ctx, Operation.CREATE, type, "eviction", pod.name(), null, null);
          return writes.subresources.evict(ctx, type, pod, params);
        });
  }

  /**
   * {@code GET pods/<name>/log} ({@code kubectl logs}): kube-apiserver's and the kubelet's checks of the container
   * asked for, each a 400 in their words ({@code container "app" in pod "web-1" is waiting to start:
   * ContainerCreating}); the logs themselves are empty, as simulated containers print nothing.
   *
   * @param who the caller, who needs {@code get} on {@code pods/log}
   * @param pod the pod
   * @param container the container, or null for the pod's only one
   * @param previous whether to read the previous, terminated instance of the container
   * @return the log text
   */
  public String podLogs(Identity who, ResourceKey pod, @Nullable String container, boolean previous) {
    ResourceType type = type(Writes.POD);
    return serve(RequestInfo.of(who, Verb.GET, type, "log", pod.namespace(), pod.name()),
        ctx -> PodLogs.read(reads.get(ctx, type, pod), container, previous));
  }

  /** Whether {@code subresource} of a core Pod is one a client connects to: {@code exec}, {@code attach}, {@code portforward}. */
  public static boolean isPodConnection(GroupKind kind, String subresource) {
    return kind.equals(Writes.POD) && PodConnect.SUBRESOURCES.contains(subresource);
  }

  /**
   * A connection to {@code pods/<name>/exec}, {@code attach} or {@code portforward}: a {@code POST} (SPDY) is
   * authorized as a {@code create} of the subresource; a {@code GET} (a WebSocket upgrade) as a {@code get}, then
   * as a {@code create} too, as kube-apiserver does since 1.31 ({@code AuthorizePodWebsocketUpgradeCreatePermission},
   * KEP-4006). Then the pod is read and checked ({@link PodConnect}), and the connection refused: the simulated
   * kubelets serve no streams.
   *
   * @throws BackendException always: 403, 404, or 400 naming the problem or saying why no stream can be opened
   */
  public void connect(Identity who, ResourceKey pod, String subresource, @Nullable String container, boolean upgrade) {
    ResourceType type = type(Writes.POD);
    RequestInfo info = RequestInfo.of(who, upgrade ? Verb.GET : Verb.CREATE, type, subresource, pod.namespace(), pod.name());
    serve(info, ctx -> {
      if (upgrade) {
        authorize(info.withVerb(Verb.CREATE));
      }
      throw PodConnect.refuse(reads.get(ctx, type, pod), subresource, container);
    });
  }

  /** {@code GET …/scale}: the {@code autoscaling/v1 Scale} of a Deployment, ReplicaSet, StatefulSet or ReplicationController. */
  public JsonNode getScale(Identity who, ResourceKey key) {
    ResourceType type = type(key.groupKind());
    return serve(RequestInfo.of(who, Verb.GET, type, "scale", scopedNamespace(type, key.namespace()), key.name()),
        ctx -> Subresources.scale(reads.get(ctx, scalable(type), key)));
  }

  /** {@code PUT …/scale}: sets {@code spec.replicas} from a Scale; answers the new Scale. */
  public JsonNode updateScale(Identity who, ResourceKey key, JsonNode scale, WriteOptions options) {
    ResourceType type = type(key.groupKind());
    return serve(RequestInfo.of(who, Verb.UPDATE, type, "scale", scopedNamespace(type, key.namespace()), key.name()),
        options.dryRun(), ctx -> Subresources.scale(writes.subresources.updateScale(ctx, scalable(type), key, scale, options)));
  }

  /**
   * {@code PATCH …/scale} ({@code kubectl scale}): the patch applies to the current Scale (a strategic merge patch
   * as a merge patch: a Scale has no lists), which then updates the object as {@link #updateScale} does.
   */
  public JsonNode patchScale(Identity who, ResourceKey key, PatchType patchType, JsonNode body, WriteOptions options) {
    ResourceType type = type(key.groupKind());
    return serve(RequestInfo.of(who, Verb.PATCH, type, "scale", scopedNamespace(type, key.namespace()), key.name()),
        options.dryRun(), ctx -> Subresources.scale(
            writes.subresources.patchScale(ctx, scalable(type), key, patchType, body, options)));
  }

  /** Whether objects of this kind have a {@code scale} subresource. */
  public static boolean scalable(GroupKind kind) {
    return Subresources.SCALABLE.contains(kind);
  }

  private static ResourceType scalable(ResourceType type) {
    if (!scalable(type.groupKind())) {
      throw Errors.notServed();
    }
    return type;
  }

  /**
   * {@code PUT namespaces/<name>/finalize}: replaces a namespace's {@code spec.finalizers} (what the namespace
   * controller does once the namespace is empty); a terminating namespace without finalizers is deleted.
   */
  public Resource finalizeNamespace(Identity who, Resource namespace) {
    ResourceType type = type(Writes.NAMESPACE);
    return serve(RequestInfo.of(who, Verb.UPDATE, type, "finalize", "", namespace.name()),
        ctx -> writes.subresources.finalizeNamespace(ctx, type, namespace));
  }

  /**
   * {@code POST pods/<name>/binding}: the scheduler's bind step, setting {@code spec.nodeName} of an unbound
   * pod (a conflict if it is bound already).
   */
  public Resource bind(Identity who, ResourceKey pod, String nodeName) {
    ResourceType type = type(Writes.POD);
    return serve(RequestInfo.of(who, Verb.CREATE, type, "binding", pod.namespace(), pod.name()),
        ctx -> writes.subresources.bind(ctx, type, pod, nodeName));
  }

  /** {@code WATCH}: events of one kind after a version (or the current objects first, without one). */
  public Subscription watch(Identity who, WatchRequest request, WatchListener listener) {
    return watch(who, type(request.kind()), request, listener);
  }

  /** {@code WATCH} at {@code type}, a served version of the request's kind, as {@link #list(Identity, ResourceType, ListRequest)}. */
  public Subscription watch(Identity who, ResourceType type, WatchRequest request, WatchListener listener) {
    return watch(who, type, request, listener, null);
  }

  /**
   * {@link #watch(Identity, ResourceType, WatchRequest, WatchListener)} asking the server to end it after {@code
   * timeout} ({@code timeoutSeconds}; null for never): its last BOOKMARK then comes two seconds before. The caller
   * ends it at that time ({@code Subscription#close}); the server sends nothing after it.
   */
  public Subscription watch(Identity who, ResourceType type, WatchRequest request, WatchListener listener,
      @Nullable Duration timeout) {
    String namespace = request.namespace() == null ? "" : scopedNamespace(type, request.namespace());
    return serve(RequestInfo.collection(who, Verb.WATCH, type, namespace, request.fields()),
        ctx -> reads.watch(ctx, type, request, listener, timeout));
  }

  // ---------------------------------------------------------------- administration

  /** A name for {@code metadata.generateName} {@code prefix}, as {@link #post} draws it (under the lock). */
  private String generatedName(String prefix) {
    String base = prefix.length() > MAX_GENERATED_PREFIX ? prefix.substring(0, MAX_GENERATED_PREFIX) : prefix;
    return base + writes.uids.nameSuffix();
  }

  /** The kinds served now (built-ins plus established CRDs). */
  public ResourceTypes types() {
    return served.all();
  }

  /** The type of {@code kind}. @throws BackendException.NotFound if it is not served */
  public ResourceType type(GroupKind kind) {
    return served.get(kind);
  }

  /**
   * The kinds served now, each at its most preferred served version, as discovery advertises them to clients
   * (the Backend SPI's view): {@link #types()} but for a CRD whose storage version is not its most preferred.
   */
  public ResourceTypes preferredTypes() {
    return served.preferredTypes();
  }

  /** {@code kind} at its most preferred served version ({@link #preferredTypes()}). @throws BackendException.NotFound if not served */
  public ResourceType preferredType(GroupKind kind) {
    return served.preferredElsewhere(kind).orElseGet(() -> type(kind));
  }

  /** Whether {@code kind}'s most preferred served version is not its storage version. */
  public boolean preferredElsewhere(GroupKind kind) {
    return served.preferredElsewhere(kind).isPresent();
  }

  /** {@link #convert} for callers that hold the lock (the admission chain). */
  private Resource convertLocked(Resource object, String apiVersion) {
    return conversion.convert(object, apiVersion);
  }

  /**
   * {@code object}, a custom resource, in {@code apiVersion}, a served version of its kind, as its CRD's {@code
   * spec.conversion} converts it ({@code None}: only {@code apiVersion} changes; {@code Webhook}: its conversion
   * webhook is called); itself when it is in that version.
   *
   * @throws BackendException.Unavailable (500) when a conversion webhook fails ({@code conversion webhook for
   *     example.com/v1, Kind=Widget failed: …})
   */
  public Resource convert(Resource object, String apiVersion) {
    if (object.apiVersion().equals(apiVersion)) {
      return object;
    }
    return lock.converting(() -> conversion.convert(object, apiVersion));
  }

  /**
   * {@code object} as a client reading its kind's most preferred version sees it: itself unless that is not
   * the storage version ({@link #preferredTypes()}).
   */
  public Resource inPreferredVersion(Resource object) {
    return served.preferredElsewhere(object.groupKind()).map(type -> convert(object, type.apiVersion())).orElse(object);
  }

  /** The versions of {@code kind} served besides its storage version (a CRD's other {@code served} versions). */
  public List<ServedVersion> alsoServed(GroupKind kind) {
    return served.others(kind);
  }

  /** The type of {@code kind} at {@code version}. @throws BackendException.NotFound if that version is not served */
  public ResourceType type(GroupKind kind, String version) {
    return served.at(kind, version).orElseThrow(Errors::notServed).type();
  }

  /** Every served kind at every served version: each kind's storage version first, then a CRD's other versions. */
  public List<ResourceType> servedVersions() {
    return served.allVersions();
  }

  /**
   * The deprecation warning of reads of {@code kind} at its most preferred served version (the Backend SPI's), if
   * even that version is deprecated.
   */
  public Optional<String> preferredVersionWarning(GroupKind kind) {
    return served.preferredWarning(kind);
  }

  /**
   * The deprecation warning of requests at {@code type}'s version, if its CRD marks it {@code deprecated}
   * ({@code "example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget"}).
   */
  public Optional<String> deprecationWarning(ResourceType type) {
    return served.at(type.groupKind(), type.version()).map(ServedVersion::deprecationWarning);
  }

  /** Starts serving a kind (the CRD controller calls this once a CRD is established). */
  public void serve(ResourceType type) {
    serve(new ServedVersion(type, null), List.of());
  }

  /**
   * Starts serving a kind at its storage version {@code storage} and at {@code alsoServed} (a CRD's other served
   * versions), or changes the versions it is served at.
   */
  public void serve(ServedVersion storage, List<ServedVersion> alsoServed) {
    locked(() -> served.serve(storage.type(), storage.deprecationWarning(), alsoServed));
  }

  /** Stops serving a kind (its CRD is gone): its objects are dropped and its watches end with 410. */
  public void unserve(GroupKind kind) {
    locked(() -> {
      served.unserve(kind);
      store.dropKind(kind);
      watches.closeKind(kind, Errors.gone("the resource " + kind + " is no longer served"));
    });
  }

  /** Refuses new objects of {@code kind} (its CRD is being deleted). */
  public void markTerminating(GroupKind kind) {
    served.markTerminating(kind);
  }

  boolean isTerminating(GroupKind kind) {
    return served.isTerminating(kind);
  }

  /** The admission chain embeddings register plugins with. */
  public AdmissionChain admission() {
    return admission;
  }

  /** Every request served, with counts. */
  public RequestLog requests() {
    return requests;
  }

  /** The server's source of time. */
  public Ticker ticker() {
    return ticker;
  }

  /** The RBAC authorizer (read-only use: "can this identity …?" checks in tests and the HTTP front). */
  public RbacAuthorizer rbac() {
    return rbac;
  }

  /** The store, read-only; only under {@link #locked(Runnable)} or from a change listener. */
  public ObjectCache cache() {
    return store;
  }

  /** The current global revision (the latest resourceVersion). */
  public long revision() {
    lock.lock();
    try {
      return store.revision();
    } finally {
      lock.unlock();
    }
  }

  /** Listens to every committed change, under the lock; listeners must not call the server. */
  public void addChangeListener(ChangeListener listener) {
    locked(() -> store.addListener(listener));
  }

  /** Counts the events sent to every watch opened from now on (see {@link WatchEventCounter}). */
  public void addWatchEventCounter(WatchEventCounter counter) {
    locked(() -> watches.addEventCounter(counter));
  }

  /** Adds an interceptor inside the existing ones. */
  public void addInterceptor(RequestInterceptor interceptor) {
    interceptors.add(interceptor);
  }

  /** Removes an interceptor. */
  public void removeInterceptor(RequestInterceptor interceptor) {
    interceptors.remove(interceptor);
  }

  /** Where watch events go from now on. */
  public void setDispatcher(WatchDispatcher dispatcher) {
    locked(() -> watches.setDispatcher(dispatcher));
  }

  /** Which watches get dropped from now on. */
  public void setWatchFaults(WatchFaults faults) {
    locked(() -> watches.setFaults(faults));
  }

  /** Runs after every top-level request, under the lock (the built-in controllers in run-to-completion mode). */
  public void setPostRequestHook(Runnable hook) {
    locked(() -> this.postRequestHook = hook);
  }

  /** Drops all watch and continuation history up to now: later watches from older versions get 410. */
  public void compact() {
    locked(() -> store.compact(store.revision()));
  }

  /** Sends a BOOKMARK with the current revision to every watch that asked for bookmarks. */
  public void bookmark() {
    locked(() -> {
      watches.bookmark(store.revision());
    });
  }

  /**
   * Sends the BOOKMARKs due by now, each watch's a bookmark interval after its last or two seconds before its
   * {@code timeoutSeconds} ends it: what the server does about every second of ticker time, after a request. A
   * front whose ticker runs on its own calls it to keep a quiet server's watches fresh.
   */
  public void dispatchBookmarks() {
    locked(() -> watches.dispatchBookmarks(store.revision(), ticker.nanoTime()));
  }

  /** Open watches. */
  public int watchCount() {
    lock.lock();
    try {
      return watches.size();
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} under the server lock, then delivers queued watch events. */
  public void locked(Runnable action) {
    lock.lock();
    try {
      action.run();
      watches.drain();
    } finally {
      lock.unlock();
    }
  }

  void closeWatch(dev.converge.inmemory.watch.Watcher watcher) {
    locked(() -> watches.close(watcher, null));
  }

  // ---------------------------------------------------------------- pipeline

  private <T> T serve(RequestInfo info, Function<RequestContext, T> handler) {
    return serve(info, false, handler);
  }

  /** Serves one request; a dry run ({@code dryRun=All}) goes the whole way but stores nothing. */
  private <T> T serve(RequestInfo info, boolean dryRun, Function<RequestContext, T> handler) {
    lock.lock();
    try {
      eventTtl.expire(ticker.nanoTime(), writes.deletes::removeNow);
      RequestContext ctx = new RequestContext(requests.nextSequence(), info, ticker.nanoTime());
      ctx.dryRun(dryRun);
      boolean topLevel = lock.serving(ctx);
      int code = 500;
      try {
        T result = proceed(0, ctx, handler);
        code = info.verb() == Verb.CREATE || ctx.created() ? 201 : 200;
        return result;
      } catch (BackendException e) {
        code = e.code();
        throw e;
      } finally {
        if (topLevel) {
          lock.served();
        }
        requests.append(ctx.toRecord(code), info.identity());
        afterRequest();
      }
    } finally {
      lock.unlock();
    }
  }

  private <T> T proceed(int index, RequestContext ctx, Function<RequestContext, T> handler) {
    if (index < interceptors.size()) {
      return interceptors.get(index).intercept(ctx, () -> proceed(index + 1, ctx, handler));
    }
    authorize(ctx.info());
    for (int attempt = 1; ; attempt++) {
      try {
        return handler.apply(ctx);
      } catch (Writes.ChangedMeanwhile changed) {
        if (attempt == ATTEMPTS) {
          throw Errors.staleVersion(changed.type(), changed.name());
        }
        ctx.retrying();
      }
    }
  }

  /**
   * {@code --authorization-mode=Node,RBAC}: the {@link NodeAuthorizer} allows a kubelet's request or has no
   * opinion, then RBAC decides; a request neither allows fails with 403, with the Node authorizer's reason. Runs
   * under the lock (within {@link #serve}).
   */
  void authorize(RequestInfo request) {
    RequestInfo info = request.authorized();
    NodeAuthorizer.Decision node = nodes.authorize(info);
    if (node.allowed()) {
      return;
    }
    if (!rbac.authorize(info.identity(), info.verb().wireName(), info.group(), info.resource(), info.subresource(),
        info.namespace(), info.name())) {
      throw node.reason().isEmpty() ? Errors.forbidden(info) : Errors.forbidden(info, node.reason());
    }
  }

  private void afterRequest() {
    if (inPostRequest) {
      return;
    }
    inPostRequest = true;
    try {
      postRequestHook.run();
      long now = ticker.nanoTime();
      if (bookmarks && now >= nextBookmarkCheckNanos) {
        watches.dispatchBookmarks(store.revision(), now);
        nextBookmarkCheckNanos = now + BOOKMARK_TIMER_NANOS;
      }
    } finally {
      inPostRequest = false;
    }
    watches.drain();
  }

  private static String scopedNamespace(ResourceType type, @Nullable String namespace) {
    return type.namespaced() && namespace != null ? namespace : "";
  }
}
