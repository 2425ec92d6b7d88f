package dev.converge.inmemory.sim.load;

import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.core.loop.RateLimiter;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.RequestInfo;
import dev.converge.inmemory.server.Verb;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A simulated component's connection to the API server, as one identity: what a {@code rest.Config} and its
 * client are to a Kubernetes component. Every request
 *
 * <ol>
 *   <li>waits for a token of the client's bucket ({@link ClientLimit}; one client per identity, so all of
 *       kube-controller-manager's controllers share its 20 qps);
 *   <li>is classified, seated or queued by {@link PriorityAndFairness}, and may be rejected with 429;
 *   <li>runs on the server when it is dispatched (its writes carry that time), taking the service time of the
 *       {@link LatencyModel};
 *   <li>is answered when its service time has passed: the callback runs then, on the virtual clock.
 * </ol>
 *
 * A 429 with {@code Retry-After} is sent again after that delay, through the bucket again, at most {@code
 * maxRetries} times (client-go's {@code rest.Request} does the same); the callback sees only the final
 * answer. Confined to the simulation's thread.
 */
public final class SimClient {
  private final LoadModel model;
  private final VirtualScheduler scheduler;
  private final Identity identity;
  private final ClientLimit limit;
  private final RateLimiter<Object> bucket;
  private long sent;
  private long retries;

  SimClient(LoadModel model, VirtualScheduler scheduler, Identity identity, ClientLimit limit) {
    this.model = model;
    this.scheduler = scheduler;
    this.identity = identity;
    this.limit = limit;
    this.bucket = RateLimiter.tokenBucket(scheduler, limit.qps(), limit.burst());
  }

  public Identity identity() {
    return identity;
  }

  /** The client-side limit this client's requests wait for. */
  public ClientLimit limit() {
    return limit;
  }

  /** Sends {@code call}; {@code done} gets the answer when it arrives. */
  public <T> void send(ApiCall<T> call, Consumer<Response<T>> done) {
    attempt(call, done, 1);
  }

  /** Sends {@code call} and ignores the answer (a heartbeat, a fire-and-forget event). */
  public void send(ApiCall<?> call) {
    attempt(call, null, 1);
  }

  /** Requests sent so far, retries included. */
  public long sent() {
    return sent;
  }

  /** Of those, the resends after a 429. */
  public long retries() {
    return retries;
  }

  private <T> void attempt(ApiCall<T> call, @Nullable Consumer<Response<T>> done, int attempt) {
    long delay = bucket.when(this).toNanos();
    if (delay == 0) {
      arrive(call, done, attempt);
    } else {
      scheduler.scheduleAt(scheduler.nanoTime() + delay, () -> arrive(call, done, attempt));
    }
  }

  private <T> void arrive(ApiCall<T> call, @Nullable Consumer<Response<T>> done, int attempt) {
    sent++;
    ResourceType type;
    try {
      type = model.server().type(call.kind());
    } catch (BackendException unserved) {
      answer(done, Response.failed(unserved, 0, attempt), 0);
      return;
    }
    String namespace = type.namespaced() ? call.namespace() : "";
    RequestInfo info = new RequestInfo(identity, call.verb(), type, call.subresource(), namespace, call.name());
    int objects = call.verb() == Verb.LIST ? call.objectsToWalk(model.counts(), type.namespaced()) : 1;
    model.flowControl().submit(info, objects, request -> run(call, done, attempt, request));
  }

  private <T> void run(ApiCall<T> call, @Nullable Consumer<Response<T>> done, int attempt, ApfRequest request) {
    T value = null;
    BackendException error = null;
    try {
      value = model.flowControl().execute(request, () -> call.invoke(model.server(), identity));
    } catch (BackendException e) {
      error = e;
    }
    long latency = request.waitNanos() + request.serviceNanos;
    if (error instanceof BackendException.Unavailable busy && error.code() == 429 && attempt <= model.config().maxRetries()) {
      retries++;
      scheduler.scheduleAt(scheduler.nanoTime() + busy.retryAfter().toNanos(), () -> attempt(call, done, attempt + 1));
      return;
    }
    answer(done, error == null ? Response.ok(value, latency, attempt) : Response.failed(error, latency, attempt),
        request.serviceNanos);
  }

  private <T> void answer(@Nullable Consumer<Response<T>> done, Response<T> response, long afterNanos) {
    if (done != null) {
      scheduler.scheduleAt(scheduler.nanoTime() + afterNanos, () -> done.accept(response));
    }
  }

  @Override
  public String toString() {
    return "SimClient[" + identity + ", " + limit + "]";
  }
}
