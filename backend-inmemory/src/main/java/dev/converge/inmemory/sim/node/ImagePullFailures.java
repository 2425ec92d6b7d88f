package dev.converge.inmemory.sim.node;

import dev.converge.inmemory.sim.runtime.EventRecorder;

/**
 * Pulls of an image the registry does not have ({@link PodStartup#isMissing}), as the kubelet goes through them
 * ({@code images/image_manager.go} {@code EnsureImageExists}, {@code kuberuntime_container.go} {@code startContainer}):
 * a {@code Pulling} Event, the registry's answer after a round trip on the node's one-at-a-time puller, then {@code
 * Failed} Warnings ("Failed to pull image "x": rpc error: code = NotFound desc = failed to pull and unpack image …"
 * as containerd words it, and "Error: ErrImagePull") and the container waiting {@code ErrImagePull}. The pod worker
 * syncs the pod again after its back-off (10 s, plus up to half of it); while the image's back-off lasts (10 s
 * doubling to 5 min after each failure, per pod and image) a sync only says so — a {@code BackOff} Event "Back-off
 * pulling image "x"", "Error: ImagePullBackOff", the container waiting {@code ImagePullBackOff} — and once it has
 * passed the image is pulled again, and fails again. This goes on until the pod stops: the simulated registry never
 * gets the image. The pod's other containers are not held back.
 */
final class ImagePullFailures {
  /** The image back-off's first period ({@code backOffPeriod}) and its longest ({@code MaxContainerBackOff}). */
  private static final long FIRST_NANOS = 10_000_000_000L;
  private static final long MAX_NANOS = 300_000_000_000L;

  private final Kubelet kubelet;
  private final PodLifecycle lifecycle;

  ImagePullFailures(Kubelet kubelet, PodLifecycle lifecycle) {
    this.kubelet = kubelet;
    this.lifecycle = lifecycle;
  }

  /** Where a failing pull's container reports why it waits. */
  @FunctionalInterface
  interface Target {
    void waiting(String reason, String message);
  }

  /**
   * Starts the pulls of {@code image} for the container {@code key} of {@code run} (its Events at {@code ref}),
   * which go on until the pod stops; {@code target} is told why the container waits after each step.
   */
  void start(PodRun run, String key, EventRecorder.Ref ref, String image, Target target) {
    attempt(run, key, ref, image, target, new Failures());
  }

  /** The failed pulls of one image for one pod so far, and when the last one failed. */
  private static final class Failures {
    int count;
    long lastAt;
  }

  private void attempt(PodRun run, String key, EventRecorder.Ref ref, String image, Target target, Failures failures) {
    kubelet.events().normal(ref, "Pulling", "Pulling image \"" + image + "\"");
    schedule(run, key, lifecycle.images().failedPullEnds(), () -> {
      String error = notFound(image);
      kubelet.events().warning(ref, "Failed", "Failed to pull image \"" + image + "\": " + error);
      kubelet.events().warning(ref, "Failed", "Error: ErrImagePull");
      failures.count++;
      failures.lastAt = kubelet.ctx().clock().nanoTime();
      target.waiting("ErrImagePull", error);
      lifecycle.report(run);
      sync(run, key, ref, image, target, failures);
    });
  }

  /** The pod worker's next sync: still in the image's back-off, or a new attempt. */
  private void sync(PodRun run, String key, EventRecorder.Ref ref, String image, Target target, Failures failures) {
    schedule(run, key, kubelet.ctx().clock().nanoTime() + lifecycle.workerBackoffNanos(), () -> {
      long backoff = Math.min(FIRST_NANOS << Math.min(failures.count - 1, 10), MAX_NANOS);
      if (kubelet.ctx().clock().nanoTime() - failures.lastAt >= backoff) {
        attempt(run, key, ref, image, target, failures);
        return;
      }
      String message = "Back-off pulling image \"" + image + "\"";
      kubelet.events().normal(ref, "BackOff", message);
      kubelet.events().warning(ref, "Failed", "Error: ImagePullBackOff");
      target.waiting("ImagePullBackOff", message);
      lifecycle.report(run);
      sync(run, key, ref, image, target, failures);
    });
  }

  private void schedule(PodRun run, String key, long at, Runnable step) {
    int epoch = kubelet.epoch();
    run.pullTasks.put(key, kubelet.ctx().clock().scheduleAt(at, () -> {
      if (epoch == kubelet.epoch() && lifecycle.isCurrent(run)) {
        run.pullTasks.remove(key);
        step.run();
      }
    }));
  }

  /**
   * containerd's answer for a reference its registry does not know: {@code rpc error: code = NotFound desc = failed to
   * pull and unpack image "docker.io/library/x:tag": failed to resolve reference "…": …: not found}, with the
   * reference normalized as Docker normalizes it (the {@code docker.io} domain, the {@code library/} namespace and the
   * {@code latest} tag when left out).
   */
  static String notFound(String image) {
    String reference = normalized(image);
    return "rpc error: code = NotFound desc = failed to pull and unpack image \"" + reference
        + "\": failed to resolve reference \"" + reference + "\": " + reference + ": not found";
  }

  /** {@code reference.ParseNormalizedNamed} with {@code TagNameOnly}. */
  static String normalized(String image) {
    String name = image;
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    boolean domain = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (!domain) {
      name = "docker.io/" + (slash < 0 ? "library/" : "") + name;
    }
    int lastSlash = name.lastIndexOf('/');
    boolean tagged = name.indexOf(':', lastSlash) >= 0 || name.contains("@");
    return tagged ? name : name + ":latest";
  }
}
