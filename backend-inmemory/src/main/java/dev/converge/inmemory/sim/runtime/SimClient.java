package dev.converge.inmemory.sim.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.DeleteResult;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.WriteOptions;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One simulated client process talking to the API server as one {@link Identity}, through one client-side
 * {@link ClientThrottle} (client-go's {@code rest.Config} QPS/burst). A request waits for the throttle, is
 * admitted by the context's {@link RequestAdmission} (at once by default; the load model's priority and
 * fairness may queue it), served by the server when admitted (its effect, its watch events and its accounting
 * happen then), and its {@link Response} reaches the caller the request's latency after it arrived — the
 * latency the load model's interceptors recorded (queue wait and service time), zero when none is modelled.
 * The convenience methods send {@link ApiCall}s, which tell the admission what they are before they run.
 *
 * <p>As client-go's {@code rest.Request} does, a 429 or 5xx answer carrying a Retry-After is retried after that
 * delay, up to {@link #MAX_RETRIES} times, each retry waiting for the throttle again ({@code checkWait},
 * {@code tryThrottle}).
 *
 * <p>Confined to the simulation's thread.
 */
public final class SimClient {
  /** client-go's {@code rest.Request} default {@code maxRetries}. */
  public static final int MAX_RETRIES = 10;

  /** One request: what to ask the server. */
  @FunctionalInterface
  public interface Call<T> {
    @Nullable T call(ApiServer server, Identity identity);

    /**
     * The request sent by a client whose writes name {@code fieldManager} as their manager when they name none
     * themselves (null: the server's default, the identity's name); {@link #call(ApiServer, Identity)} unless
     * the call writes.
     */
    default @Nullable T call(ApiServer server, Identity identity, @Nullable String fieldManager) {
      return call(server, identity);
    }
  }

  private final SimContext runtime;
  private final Identity identity;
  private final ClientThrottle throttle;
  private final @Nullable String fieldManager;
  private long sent;

  SimClient(SimContext runtime, Identity identity, ClientThrottle throttle, @Nullable String fieldManager) {
    this.runtime = runtime;
    this.identity = identity;
    this.throttle = throttle;
    this.fieldManager = fieldManager;
  }

  public Identity identity() {
    return identity;
  }

  /**
   * The manager this client's writes record in {@code managedFields}: what kube-apiserver takes from a request's
   * {@code User-Agent} when it names no {@code fieldManager} (the part before the first {@code /}: {@code
   * kubelet}, {@code kube-scheduler}, {@code kube-controller-manager}); null for a client with no known user agent,
   * whose writes are recorded under its identity's name.
   */
  public @Nullable String fieldManager() {
    return fieldManager;
  }

  /** Write options naming {@link #fieldManager()} (the defaults when there is none). */
  public WriteOptions writeOptions() {
    return fieldManager == null ? WriteOptions.defaults() : WriteOptions.manager(fieldManager);
  }

  /** The simulation's clock (for components that schedule their own work). */
  public VirtualScheduler clock() {
    return runtime.clock();
  }

  /** The simulation this client belongs to. */
  SimContext context() {
    return runtime;
  }

  /** Requests sent so far, retries included. */
  public long sent() {
    return sent;
  }

  /** Sends {@code call} and ignores the answer. */
  public <T> void send(Call<T> call) {
    send(call, null);
  }

  /** Sends {@code call}; {@code onResponse} (if any) runs when the answer arrives. */
  public <T> void send(Call<T> call, @Nullable Consumer<Response<T>> onResponse) {
    attempt(call, onResponse, 1, false);
  }

  /**
   * Sends {@code call} and hands the answer to {@code onServed} as soon as the server has served it, instead of
   * when it arrives; the response's {@code latencyNanos} is then the time left until it would have arrived. For
   * a component that does nothing with the answer but plan its next request for a time after its arrival — a
   * kubelet renewing its Lease — the outcome is the same, one scheduler event cheaper.
   */
  public <T> void sendServed(Call<T> call, Consumer<Response<T>> onServed) {
    attempt(call, onServed, 1, true);
  }

  private <T> void attempt(Call<T> call, @Nullable Consumer<Response<T>> onResponse, int attempt, boolean inline) {
    VirtualScheduler clock = runtime.clock();
    long wait = throttle.reserve(clock.nanoTime());
    if (wait <= 0) {
      arrive(call, onResponse, attempt, inline);
    } else {
      clock.scheduleAt(clock.nanoTime() + wait, () -> arrive(call, onResponse, attempt, inline));
    }
  }

  /** The request reaches the server; the admission decides when it runs (at once without a load model). */
  private <T> void arrive(Call<T> call, @Nullable Consumer<Response<T>> onResponse, int attempt, boolean inline) {
    long arrivedAt = runtime.clock().nanoTime();
    runtime.admission().admit(identity, call, () -> execute(call, onResponse, attempt, arrivedAt, inline));
  }

  /**
   * Runs the request now. Its recorded latency counts from its arrival (a queue wait, then the service time),
   * so the answer arrives {@code latency} after {@code arrivedAt}.
   */
  private <T> void execute(Call<T> call, @Nullable Consumer<Response<T>> onResponse, int attempt, long arrivedAt,
      boolean inline) {
    sent++;
    ApiServer server = runtime.server();
    long sequence = server.requests().mark() + 1;
    T value = null;
    BackendException error = null;
    try {
      value = call.call(server, identity, fieldManager);
    } catch (BackendException e) {
      error = e;
    }
    long latency = runtime.latencyOf(sequence);
    VirtualScheduler clock = runtime.clock();
    long answeredAt = Math.max(clock.nanoTime(), arrivedAt + latency);
    if (error instanceof BackendException.Unavailable unavailable && attempt <= MAX_RETRIES
        && (unavailable.code() == 429 || unavailable.code() >= 500)
        && !unavailable.retryAfter().isZero() && !unavailable.retryAfter().isNegative()) {
      long retryAt = answeredAt + unavailable.retryAfter().toNanos();
      clock.scheduleAt(retryAt, () -> attempt(call, onResponse, attempt + 1, inline));
      return;
    }
    if (onResponse != null) {
      if (inline) {
        onResponse.accept(new Response<>(value, error, answeredAt - clock.nanoTime(), attempt));
      } else {
        Response<T> response = new Response<>(value, error, latency, attempt);
        clock.scheduleAt(answeredAt, () -> onResponse.accept(response));
      }
    }
  }

  // ---------------------------------------------------------------- the requests components make

  public void create(Resource object, @Nullable Consumer<Response<Resource>> onResponse) {
    send(ApiCall.create(object), onResponse);
  }

  public void update(Resource object, @Nullable Consumer<Response<Resource>> onResponse) {
    send(ApiCall.update(object), onResponse);
  }

  public void updateStatus(Resource object, @Nullable Consumer<Response<Resource>> onResponse) {
    send(ApiCall.updateStatus(object), onResponse);
  }

  /** A JSON merge patch of the main resource. */
  public void mergePatch(ResourceKey key, JsonNode patch, @Nullable Consumer<Response<Resource>> onResponse) {
    send(ApiCall.patch(key, PatchType.MERGE, patch, PatchOptions.defaults()), onResponse);
  }

  /** A JSON merge patch of the status subresource (what the kubelet's status manager sends). */
  public void mergePatchStatus(ResourceKey key, JsonNode patch, @Nullable Consumer<Response<Resource>> onResponse) {
    send(ApiCall.patch(key, PatchType.MERGE, patch, PatchOptions.defaults().onStatus()), onResponse);
  }

  public void delete(ResourceKey key, DeleteParams params, @Nullable Consumer<Response<DeleteResult>> onResponse) {
    send(ApiCall.delete(key, params), onResponse);
  }

  /** {@code POST pods/<name>/binding}. */
  public void bind(ResourceKey pod, String node, @Nullable Consumer<Response<Resource>> onResponse) {
    send(ApiCall.bind(pod, node), onResponse);
  }

  public void get(ResourceKey key, @Nullable Consumer<Response<Resource>> onResponse) {
    send(ApiCall.get(key), onResponse);
  }

  public void list(ListRequest request, @Nullable Consumer<Response<ListResult>> onResponse) {
    send(ApiCall.list(request), onResponse);
  }

  /**
   * Opens a watch. Events flow from the moment the server accepts it (through the simulation's watch
   * dispatcher); {@code onResponse} gets the subscription after the request's latency.
   */
  public void watch(WatchRequest request, WatchListener listener, @Nullable Consumer<Response<Subscription>> onResponse) {
    send(ApiCall.watch(request, listener), onResponse);
  }

  /** {@code WATCH} that the server ends after {@code timeout} ({@link ApiCall#watch(WatchRequest, WatchListener, Duration)}). */
  public void watch(WatchRequest request, WatchListener listener, Duration timeout,
      @Nullable Consumer<Response<Subscription>> onResponse) {
    send(ApiCall.watch(request, listener, timeout), onResponse);
  }

  @Override
  public String toString() {
    return "SimClient[" + identity.name() + "]";
  }
}
