package dev.converge.inmemory.sim.load;

import com.google.common.collect.ImmutableList;
import com.google.common.hash.Hashing;
import dev.converge.api.GroupKind;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.RequestContext;
import dev.converge.inmemory.server.RequestInfo;
import dev.converge.inmemory.server.RequestInterceptor;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.RequestAdmission;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.store.ObjectStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * API priority and fairness on the in-memory server ({@code WithPriorityAndFairness}): every request is
 * classified by the first matching {@link FlowSchema} into a {@link PriorityLevel} and a flow, takes seats
 * (one, or for a LIST one per {@code objectsPerSeat} objects it will walk, capped per level), waits in its
 * flow's shuffle-sharded queues while the level's seats are taken, and is rejected with 429 and {@code
 * Retry-After} when its queue is full or it waited too long. Watches are long-running and hold no seat;
 * {@code system:masters} is exempt. The {@link LatencyModel} gives the service time, and each record's
 * {@code latencyNanos} is the queue wait plus the service time; seats are held for the service time on the
 * virtual clock.
 *
 * <p>Requests that a {@link SimClient} sends as an {@link ApiCall} are admitted before they run ({@link
 * #admit}, the simulation's {@link RequestAdmission}) and wait on the virtual clock: they run on the server
 * when dispatched. Synchronous callers of the server (the engine's control loop on the simulated driver,
 * tests), and client calls that do not say what they are, cannot wait: this interceptor admits them on the
 * spot — they take seats if the level would not reject them, and get the 429 a queued request would get when
 * its queue is full — but never queue.
 *
 * <p>The in-memory server serves LISTs from an index when it can (pods by {@code spec.nodeName}), and the
 * estimate here follows what the server will walk: a per-node pod LIST is as cheap in seats as it is to
 * serve. (kube-apiserver's own estimator counts every stored object of the resource, index or not.)
 */
public final class PriorityAndFairness implements RequestInterceptor, RequestAdmission {
  private final ApfConfig config;
  private final ApiServer server;
  private final VirtualScheduler scheduler;
  private final LatencyModel latency;
  private final ObjectCounts counts;
  private final Map<String, LevelQueues> levels = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> flowHashes = new HashMap<>();
  /**
   * Each identity's classifications (schema, level, flow and its hash by request shape): the configuration is
   * fixed, so they are pure functions of the identity and the shape. An identity instance carries its own as
   * an {@link Identity#attachment}.
   */
  private final Map<Identity, Classes> classified = new HashMap<>();

  /** What classification looks at besides the identity. */
  private record Shape(Verb verb, String group, String resource, String subresource, String namespace) {}

  /** A request shape's classification for one identity; {@code level} null for watches. */
  private record Classified(FlowSchema schema, @Nullable LevelQueues level, String flow, long flowHash) {}

  /**
   * One identity's classifications by request shape, and its last few shapes with theirs (a client repeats a
   * handful of requests), compared field by field first: no key object. Each recent shape's hash is kept in
   * an array beside it, so that finding the one that matches reads a single shape: an identity's state is
   * cold by the time its next request comes (a kubelet's, ten seconds and ten thousand kubelets later), and
   * every shape compared before the right one was a cache miss.
   */
  private static final class Classes {
    static final int RECENT = 4;
    // The last shape classified, by its fields, and its classification: most clients repeat one request (a
    // kubelet its Lease update), which is then found on the cache line of this object's header alone.
    @Nullable Verb lastVerb;
    @Nullable String lastGroup;
    @Nullable String lastResource;
    @Nullable String lastSubresource;
    @Nullable String lastNamespace;
    @Nullable Classified last;
    final Map<Shape, Classified> all = new HashMap<>(4);
    final int[] hashes = new int[RECENT];
    final Shape[] shapes = new Shape[RECENT];
    final Classified[] classes = new Classified[RECENT];
    int next;
  }
  private final Duration retryAfter;
  private @Nullable ApfRequest admitted;

  PriorityAndFairness(ApfConfig config, ApiServer server, VirtualScheduler scheduler, LatencyModel latency,
      ObjectCounts counts) {
    this.config = config;
    this.server = server;
    this.scheduler = scheduler;
    this.latency = latency;
    this.counts = counts;
    this.retryAfter = config.retryAfter();
    for (PriorityLevel level : config.levels()) {
      if (level.type() != PriorityLevel.Type.EXEMPT) {
        levels.put(level.name(), new LevelQueues(level, config.seatsOf(level), config.maxSeatsOf(level), config, scheduler));
      }
    }
  }

  /** The configuration in force. */
  public ApfConfig config() {
    return config;
  }

  /** What each limited level did so far, in configuration order. */
  public ImmutableList<LevelStats> levelStats() {
    return levels.values().stream().map(LevelQueues::stats).collect(ImmutableList.toImmutableList());
  }

  /** The first flow schema, by precedence, that matches {@code request}. */
  public FlowSchema classify(RequestInfo request) {
    for (FlowSchema schema : config.schemas()) {
      if (schema.matches(request)) {
        return schema;
      }
    }
    // Every authenticated identity matches catch-all; an identity without system:authenticated lands here too.
    return config.schemas().get(config.schemas().size() - 1);
  }

  /** The seats {@code request} takes, {@code objects} being what a LIST will walk. */
  int seats(Verb verb, int objects, @Nullable LevelQueues level) {
    if (verb != Verb.LIST || level == null) {
      return 1;
    }
    int seats = (int) Math.ceil((double) objects / config.objectsPerSeat());
    return Math.max(1, Math.min(seats, level.maxSeats()));
  }

  /**
   * Admits a request that can wait: it is queued in its level and {@code onDecision} runs when it is
   * dispatched or rejected, now or later on the virtual clock. The caller then runs it through {@link
   * #execute}.
   *
   * @param listObjects for a LIST, the objects it will walk (its seat estimate); ignored otherwise
   */
  void submit(RequestInfo request, int listObjects, Consumer<ApfRequest> onDecision) {
    Classified c = classified(request);
    LevelQueues level = c.level();
    ApfRequest apf = new ApfRequest(request.identity().name(), request.verb().wireName(), c.schema().name(), c.flow(),
        level, level == null ? 0 : seats(request.verb(), listObjects, level), scheduler.nanoTime(), onDecision);
    if (level == null) {
      apf.decided = true;
      apf.dispatchNanos = apf.arrivalNanos;
      onDecision.accept(apf);
      return;
    }
    level.submit(apf, c.flowHash());
  }

  /** {@code request}'s schema, level, flow and flow hash, from its identity's cache when it has been seen. */
  private Classified classified(RequestInfo request) {
    Identity identity = request.identity();
    Classes mine = identity.attachment(this, i -> classified.computeIfAbsent(i, k -> new Classes()));
    Verb verb = request.verb();
    String group = request.group();
    String resource = request.resource();
    String subresource = request.subresource();
    String namespace = request.namespace();
    Classified last = mine.last;
    if (last != null && mine.lastVerb == verb && Objects.equals(mine.lastGroup, group)
        && Objects.equals(mine.lastResource, resource) && Objects.equals(mine.lastSubresource, subresource)
        && Objects.equals(mine.lastNamespace, namespace)) {
      return last;
    }
    int hash = recentHash(verb, group, resource, subresource, namespace);
    for (int i = 0; i < Classes.RECENT; i++) {
      if (mine.hashes[i] != hash) {
        continue;
      }
      Shape shape = mine.shapes[i];
      if (shape != null && shape.verb() == verb && shape.group().equals(group) && shape.resource().equals(resource)
          && shape.subresource().equals(subresource) && shape.namespace().equals(namespace)) {
        return remember(mine, shape, mine.classes[i]);
      }
    }
    Shape shape = new Shape(verb, group, resource, subresource, namespace);
    Classified known = mine.all.get(shape);
    if (known == null) {
      FlowSchema schema = classify(request);
      LevelQueues level = verb == Verb.WATCH ? null : levels.get(schema.level());
      String flow = schema.flowOf(request);
      known = new Classified(schema, level, flow, level == null ? 0 : flowHash(schema.name(), flow));
      mine.all.put(shape, known);
    }
    mine.hashes[mine.next] = hash;
    mine.shapes[mine.next] = shape;
    mine.classes[mine.next] = known;
    mine.next = (mine.next + 1) % Classes.RECENT;
    return remember(mine, shape, known);
  }

  private static Classified remember(Classes mine, Shape shape, Classified classified) {
    mine.lastVerb = shape.verb();
    mine.lastGroup = shape.group();
    mine.lastResource = shape.resource();
    mine.lastSubresource = shape.subresource();
    mine.lastNamespace = shape.namespace();
    mine.last = classified;
    return classified;
  }

  /** The hash a recent shape is filed under in {@link Classes#hashes} (any function of the fields would do). */
  private static int recentHash(Verb verb, String group, String resource, String subresource, String namespace) {
    return (((verb.ordinal() * 31 + group.hashCode()) * 31 + resource.hashCode()) * 31 + subresource.hashCode()) * 31
        + namespace.hashCode();
  }

  /**
   * Admits a client request: an {@link ApiCall} is classified, estimated and queued, and {@code dispatch} runs
   * when it is dispatched or rejected (the interceptor then answers 429); any other call runs at once.
   */
  @Override
  public void admit(Identity identity, SimClient.Call<?> call, Runnable dispatch) {
    if (!(call instanceof ApiCall<?> api)) {
      dispatch.run();
      return;
    }
    ResourceType type;
    try {
      type = server.type(api.kind());
    } catch (BackendException unserved) {
      dispatch.run();
      return;
    }
    String namespace = type.namespaced() ? api.namespace() : "";
    RequestInfo info = new RequestInfo(identity, api.verb(), type, api.subresource(), namespace, api.name());
    int objects = api.verb() == Verb.LIST ? objectsToWalk(api, type) : 1;
    submit(info, objects, request -> run(request, dispatch));
  }

  /**
   * The objects a LIST will walk, as the server serves it: one for a {@code metadata.name} selector, the
   * node's pods for a {@code spec.nodeName} selector (the index), else the kind in the namespace or cluster.
   */
  private int objectsToWalk(ApiCall<?> call, ResourceType type) {
    ListRequest list = call.listRequest();
    if (list == null || list.fields().requiredValue("metadata.name").isPresent()) {
      return 1;
    }
    Optional<String> node = list.fields().requiredValue(ObjectStore.POD_NODE_INDEX);
    if (node.isPresent() && type.groupKind().equals(GroupKind.of("", "Pod")) && list.continueToken() == null) {
      return counts.podsOn(node.get());
    }
    return counts.count(type.groupKind(), type.namespaced() ? call.namespace() : "");
  }

  /** Runs {@code dispatch}, the server request {@code request} was admitted for, so that it is accounted as such. */
  void run(ApfRequest request, Runnable dispatch) {
    admitted = request;
    try {
      dispatch.run();
    } finally {
      if (admitted == request) {
        // It never reached the server (an unserved kind fails before the interceptors): free its seats.
        admitted = null;
        if (request.level != null && !request.rejected) {
          request.level.hold(request, 0);
        }
      }
    }
  }

  @Override
  public <T> T intercept(RequestContext context, Chain<T> next) {
    RequestInfo info = context.info();
    ApfRequest request = admitted;
    if (request != null && request.identity.equals(info.identity().name()) && request.verb.equals(info.verb().wireName())) {
      admitted = null;
    } else {
      request = admitNow(info);
    }
    context.attribute("apf.level", request.levelName());
    if (request.seats > 1) {
      context.attribute("apf.seats", Integer.toString(request.seats));
    }
    if (request.rejected) {
      context.setLatencyNanos(request.waitNanos());
      throw new BackendException.Unavailable(429, "Too many requests, please try again later.", retryAfter);
    }
    try {
      return next.proceed();
    } finally {
      long service = latency.serviceNanos(info.verb().wireName(), context.scannedCount(), context.returnedCount());
      request.serviceNanos = service;
      context.setLatencyNanos(request.waitNanos() + service);
      if (request.level != null) {
        request.level.hold(request, service);
      }
    }
  }

  /** Admission of a synchronous caller: classified and seated like any request, but never queued. */
  private ApfRequest admitNow(RequestInfo info) {
    Classified c = classified(info);
    LevelQueues level = c.level();
    int objects = info.verb() == Verb.LIST ? counts.count(info.type().groupKind(), info.namespace()) : 1;
    ApfRequest request = new ApfRequest(info.identity().name(), info.verb().wireName(), c.schema().name(), c.flow(),
        level, level == null ? 0 : seats(info.verb(), objects, level), scheduler.nanoTime(), r -> { });
    if (level == null) {
      request.decided = true;
      request.dispatchNanos = request.arrivalNanos;
      return request;
    }
    return level.admitNow(request, c.flowHash());
  }

  /** {@code hashFlowID}: the first 8 bytes, little-endian, of SHA-256(schema NUL distinguisher). */
  private long flowHash(String schema, String flow) {
    Map<String, Long> ofSchema = flowHashes.computeIfAbsent(schema, s -> new HashMap<>());
    Long hash = ofSchema.get(flow);
    if (hash == null) {
      byte[] digest = Hashing.sha256().hashString(schema + '\0' + flow, StandardCharsets.UTF_8).asBytes();
      hash = ByteBuffer.wrap(digest, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      ofSchema.put(flow, hash);
    }
    return hash;
  }
}
