package dev.converge.core.exec;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.Uninterruptibles;
import dev.converge.api.Action;
import dev.converge.api.Edge;
import dev.converge.api.EdgeRule;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Step;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Carries out a {@link Plan} against a {@link Backend} (DESIGN.md §4, "the executor").
 *
 * <ul>
 *   <li><b>Steps</b> run in order; a step starts when every action of the previous one has ended.
 *   <li><b>Parallelism:</b> inside a step, at most {@code parallelism} actions (default 10, Terraform's
 *       default) run at once on the injected {@link Executor}; with the default direct executor they run one
 *       after another on the caller's thread, in plan order, which is what a simulation needs.
 *   <li><b>Writes:</b> creates and updates are server-side applies ({@link ApplyOptions#defaults()}: manager
 *       {@code converge}, forced, as controllers that own their objects do); deletes pass the action's
 *       propagation and the live object's uid as a precondition, so a newer object of the same name is never
 *       deleted; a replace deletes, checks the old object is gone, and applies.
 *   <li><b>Gates:</b> before an action runs, every prerequisite in {@link Action#orderedBy()} that has a gate in
 *       {@link Plan#gates()} must be ready; if one is not, the action is {@link ActionStatus#WAITING} and does
 *       not run. The executor never blocks on a gate.
 *   <li><b>Stop dependents:</b> an action whose prerequisite failed, waits or was skipped is {@link
 *       ActionStatus#SKIPPED}, with the reason. Prerequisites are the hard edges and the actions waited for;
 *       the default kind order alone ({@code KIND_ORDER}) orders but neither holds nor stops an action.
 *   <li><b>Retries:</b> a retryable 409 Conflict is re-read and retried at once, a bounded number of times; a
 *       429/5xx is retried with exponential backoff only when a {@link Sleeper} is given (threaded mode),
 *       otherwise the action fails as retryable with the server's {@code Retry-After} and the loop requeues.
 *   <li><b>Read-your-writes:</b> each write's result replaces the object in the state that later steps' gates
 *       read, and the report carries that state.
 * </ul>
 *
 * <p>Thread-safe: an instance holds configuration only; concurrent {@link #execute} calls do not interact.
 */
public final class PlanExecutor {
  /** Actions run at once inside a step by default. */
  public static final int DEFAULT_PARALLELISM = 10;

  /** How long the loop waits before looking again at an action held by a gate, by default. */
  public static final Duration DEFAULT_WAITING_RECHECK = Duration.ofSeconds(5);

  private final Backend backend;
  private final int parallelism;
  private final Executor executor;
  private final Duration waitingRecheck;
  private final ExecutorMetrics metrics;
  private final ActionRunner runner;

  private PlanExecutor(Builder builder) {
    this.backend = builder.backend;
    this.parallelism = builder.parallelism;
    this.executor = builder.executor;
    this.waitingRecheck = builder.waitingRecheck;
    this.metrics = new ExecutorMetrics(builder.registry);
    this.runner = new ActionRunner(backend, builder.applyOptions, builder.retry, builder.sleeper, metrics);
  }

  /** An executor with the defaults: parallelism 10, direct execution, no sleeper, default retries. */
  public static PlanExecutor create(Backend backend) {
    return builder(backend).build();
  }

  public static Builder builder(Backend backend) {
    return new Builder(backend);
  }

  /**
   * Runs {@code plan}, starting from {@code observed} (the live objects the plan was made from).
   *
   * @return every action's outcome, the state after the writes, and a requeue hint
   */
  public ExecutionReport execute(Plan plan, Observed observed) {
    Map<ResourceKey, ActionOutcome> outcomes = new HashMap<>();
    ImmutableList.Builder<ActionOutcome> ordered = ImmutableList.builder();
    Observed state = observed;
    for (Step step : plan.steps()) {
      Gates gates = new Gates(backend, plan.gates(), state);
      List<Action> runnable = new ArrayList<>();
      List<@Nullable ActionOutcome> decided = new ArrayList<>();
      for (Action action : step.actions()) {
        ActionOutcome held = hold(action, outcomes, gates);
        decided.add(held);
        if (held == null) {
          runnable.add(action);
        }
      }
      ActionRunner.Result[] results = runAll(runnable);
      // Fold the step's writes into the state once (one copy per step, not per write: plans can be large).
      Map<ResourceKey, Resource> changed = new TreeMap<>();
      Set<ResourceKey> removed = new HashSet<>();
      int next = 0;
      for (int i = 0; i < step.actions().size(); i++) {
        ActionOutcome outcome = decided.get(i);
        if (outcome == null) {
          ActionRunner.Result result = results[next++];
          outcome = result.outcome();
          Resource written = result.written();
          if (written != null) {
            changed.put(written.key(), written);
          } else if (result.removed()) {
            removed.add(outcome.key());
          }
        }
        outcomes.put(outcome.key(), outcome);
        ordered.add(outcome);
        metrics.action(outcome.verb(), outcome.status());
      }
      state = fold(state, changed, removed);
    }
    ImmutableList<ActionOutcome> all = ordered.build();
    return new ExecutionReport(all, state, requeueAfter(all));
  }

  private static Observed fold(Observed state, Map<ResourceKey, Resource> changed, Set<ResourceKey> removed) {
    if (changed.isEmpty() && removed.isEmpty()) {
      return state;
    }
    Map<ResourceKey, Resource> all = new TreeMap<>(state.objects());
    all.keySet().removeAll(removed);
    all.putAll(changed);
    return Observed.of(all.values());
  }

  /** Why {@code action} must not run now (skipped or waiting), or null if it may. */
  private @Nullable ActionOutcome hold(Action action, Map<ResourceKey, ActionOutcome> outcomes, Gates gates) {
    for (ResourceKey prerequisite : prerequisites(action)) {
      ActionOutcome before = outcomes.get(prerequisite);
      if (before != null && !before.status().isSuccess()) {
        return ActionOutcome.skipped(action.key(), action.verb(),
            "prerequisite " + prerequisite + " " + phrase(before.status()));
      }
    }
    List<String> reads = new ArrayList<>();
    try {
      List<String> unmet = gates.unmet(action, reads);
      return unmet.isEmpty() ? null : ActionOutcome.waiting(action.key(), action.verb(), String.join("; ", unmet), ImmutableList.copyOf(reads));
    } catch (BackendException failure) {
      Duration after = failure instanceof BackendException.Unavailable busy ? busy.retryAfter() : Duration.ZERO;
      return ActionOutcome.failed(action.key(), action.verb(), 0, "checking readiness: " + ActionRunner.describe(failure),
          failure.isRetryable(), after, ImmutableList.copyOf(reads), ImmutableList.of());
    }
  }

  /**
   * The actions {@code action} depends on: the prerequisites of its hard ordering edges and the actions it
   * waits for ({@link Action#after()}), except a prerequisite that is only there by the default kind order
   * ({@link EdgeRule#KIND_ORDER}): that order is a preference, and a failed ConfigMap must not hold back an
   * unrelated Deployment. Deletes run against reversed edges, so for them only {@code after} counts.
   */
  static Set<ResourceKey> prerequisites(Action action) {
    Set<ResourceKey> keys = new LinkedHashSet<>(action.after());
    if (!(action instanceof Action.Delete)) {
      Set<ResourceKey> hard = new LinkedHashSet<>();
      Set<ResourceKey> soft = new LinkedHashSet<>();
      for (Edge edge : action.orderedBy()) {
        (edge.rule() == EdgeRule.KIND_ORDER ? soft : hard).add(edge.prerequisite());
      }
      soft.removeAll(hard);
      keys.removeAll(soft);
      keys.addAll(hard);
    }
    keys.remove(action.key());
    return keys;
  }

  private static String phrase(ActionStatus status) {
    switch (status) {
      case FAILED:
        return "failed";
      case WAITING:
        return "is waiting";
      case SKIPPED:
        return "was skipped";
      default:
        throw new IllegalArgumentException("not a blocking status: " + status);
    }
  }

  /**
   * Runs {@code actions} in at most {@code parallelism} lanes; each lane takes the next action until none is
   * left, so the bound holds without a semaphore and a direct executor runs them in order on this thread.
   */
  private ActionRunner.Result[] runAll(List<Action> actions) {
    ActionRunner.Result[] results = new ActionRunner.Result[actions.size()];
    if (actions.isEmpty()) {
      return results;
    }
    int lanes = Math.min(parallelism, actions.size());
    AtomicInteger next = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(lanes);
    Runnable lane = () -> {
      try {
        for (int i = next.getAndIncrement(); i < actions.size(); i = next.getAndIncrement()) {
          results[i] = runner.run(actions.get(i));
        }
      } finally {
        finished.countDown();
      }
    };
    for (int i = 0; i < lanes; i++) {
      try {
        executor.execute(lane);
      } catch (RejectedExecutionException saturated) {
        lane.run(); // caller runs, as ThreadPoolExecutor.CallerRunsPolicy: the work is not dropped
      }
    }
    // Writes already sent cannot be taken back; wait for them even if this thread is interrupted.
    Uninterruptibles.awaitUninterruptibly(finished);
    return results;
  }

  private @Nullable Duration requeueAfter(List<ActionOutcome> outcomes) {
    Duration longest = null;
    for (ActionOutcome outcome : outcomes) {
      Duration candidate;
      if (outcome.status() == ActionStatus.FAILED) {
        candidate = outcome.retryAfter();
      } else if (outcome.status() == ActionStatus.WAITING) {
        candidate = waitingRecheck;
      } else {
        continue;
      }
      if (longest == null || candidate.compareTo(longest) > 0) {
        longest = candidate;
      }
    }
    return longest;
  }

  /** Configures a {@link PlanExecutor}. */
  public static final class Builder {
    private final Backend backend;
    private int parallelism = DEFAULT_PARALLELISM;
    private Executor executor = MoreExecutors.directExecutor();
    private @Nullable Sleeper sleeper;
    private RetryPolicy retry = RetryPolicy.defaults();
    private ApplyOptions applyOptions = ApplyOptions.defaults();
    private Duration waitingRecheck = DEFAULT_WAITING_RECHECK;
    private MeterRegistry registry = new CompositeMeterRegistry();

    private Builder(Backend backend) {
      this.backend = backend;
    }

    /** Actions run at once inside a step (default 10). */
    public Builder parallelism(int actions) {
      checkArgument(actions >= 1, "parallelism must be at least 1: %s", actions);
      this.parallelism = actions;
      return this;
    }

    /** Where a step's actions run (default: directly on the calling thread). */
    public Builder executor(Executor actionExecutor) {
      this.executor = actionExecutor;
      return this;
    }

    /** Enables waiting between retries of an unavailable server (threaded mode only). */
    public Builder sleeper(Sleeper realTimeSleeper) {
      this.sleeper = realTimeSleeper;
      return this;
    }

    public Builder retryPolicy(RetryPolicy policy) {
      this.retry = policy;
      return this;
    }

    /** The field manager and force flag of applies (default: {@code converge}, forced). */
    public Builder applyOptions(ApplyOptions options) {
      this.applyOptions = options;
      return this;
    }

    /** The requeue hint when an action waits for a gate (default 5 s); events usually come sooner. */
    public Builder waitingRecheck(Duration recheck) {
      checkArgument(!recheck.isNegative(), "recheck must not be negative");
      this.waitingRecheck = recheck;
      return this;
    }

    /** Where {@code converge.actions} and {@code converge.retries} are published (default: nowhere). */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.registry = meterRegistry;
      return this;
    }

    public PlanExecutor build() {
      return new PlanExecutor(this);
    }
  }
}
