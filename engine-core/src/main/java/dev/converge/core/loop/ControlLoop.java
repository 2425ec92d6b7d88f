package dev.converge.core.loop;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.hash.Hashing;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.InvalidGraphException;
import dev.converge.api.InvalidResourceException;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.LabelSelector;
import dev.converge.api.Observed;
import dev.converge.api.Outcome;
import dev.converge.api.Ownership;
import dev.converge.api.OwnershipConflictException;
import dev.converge.api.Plan;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.Selection;
import dev.converge.core.cache.WatchCache;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.plan.Planner;
import dev.converge.core.time.TaskScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One level-triggered reconcile pass over a primary, as a plain synchronous method (DESIGN.md §4). It reads
 * what is, never what happened: the same call on the same cluster does the same thing, so a missed event or a
 * crash between steps costs one more pass, never a wrong result.
 *
 * <p>A pass over {@code primary}:
 *
 * <ol>
 *   <li>reads it; absent → nothing ({@link PassResult.Phase#ABSENT}); not {@link Reconciler#manages managed} by
 *       the reconciler → nothing either ({@link PassResult.Phase#IGNORED}), not even its deletion;
 *   <li>being deleted → plans the teardown of everything it owns (deletes in reverse order), executes it and,
 *       once nothing owned is left, removes the finalizer {@value #FINALIZER} — the pattern of every
 *       Kubernetes controller that cleans up cluster-scoped or cross-namespace children, which owner references
 *       cannot reach;
 *   <li>decodes it ({@link Reconciler#decode}); an {@link InvalidSpecException} changes nothing in the cluster
 *       and is reported through the status function as {@link Outcome.Invalid};
 *   <li>ensures the finalizer, observes the objects it owns ({@code ownedKinds()} labelled {@link
 *       Ownership#OWNER_LABEL}), asks the reconciler for the desired graph, reads the desired objects it has
 *       not seen, plans, executes;
 *   <li>observes the live objects again (only if it wrote anything), computes the status and writes it only
 *       when it changed.
 * </ol>
 *
 * <p>Where it reads: a loop built by {@link #builder} reads the backend, so {@code reconcile} called directly
 * (unit tests, convergence assertions) sees the server itself, at the cost of a get and a list per owned kind
 * per pass. The drivers run {@link #withCache a copy reading through their watch cache} instead, which makes
 * a converged pass free of requests; both copies write the same way.
 *
 * <p>Thread-safe: passes over different primaries may run at once (the work queue never hands one primary to
 * two workers). Time comes from the injected {@link Ticker}; randomness from the seed, mixed with the primary's
 * key, so a reconciler sees the same draws for the same primary on every pass and every run.
 *
 * @param <P> the reconciler's typed primary
 */
public final class ControlLoop<P> {
  /** The finalizer the loop puts on every primary it reconciles. */
  public static final String FINALIZER = "converge.dev/cleanup";

  private final Backend backend;
  private final ClusterView view;
  private final Reconciler<P> reconciler;
  private final Ticker ticker;
  private final long seed;
  private final Planner planner;
  private final PlanExecutor executor;
  private final Duration cleanupRecheck;
  private final LoopMetrics metrics;
  private final MeterRegistry registry;
  private final int conflictAttempts;

  private ControlLoop(Builder<P> builder) {
    this.backend = builder.backend;
    this.reconciler = builder.reconciler;
    this.ticker = builder.ticker;
    this.seed = builder.seed;
    this.planner = builder.planner;
    this.registry = builder.registry;
    PlanExecutor configured = builder.executor;
    this.executor = configured != null ? configured : PlanExecutor.builder(backend).meterRegistry(registry).build();
    this.cleanupRecheck = builder.cleanupRecheck;
    this.metrics = new LoopMetrics(registry, reconciler.primaryKind().toString());
    this.conflictAttempts = builder.conflictAttempts;
    this.view = ClusterView.direct(backend, conflictAttempts, metrics);
  }

  /** {@code base} reading through {@code cache}; everything else shared. */
  private ControlLoop(ControlLoop<P> base, WatchCache cache) {
    this.backend = base.backend;
    this.reconciler = base.reconciler;
    this.ticker = base.ticker;
    this.seed = base.seed;
    this.planner = base.planner;
    this.registry = base.registry;
    this.executor = base.executor;
    this.cleanupRecheck = base.cleanupRecheck;
    this.metrics = base.metrics;
    this.conflictAttempts = base.conflictAttempts;
    this.view = ClusterView.cached(backend, cache, conflictAttempts, metrics);
  }

  /**
   * A builder for a loop that reconciles {@code reconciler}'s primaries on {@code backend}, reading time from
   * {@code ticker} (a {@code VirtualScheduler} in simulation, {@link Ticker#system()} in real time).
   */
  public static <P> Builder<P> builder(Backend backend, Reconciler<P> reconciler, Ticker ticker) {
    return new Builder<>(backend, reconciler, ticker);
  }

  /**
   * Runs one pass over {@code primary}.
   *
   * @return what it did and what it asks of the work queue; a failed request ends the pass with {@link
   *     PassResult.Phase#ERROR} and a backoff instead of throwing
   */
  public PassResult reconcile(ResourceKey primary) {
    long start = ticker.nanoTime();
    PassResult result;
    PrimaryWrites.Pass pass = new PrimaryWrites.Pass();
    try {
      result = pass(primary, pass);
    } catch (BackendException failure) {
      Duration after = failure instanceof BackendException.Unavailable busy ? busy.retryAfter() : Duration.ZERO;
      result = new PassResult(primary, PassResult.Phase.ERROR, null, ExecutionReport.empty(Observed.empty()),
          pass.writes, false, Requeue.backoff(after), failure.code() + " " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }
    metrics.pass(result.tag(), ticker.nanoTime() - start);
    return result;
  }

  /** The kind of primary this loop reconciles. */
  public GroupKind primaryKind() {
    return reconciler.primaryKind();
  }

  /** The kinds of the objects the reconciler owns. */
  public ImmutableSet<GroupKind> ownedKinds() {
    return reconciler.ownedKinds();
  }

  /** The loop's time source; drivers must use the same one. */
  public Ticker ticker() {
    return ticker;
  }

  /** The registry the loop publishes to; drivers publish their queue depth there too. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * An event router over its own {@link #watchCache watch cache} of the primary kind and the owned kinds on
   * this loop's backend, handing the affected primary keys to {@code sink}; not started. This loop keeps
   * reading the backend; drivers share the cache with a {@link #withCache cached} loop instead.
   *
   * @param scheduler where watch reconnects and re-lists are scheduled
   * @param reconnectDelay how long to wait before re-opening a dropped watch or retrying a failed list
   */
  public EventRouter events(Consumer<ResourceKey> sink, TaskScheduler scheduler, Duration reconnectDelay) {
    return events(watchCache(scheduler, reconnectDelay), sink);
  }

  /**
   * An event router over {@code cache}, handing the primaries that its changes concern to {@code sink}; not
   * started. The router starts and closes the cache.
   */
  public EventRouter events(WatchCache cache, Consumer<ResourceKey> sink) {
    return new EventRouter(cache, primaryKind(), backend.types().isNamespaced(primaryKind()), reconciler::manages, sink);
  }

  /**
   * A watch cache (not started) of the primary kind and the owned kinds on this loop's backend, indexed by
   * the owner label every pass selects by, publishing to this loop's registry.
   *
   * @param scheduler where watch reconnects and re-lists are scheduled
   * @param reconnectDelay how long to wait before re-opening a dropped watch or retrying a failed list
   */
  public WatchCache watchCache(TaskScheduler scheduler, Duration reconnectDelay) {
    return WatchCache.builder(backend, scheduler)
        .kind(primaryKind())
        .kinds(ownedKinds())
        .reconnectDelay(reconnectDelay)
        .indexLabel(Ownership.OWNER_LABEL)
        .meterRegistry(registry)
        .build();
  }

  /**
   * This loop reading through {@code cache} (which must list and watch this loop's backend, and hold the
   * primary and owned kinds to make a difference): the primary, the owned objects and the desired objects are
   * read from memory for every kind that has synced, from the backend otherwise, and every write the pass
   * makes (the executor's, the finalizer and status updates) is fed into the cache, so the next pass sees it
   * even before its watch event arrives. A converged pass then makes no request at all, as a
   * controller-runtime reconciler reading from its manager's cache (DESIGN.md §9).
   *
   * <p>The executor still reads the server where it must (a re-read after a conflict, checking that a
   * replaced object is gone), and so do readiness gates for objects outside the cache.
   */
  public ControlLoop<P> withCache(WatchCache cache) {
    return new ControlLoop<>(this, cache);
  }

  /** The cache this loop reads through, if it was made {@link #withCache with one}. */
  public Optional<WatchCache> cache() {
    return view.cache();
  }

  private PassResult pass(ResourceKey key, PrimaryWrites.Pass pass) {
    Optional<Resource> found = view.reads().get(key);
    if (found.isEmpty()) {
      return simple(key, PassResult.Phase.ABSENT, ExecutionReport.empty(Observed.empty()), pass, Requeue.none());
    }
    Resource primary = found.get();
    if (!reconciler.manages(primary)) {
      return simple(key, PassResult.Phase.IGNORED, ExecutionReport.empty(Observed.empty()), pass, Requeue.none());
    }
    if (primary.isBeingDeleted()) {
      return cleanUp(primary, pass);
    }
    P decoded;
    try {
      decoded = reconciler.decode(primary);
    } catch (InvalidSpecException invalid) {
      return invalid(primary, invalid, pass);
    }
    Resource withFinalizer = view.writes().ensureFinalizer(primary, FINALIZER, pass);
    if (withFinalizer == null) {
      return simple(key, PassResult.Phase.ABSENT, ExecutionReport.empty(Observed.empty()), pass, Requeue.none());
    }
    primary = withFinalizer;
    Observed owned = view.reads().observe(ownedSelection(key, ImmutableSet.of()));
    DesiredGraph graph;
    Observed observed = owned;
    Plan plan;
    try {
      graph = reconciler.desired(decoded, new PassContext(primary, owned, random(key)));
      observed = withDesired(owned, graph);
      plan = planner.plan(graph, observed);
    } catch (InvalidSpecException invalid) {
      return invalid(primary, invalid, pass);
    } catch (InvalidGraphException | DependencyCycleException | InvalidResourceException | OwnershipConflictException badGraph) {
      // The reconciler built a graph the engine cannot carry out (a cycle, a dependency outside the graph, a
      // malformed object, objects another owner holds): nothing is applied, since a plan is validated whole before
      // its first action runs. A new spec, a new reconciler version or the other owner letting go may fix it: back off.
      Outcome failed = new Outcome.Failed(ImmutableList.of(String.valueOf(badGraph.getMessage())));
      boolean written = writeStatus(primary, decoded, observed, failed, pass);
      return new PassResult(key, PassResult.Phase.RECONCILED, failed, ExecutionReport.empty(observed), pass.writes, written,
          Requeue.backoff(Duration.ZERO), null);
    }
    ExecutionReport report = execute(plan, observed);
    pass.writes += report.writes();
    Observed live = report.writes() == 0 ? observed : view.reads().observe(ownedSelection(key, graph.resources().keySet()));
    Outcome outcome = ReportOutcomes.outcomeOf(report);
    boolean written = writeStatus(primary, decoded, live, outcome, pass);
    return new PassResult(key, PassResult.Phase.RECONCILED, outcome, report, pass.writes, written, ReportOutcomes.requeueFor(report), null);
  }

  private PassResult invalid(Resource primary, InvalidSpecException invalid, PrimaryWrites.Pass pass) {
    Outcome outcome = Outcome.invalid(invalid.getMessage());
    Observed owned = view.reads().observe(ownedSelection(primary.key(), ImmutableSet.of()));
    boolean written = writeStatus(primary, null, owned, outcome, pass);
    // No requeue: an invalid spec does not heal with time; the user's edit brings an event.
    return new PassResult(primary.key(), PassResult.Phase.RECONCILED, outcome, ExecutionReport.empty(owned), pass.writes,
        written, Requeue.none(), null);
  }

  private PassResult cleanUp(Resource primary, PrimaryWrites.Pass pass) {
    ResourceKey key = primary.key();
    if (!primary.finalizers().contains(FINALIZER)) {
      // Our cleanup is done (or never started); other finalizers are their owners' business.
      return simple(key, PassResult.Phase.CLEANED_UP, ExecutionReport.empty(Observed.empty()), pass, Requeue.none());
    }
    Observed owned = view.reads().observe(ownedSelection(key, ImmutableSet.of()));
    ExecutionReport report = execute(planner.planTeardown(key, owned), owned);
    pass.writes += report.writes();
    Observed remaining = report.writes() == 0 ? owned : view.reads().observe(ownedSelection(key, ImmutableSet.of()));
    if (remaining.ownedBy(key).isEmpty()) {
      view.writes().removeFinalizer(primary, FINALIZER, pass);
      return simple(key, PassResult.Phase.CLEANED_UP, report, pass, Requeue.none());
    }
    // Objects with finalizers of their own stay until those are removed; their deletion events (or the
    // recheck) bring the primary back.
    Requeue requeue = report.hasFailures()
        ? Requeue.backoff(report.requeueAfter().orElse(Duration.ZERO))
        : Requeue.after(cleanupRecheck);
    return simple(key, PassResult.Phase.CLEANING_UP, report, pass, requeue);
  }

  /** Executes {@code plan} and feeds what it wrote to the cache the pass reads, if any. */
  private ExecutionReport execute(Plan plan, Observed observed) {
    ExecutionReport report = executor.execute(plan, observed);
    view.executed(plan, report);
    return report;
  }

  private boolean writeStatus(Resource primary, @Nullable P decoded, Observed live, Outcome outcome, PrimaryWrites.Pass pass) {
    return view.writes().writeStatus(primary,
        current -> reconciler.status(new PassStatusContext<>(current, decoded, live, outcome, ticker.now())), pass);
  }

  /** What to observe: the owned kinds by the owner label (for pruning), plus {@code keys} by name. */
  private Selection ownedSelection(ResourceKey primary, ImmutableSet<ResourceKey> keys) {
    return new Selection(keys, reconciler.ownedKinds(), LabelSelector.equal(Ownership.OWNER_LABEL, Ownership.labelValue(primary)));
  }

  /** {@code owned} plus the desired objects it does not hold (not yet labelled, unowned, or absent). */
  private Observed withDesired(Observed owned, DesiredGraph graph) {
    ImmutableSet<ResourceKey> missing = graph.resources().keySet().stream()
        .filter(k -> !owned.contains(k))
        .collect(ImmutableSet.toImmutableSet());
    if (missing.isEmpty()) {
      return owned;
    }
    List<Resource> all = new ArrayList<>(owned.objects().values());
    for (Resource found : view.reads().observe(Selection.keys(missing)).objects().values()) {
      if (!owned.contains(found.key())) {
        all.add(found);
      }
    }
    return Observed.of(all);
  }

  private SplittableRandom random(ResourceKey primary) {
    return new SplittableRandom(Hashing.murmur3_128().newHasher()
        .putLong(seed)
        .putString(primary.toString(), StandardCharsets.UTF_8)
        .hash()
        .asLong());
  }

  private static PassResult simple(ResourceKey key, PassResult.Phase phase, ExecutionReport report, PrimaryWrites.Pass pass, Requeue requeue) {
    return new PassResult(key, phase, null, report, pass.writes, false, requeue, null);
  }

  /** Configures a {@link ControlLoop}. */
  public static final class Builder<P> {
    private final Backend backend;
    private final Reconciler<P> reconciler;
    private final Ticker ticker;
    private long seed;
    private Planner planner = Planner.defaults();
    private @Nullable PlanExecutor executor;
    private Duration cleanupRecheck = Duration.ofSeconds(5);
    private int conflictAttempts = 5;
    private MeterRegistry registry = new CompositeMeterRegistry();

    private Builder(Backend backend, Reconciler<P> reconciler, Ticker ticker) {
      this.backend = backend;
      this.reconciler = reconciler;
      this.ticker = ticker;
    }

    /** The seed of the randomness reconcilers draw from ({@code Context.random()}); default 0. */
    public Builder<P> seed(long randomSeed) {
      this.seed = randomSeed;
      return this;
    }

    /** The planner (default {@link Planner#defaults()}). */
    public Builder<P> planner(Planner configured) {
      this.planner = configured;
      return this;
    }

    /**
     * The executor (default: {@link PlanExecutor} on the same backend and registry, direct, no sleeper). It
     * must write to the same backend the loop reads.
     */
    public Builder<P> executor(PlanExecutor configured) {
      this.executor = configured;
      return this;
    }

    /** How long to wait before looking again at a primary whose owned objects are still terminating (default 5 s). */
    public Builder<P> cleanupRecheck(Duration recheck) {
      checkArgument(!recheck.isNegative(), "recheck must not be negative");
      this.cleanupRecheck = recheck;
      return this;
    }

    /** Attempts of a finalizer or status write that meets a 409 Conflict (default 5). */
    public Builder<P> conflictAttempts(int attempts) {
      checkArgument(attempts >= 1, "attempts must be at least 1");
      this.conflictAttempts = attempts;
      return this;
    }

    /** Where {@code converge.reconcile} and the loop's {@code converge.retries} go (default: nowhere). */
    public Builder<P> meterRegistry(MeterRegistry meterRegistry) {
      this.registry = meterRegistry;
      return this;
    }

    public ControlLoop<P> build() {
      return new ControlLoop<>(this);
    }
  }
}
