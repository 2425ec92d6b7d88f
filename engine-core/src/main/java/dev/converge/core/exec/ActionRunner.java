package dev.converge.core.exec;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Action;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ServerWarnings;
import dev.converge.api.backend.DeleteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs one action against the backend with the retry policy, recording every request it makes. Stateless
 * between actions and safe to call from several lanes at once.
 */
final class ActionRunner {
  private final Backend backend;
  private final ApplyOptions applyOptions;
  private final RetryPolicy retry;
  private final @Nullable Sleeper sleeper;
  private final ExecutorMetrics metrics;

  ActionRunner(Backend backend, ApplyOptions applyOptions, RetryPolicy retry, @Nullable Sleeper sleeper, ExecutorMetrics metrics) {
    this.backend = backend;
    this.applyOptions = applyOptions;
    this.retry = retry;
    this.sleeper = sleeper;
    this.metrics = metrics;
  }

  /**
   * The result of one action: its outcome and what it changed in the read-your-writes state.
   *
   * @param outcome how it ended
   * @param written the object as the server stored it after an apply, or null
   * @param removed whether the object is gone (or going) after a delete
   */
  record Result(ActionOutcome outcome, @Nullable Resource written, boolean removed) {}

  Result run(Action action) {
    Attempt attempt = new Attempt(action);
    // The server's warnings on this action's requests come back on this thread (ServerWarnings).
    return ServerWarnings.collect(attempt::warn, () -> run(action, attempt));
  }

  private Result run(Action action, Attempt attempt) {
    try {
      if (action instanceof Action.Delete delete) {
        deleteLive(attempt, delete.live(), delete.propagation());
        return new Result(attempt.succeeded(ActionStatus.DELETED, "deleted"), null, true);
      }
      if (action instanceof Action.Replace replace) {
        // Delete then create: the changed field is immutable, so no update can reach the desired state.
        deleteLive(attempt, replace.live(), replace.propagation());
        requireGone(attempt, replace.key());
      }
      Resource written = apply(attempt, action.resource());
      return new Result(attempt.succeeded(ActionStatus.APPLIED, "applied"), written, false);
    } catch (Failed failed) {
      return new Result(failed.outcome, null, false);
    } catch (RuntimeException bug) {
      // A backend that throws something other than a BackendException is broken; report it against the
      // action rather than losing the whole step (other lanes may be mid-write).
      return new Result(attempt.failed(bug.getClass().getSimpleName() + ": " + bug.getMessage(), false, Duration.ZERO), null, false);
    }
  }

  private Resource apply(Attempt attempt, Resource desired) {
    for (int conflicts = 0, unavailable = 0; ; ) {
      attempt.write("apply " + desired.key());
      try {
        return backend.apply(desired, applyOptions);
      } catch (BackendException.Conflict conflict) {
        if (!conflict.isRetryable() || ++conflicts >= retry.conflictAttempts()) {
          throw attempt.fail(conflict);
        }
        metrics.retry("conflict");
        reRead(attempt, desired.key());
      } catch (BackendException.Unavailable busy) {
        backOff(attempt, busy, ++unavailable);
      } catch (BackendException.NotFound | BackendException.AlreadyExists notYet) {
        // 404: the namespace or the kind (a CRD created by this plan) is not there yet; 409 AlreadyExists: the
        // old object of a replace is still terminating. Both clear up by themselves.
        throw attempt.fail(notYet, true);
      } catch (BackendException other) {
        throw attempt.fail(other);
      }
    }
  }

  /** Deletes the live object, only if it is still the same object (uid precondition). */
  private void deleteLive(Attempt attempt, Resource live, Propagation propagation) {
    ResourceKey key = live.key();
    DeleteOptions options = DeleteOptions.of(propagation).withUid(live.uid());
    for (int conflicts = 0, unavailable = 0; ; ) {
      attempt.write("delete " + key);
      try {
        backend.delete(key, options);
        return;
      } catch (BackendException.NotFound gone) {
        return; // already gone, or its kind no longer served: either way what was asked holds
      } catch (BackendException.Conflict conflict) {
        // The uid precondition failed, or the object changed: look again.
        if (++conflicts >= retry.conflictAttempts()) {
          throw attempt.fail(conflict);
        }
        metrics.retry("conflict");
        Optional<Resource> now = reRead(attempt, key);
        if (now.isEmpty()) {
          return;
        }
        if (!Objects.equals(now.get().uid(), live.uid())) {
          // A new object of the same name: the plan was made for the old one. Never delete what was not planned.
          throw attempt.fail(conflict.getMessage() + " (the object was replaced; it will be planned again)", true, Duration.ZERO);
        }
      } catch (BackendException.Unavailable busy) {
        backOff(attempt, busy, ++unavailable);
      } catch (BackendException other) {
        throw attempt.fail(other);
      }
    }
  }

  /**
   * After the delete of a replace, the old object may linger (finalizers, orphan propagation being processed).
   * Applying now would patch the terminating object, which then disappears; wait for a later pass instead.
   */
  private void requireGone(Attempt attempt, ResourceKey key) {
    Optional<Resource> still = reRead(attempt, key);
    if (still.isPresent()) {
      throw attempt.fail("the old object is still terminating; it will be created once it is gone", true, Duration.ZERO);
    }
  }

  private Optional<Resource> reRead(Attempt attempt, ResourceKey key) {
    attempt.read("get " + key);
    try {
      return backend.get(key);
    } catch (BackendException.NotFound kindGone) {
      return Optional.empty();
    } catch (BackendException failure) {
      throw attempt.fail(failure);
    }
  }

  private void backOff(Attempt attempt, BackendException.Unavailable busy, int failures) {
    Sleeper wait = sleeper;
    if (wait == null || failures >= retry.unavailableAttempts()) {
      throw attempt.fail(busy);
    }
    metrics.retry("unavailable");
    Duration delay = retry.backoff(failures);
    if (busy.retryAfter().compareTo(delay) > 0) {
      delay = busy.retryAfter();
    }
    try {
      wait.sleep(delay);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw attempt.fail(describe(busy) + " (interrupted while backing off)", true, busy.retryAfter());
    }
  }

  static String describe(BackendException failure) {
    return failure.code() + " " + failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  /** The bookkeeping of one action: its write attempts and every request. */
  private static final class Attempt {
    private final Action action;
    private final List<String> requests = new ArrayList<>();
    private final Set<String> warnings = new LinkedHashSet<>();
    private int writes;

    Attempt(Action action) {
      this.action = action;
    }

    void write(String request) {
      writes++;
      requests.add(request);
    }

    void read(String request) {
      requests.add(request);
    }

    /** A server warning; the same one again (a retry's) is kept once, as kubectl shows it once. */
    void warn(String warning) {
      warnings.add(warning);
    }

    ActionOutcome succeeded(ActionStatus status, String reason) {
      return ActionOutcome.succeeded(action.key(), action.verb(), status, writes, reason, ImmutableList.copyOf(requests),
          ImmutableList.copyOf(warnings));
    }

    ActionOutcome failed(String error, boolean retryable, Duration retryAfter) {
      return ActionOutcome.failed(action.key(), action.verb(), writes, error, retryable, retryAfter,
          ImmutableList.copyOf(requests), ImmutableList.copyOf(warnings));
    }

    Failed fail(BackendException failure) {
      return fail(failure, failure.isRetryable());
    }

    Failed fail(BackendException failure, boolean retryable) {
      Duration after = failure instanceof BackendException.Unavailable busy ? busy.retryAfter() : Duration.ZERO;
      return fail(describe(failure), retryable, after);
    }

    Failed fail(String error, boolean retryable, Duration retryAfter) {
      return new Failed(failed(error, retryable, retryAfter));
    }
  }

  /** Unwinds a failed action to {@link #run}; carries its outcome. */
  private static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ActionOutcome outcome;

    Failed(ActionOutcome outcome) {
      super(outcome.reason(), null, false, false);
      this.outcome = outcome;
    }
  }
}
