package dev.converge.testkit.assertions;

import dev.converge.api.Readiness;
import dev.converge.api.Resource;
import org.assertj.core.api.AbstractAssert;

/**
 * Checks on a Deployment or DaemonSet, judged as {@code kubectl rollout status} judges it (the engine's own
 * readiness gates): {@link #isAvailable()} for Deployments, {@link #isRolledOut()} for DaemonSets.
 */
public final class WorkloadAssert extends AbstractAssert<WorkloadAssert, Resource> {
  private final Readiness readiness;
  private final String gate;

  WorkloadAssert(Resource workload, Readiness readiness, String gate) {
    super(workload, WorkloadAssert.class);
    this.readiness = readiness;
    this.gate = gate;
  }

  /** The Deployment's updated replicas are all available, at the current generation. */
  public WorkloadAssert isAvailable() {
    return ready();
  }

  /** The DaemonSet runs the current template, available, on every node it should. */
  public WorkloadAssert isRolledOut() {
    return ready();
  }

  /** The Job has completed: its {@code Complete} condition is True. */
  public WorkloadAssert isComplete() {
    return ready();
  }

  /** The workload is not ready yet; {@link Readiness#reason()} contains {@code why}. */
  public WorkloadAssert isNotReadyBecause(String why) {
    if (readiness.isReady() || !readiness.reason().contains(why)) {
      failWithMessage("expected %s not to pass \"%s\" because of \"%s\" but it %s", actual.key(), gate, why,
          readiness.isReady() ? "does" : "does not because " + readiness.reason());
    }
    return this;
  }

  /** The container {@code container} of the pod template runs {@code image}. */
  public WorkloadAssert runsImage(String container, String image) {
    for (var c : actual.at("spec.template.spec").path("containers")) {
      if (container.equals(c.path("name").asText())) {
        if (!image.equals(c.path("image").asText())) {
          failWithMessage("expected container %s of %s to run %s but it runs %s", container, actual.key(), image,
              c.path("image").asText());
        }
        return this;
      }
    }
    failWithMessage("%s has no container %s", actual.key(), container);
    return this;
  }

  private WorkloadAssert ready() {
    if (!readiness.isReady()) {
      failWithMessage("expected %s to pass \"%s\" but it does not: %s", actual.key(), gate, readiness.reason());
    }
    return this;
  }
}
