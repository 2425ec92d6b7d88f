package dev.converge.inmemory.sim.node;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.time.Duration;
import java.util.Map;

/**
 * How long a kubelet takes to start and stop pods, sampled per pod from the kubelet's seeded generator.
 *
 * <p>An image is pulled once per node and then cached (the default {@code IfNotPresent} policy;
 * {@code Always} only re-resolves the tag, {@link #resolve}); pulls on one node run one at a time, as the
 * kubelet's default {@code serializeImagePulls: true} makes them, and a pod whose image is being pulled for
 * another waits for that pull. The pull time of an image is the entry of {@link #pullByImage} whose key is the
 * image or its repository (the image without tag or digest), else {@link #pull}.
 *
 * @param pull the default pull time
 * @param pullByImage pull times of particular images or repositories
 * @param resolve the registry round trip of an {@code Always} pull of a cached image
 * @param containerStart from images present to containers running
 * @param stop from a delete to the containers' exit (capped by the grace period)
 * @param run how long the containers of a run-to-completion pod ({@code restartPolicy} {@code Never} or
 *     {@code OnFailure}) run before they exit 0, unless the pod says otherwise ({@link ContainerExit})
 * @param initRun how long each init container runs before it exits, unless the pod says otherwise ({@link
 *     InitContainers})
 * @param missing images, or repositories (every tag), that the registry does not have: every pull of them fails
 *     ({@link ImagePullFailures}), as for a mistyped tag
 * @param crashBackoffInitial the first restart delay of a crashing container (kubelet: 10 s)
 * @param crashBackoffMax the longest restart delay (kubelet: 5 min)
 */
public record PodStartup(DelayRange pull, ImmutableMap<String, DelayRange> pullByImage, DelayRange resolve,
    DelayRange containerStart, DelayRange stop, DelayRange run, DelayRange initRun, Duration crashBackoffInitial,
    Duration crashBackoffMax, ImmutableSet<String> missing) {

  /**
   * Defaults: pulls of 2–6 s, containers up 0.3–1.2 s after their images, stops of 0.2–1 s, run-to-completion
   * containers done after 10–30 s, init containers after 1–5 s (a model's choice: Kubernetes has no such figure;
   * init containers that copy files or wait briefly are common), crash back-off 10 s doubling to 5 min.
   */
  public static PodStartup defaults() {
    return new PodStartup(DelayRange.between(Duration.ofSeconds(2), Duration.ofSeconds(6)), ImmutableMap.of(),
        DelayRange.between(Duration.ofMillis(100), Duration.ofMillis(300)),
        DelayRange.between(Duration.ofMillis(300), Duration.ofMillis(1200)),
        DelayRange.between(Duration.ofMillis(200), Duration.ofMillis(1000)),
        DelayRange.between(Duration.ofSeconds(10), Duration.ofSeconds(30)),
        DelayRange.between(Duration.ofSeconds(1), Duration.ofSeconds(5)), Duration.ofSeconds(10), Duration.ofMinutes(5),
        ImmutableSet.of());
  }

  /** These settings with a pull time for one image or repository. */
  public PodStartup withPull(String image, DelayRange time) {
    return new PodStartup(pull, ImmutableMap.<String, DelayRange>builder().putAll(pullByImage).put(image, time)
        .buildKeepingLast(), resolve, containerStart, stop, run, initRun, crashBackoffInitial,
        crashBackoffMax, missing);
  }

  public PodStartup withDefaultPull(DelayRange time) {
    return new PodStartup(time, pullByImage, resolve, containerStart, stop, run, initRun, crashBackoffInitial,
        crashBackoffMax, missing);
  }

  public PodStartup withContainerStart(DelayRange time) {
    return new PodStartup(pull, pullByImage, resolve, time, stop, run, initRun, crashBackoffInitial, crashBackoffMax, missing);
  }

  public PodStartup withStop(DelayRange time) {
    return new PodStartup(pull, pullByImage, resolve, containerStart, time, run, initRun, crashBackoffInitial,
        crashBackoffMax, missing);
  }

  /** These settings with {@code time} as the run time of run-to-completion containers. */
  public PodStartup withRun(DelayRange time) {
    return new PodStartup(pull, pullByImage, resolve, containerStart, stop, time, initRun, crashBackoffInitial,
        crashBackoffMax, missing);
  }

  /** These settings with {@code time} as the run time of init containers. */
  public PodStartup withInitRun(DelayRange time) {
    return new PodStartup(pull, pullByImage, resolve, containerStart, stop, run, time, crashBackoffInitial,
        crashBackoffMax, missing);
  }

  /** These settings with {@code images} (references or repositories) missing from the registry. */
  public PodStartup withMissing(Iterable<String> images) {
    return new PodStartup(pull, pullByImage, resolve, containerStart, stop, run, initRun, crashBackoffInitial,
        crashBackoffMax, ImmutableSet.<String>builder().addAll(missing).addAll(images).build());
  }

  /** Whether pulls of {@code image} fail: it, or its repository, is missing from the registry. */
  public boolean isMissing(String image) {
    return !missing.isEmpty() && (missing.contains(image) || missing.contains(repository(image)));
  }

  /** The pull time range of {@code image}. */
  public DelayRange pullOf(String image) {
    DelayRange exact = pullByImage.get(image);
    if (exact != null) {
      return exact;
    }
    DelayRange repository = pullByImage.get(repository(image));
    return repository != null ? repository : pull;
  }

  /** The delay before restart number {@code restarts} (1 for the first): initial × 2^(restarts−1), capped. */
  public long backoffNanos(int restarts) {
    long delay = crashBackoffInitial.toNanos();
    long cap = crashBackoffMax.toNanos();
    for (int i = 1; i < restarts && delay < cap; i++) {
      delay *= 2;
    }
    return Math.min(delay, cap);
  }

  /** {@code registry/name:tag@digest} without tag and digest. */
  static String repository(String image) {
    String name = image;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    return colon > slash ? name.substring(0, colon) : name;
  }

  /** A copy of {@code overrides} merged over these pull times. */
  public PodStartup withPulls(Map<String, DelayRange> overrides) {
    PodStartup out = this;
    for (Map.Entry<String, DelayRange> entry : overrides.entrySet()) {
      out = out.withPull(entry.getKey(), entry.getValue());
    }
    return out;
  }
}
