package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.Response;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * {@code ControllerRefManager} ({@code pkg/controller/controller_ref_manager.go}): before a workload controller
 * manages what it owns, it claims its candidates — the objects whose controller it is and the orphans of its
 * namespace — by {@code ClaimObject}'s rules:
 *
 * <ul>
 *   <li>owned by another controller: left alone;
 *   <li>owned by this one and matched (selector and filters): kept, even while the controller is being deleted;
 *   <li>owned by this one and no longer matched: released, unless the controller is being deleted, by the
 *       strategic merge patch {@code {"metadata":{"ownerReferences":[{"$patch":"delete","uid":<controller>}],
 *       "uid":<object>}}} (a 404 or 422 answer counts as released);
 *   <li>an orphan that matches, is not being deleted, and whose controller is not being deleted: adopted by
 *       {@code {"metadata":{"ownerReferences":[<controller reference>],"uid":<object>}}} (a 404 answer counts as
 *       not adopted). Before the first adoption the controller is read again from the API server (an uncached
 *       GET, {@code RecheckDeletionTimestamp}); if it is gone, replaced by another uid, or being deleted, every
 *       adoption of the pass fails.
 * </ul>
 *
 * The {@code uid} in both patches makes them preconditions: an object deleted and recreated under the same name
 * refuses them with 422. The patches go one at a time, in candidate order, as Go's loop makes them. A failure
 * other than the ignored ones is kept (the first is reported) and the object is not claimed; the rest go on.
 */
final class ControllerRefManager {
  /** The end of a claim pass. */
  record Claim(List<Resource> claimed, int adopted, int released, @Nullable Throwable error) {
    /** Whether the pass wrote anything that succeeded: the informer has not seen it yet. */
    boolean wrote() {
      return adopted > 0 || released > 0;
    }
  }

  private final SimClient client;
  private final Resource controller;
  private final Predicate<Resource> match;
  private final List<String> adoptionFinalizers;

  /**
   * @param match the selector and the controller's filters ({@code ClaimPods}' {@code filters})
   * @param adoptionFinalizers finalizers an adoption adds and a release removes (the Job controller's tracking
   *     finalizer); empty for the others
   */
  ControllerRefManager(SimClient client, Resource controller, Predicate<Resource> match, List<String> adoptionFinalizers) {
    this.client = client;
    this.controller = controller;
    this.match = match;
    this.adoptionFinalizers = List.copyOf(adoptionFinalizers);
  }

  /**
   * A workload's {@code spec.selector}, or null when it is missing or empty. Validation requires a non-empty
   * selector of every workload kind; a null here selects nothing, as {@code LabelSelectorAsSelector} makes of a
   * nil selector, rather than everything, as it makes of an empty one.
   */
  static @Nullable LabelSelector selector(Resource workload) {
    JsonNode selector = workload.spec().path("selector");
    if (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty()) {
      return null;
    }
    return LabelSelector.fromJson(selector);
  }

  /** What {@code ClaimObject} would do with {@code candidate}, without writing. */
  enum Decision {
    IGNORE,
    KEEP,
    RELEASE,
    ADOPT
  }

  Decision decide(Resource candidate) {
    OwnerReference ref = PodConditions.controllerOf(candidate);
    if (ref != null) {
      if (!ref.uid().equals(controller.uid())) {
        return Decision.IGNORE;
      }
      if (match.test(candidate)) {
        return Decision.KEEP;
      }
      return controller.isBeingDeleted() ? Decision.IGNORE : Decision.RELEASE;
    }
    if (controller.isBeingDeleted() || !match.test(candidate) || candidate.isBeingDeleted()
        || !Objects.equals(candidate.namespace(), controller.namespace())) {
      return Decision.IGNORE;
    }
    return Decision.ADOPT;
  }

  /**
   * The pod claim of a workload controller's sync, over what {@link OwnedPods#claimCandidates} gives that
   * {@code considered} accepts (the ReplicaSet controller considers active pods only): a failed claim ends the
   * sync with its error; a claim that wrote ends it without one, since its adoptions and releases queue the
   * owner again once the informer shows them (upstream goes on with the claimed pods in the same sync, which here
   * would read an informer that may not show them yet); a claim that found nothing to do marks the pods
   * verified and calls {@code proceed}, which reads the owner's pods from the informer.
   */
  void claimPods(OwnedPods pods, Predicate<Resource> considered, SyncQueue.Done done, Runnable proceed) {
    JsonNode selector = controller.spec().path("selector");
    List<Resource> examined = pods.claimCandidates(controller, selector);
    List<Resource> candidates = new ArrayList<>(examined.size());
    for (Resource pod : examined) {
      if (considered.test(pod)) {
        candidates.add(pod);
      }
    }
    claim(candidates, claim -> {
      if (claim.error() != null || claim.wrote()) {
        done.done(claim.error());
        return;
      }
      pods.verified(controller, selector, examined);
      proceed.run();
    });
  }

  /** Claims {@code candidates} and hands the outcome to {@code then}. */
  void claim(List<Resource> candidates, Consumer<Claim> then) {
    new Pass(candidates, then).next();
  }

  /** One {@code ClaimPods}/{@code ClaimReplicaSets} call: the candidates in order, one write at a time. */
  private final class Pass {
    private final List<Resource> candidates;
    private final Consumer<Claim> then;
    private final List<Resource> claimed = new ArrayList<>();
    private int index;
    private int adopted;
    private int released;
    private @Nullable Throwable error;
    /** Whether {@code canAdopt} was asked (at most once a pass). */
    private boolean asked;
    /** Why adoption may not go on, when asked and it may not. */
    private @Nullable String cannotAdopt;

    Pass(List<Resource> candidates, Consumer<Claim> then) {
      this.candidates = candidates;
      this.then = then;
    }

    void next() {
      while (index < candidates.size()) {
        Resource candidate = candidates.get(index++);
        switch (decide(candidate)) {
          case IGNORE -> { }
          case KEEP -> claimed.add(candidate);
          case RELEASE -> {
            release(candidate);
            return;
          }
          case ADOPT -> {
            adopt(candidate);
            return;
          }
        }
      }
      then.accept(new Claim(List.copyOf(claimed), adopted, released, error));
    }

    private void release(Resource candidate) {
      ObjectNode reference = Json.object().put("$patch", "delete").put("uid", controller.uid());
      patch(candidate, reference, "$deleteFromPrimitiveList/finalizers", response -> {
        if (response.ok()) {
          released++;
        } else if (!response.failedWith(BackendException.NotFound.class) && !unprocessable(response)) {
          fail(response.error());
        }
      });
    }

    private void adopt(Resource candidate) {
      if (!asked) {
        asked = true;
        recheckDeletionTimestamp(answer -> {
          cannotAdopt = answer;
          adopt(candidate);
        });
        return;
      }
      if (cannotAdopt != null) {
        fail(new IllegalStateException("can't adopt " + candidate.kind() + " " + candidate.namespace() + "/"
            + candidate.name() + " (" + candidate.uid() + "): " + cannotAdopt));
        next();
        return;
      }
      patch(candidate, Revisions.controllerRef(controller), "finalizers", response -> {
        if (response.ok()) {
          adopted++;
          claimed.add(response.get());
        } else if (!response.failedWith(BackendException.NotFound.class)) {
          fail(response.error());
        }
      });
    }

    /**
     * Sends {@code {"metadata":{"ownerReferences":[reference],<finalizersField>:[…],"uid":<candidate's>}}}
     * (the finalizers only when there are some), then goes on with the next candidate.
     */
    private void patch(Resource candidate, ObjectNode reference, String finalizersField,
        Consumer<Response<Resource>> onResponse) {
      ObjectNode patch = Json.object();
      ObjectNode metadata = patch.putObject("metadata");
      metadata.putArray("ownerReferences").add(reference);
      if (!adoptionFinalizers.isEmpty()) {
        ArrayNode finalizers = metadata.putArray(finalizersField);
        adoptionFinalizers.forEach(finalizers::add);
      }
      metadata.put("uid", candidate.uid());
      client.send(ApiCall.patch(candidate.key(), PatchType.STRATEGIC, patch, PatchOptions.defaults()),
          (Response<Resource> response) -> {
            onResponse.accept(response);
            next();
          });
    }

    /**
     * {@code RecheckDeletionTimestamp} over the controllers' fresh GET: null when adoption may go on, else why
     * not.
     */
    private void recheckDeletionTimestamp(Consumer<@Nullable String> answer) {
      client.get(controller.key(), response -> {
        if (!response.ok()) {
          answer.accept("can't recheck DeletionTimestamp: " + Objects.requireNonNull(response.error()).getMessage());
          return;
        }
        Resource fresh = response.get();
        if (!Objects.equals(fresh.uid(), controller.uid())) {
          answer.accept("can't recheck DeletionTimestamp: original " + controller.kind() + " " + controller.namespace()
              + "/" + controller.name() + " is gone: got uid " + fresh.uid() + ", wanted " + controller.uid());
        } else if (fresh.isBeingDeleted()) {
          answer.accept(fresh.namespace() + "/" + fresh.name() + " has just been deleted at "
              + fresh.metadata().path("deletionTimestamp").asText());
        } else {
          answer.accept(null);
        }
      });
    }

    private void fail(@Nullable Throwable cause) {
      if (error == null) {
        error = cause;
      }
    }
  }

  private static boolean unprocessable(Response<?> response) {
    return response.error() instanceof BackendException.Invalid invalid && invalid.code() == 422;
  }
}
