package dev.converge.inmemory.sim.node;

import dev.converge.inmemory.json.GoDurations;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import java.util.HashMap;
import java.util.Map;

/**
 * A node's images and its puller ({@link PodStartup}): an image is pulled once and then present, an {@code Always}
 * policy only re-resolves its tag, and pulls run one at a time, as the kubelet's default {@code serializeImagePulls:
 * true} makes them, so a pull waits for the ones queued before it. The images outlive a kubelet restart, as they
 * stay on the node's disk.
 */
final class NodeImages {
  private final Kubelet kubelet;
  private final Map<String, Long> imageReadyAt = new HashMap<>();
  private long pullBusyUntil;

  NodeImages(Kubelet kubelet) {
    this.kubelet = kubelet;
  }

  /**
   * When {@code image} is present on the node: now if cached, else after this node's queued pulls. Records the
   * container's image Events ({@code ref}), the {@code Pulled} one when the pull ends.
   */
  long imageReady(String image, String policy, PodStartup startup, long now, EventRecorder.Ref ref) {
    Long ready = imageReadyAt.get(image);
    EventRecorder events = kubelet.events();
    if (ready != null && ready > now) {
      events.normal(ref, "Pulling", "Pulling image \"" + image + "\"");
      pulled(ref, image, ready - now, ready - now, ready);
      return ready;
    }
    if (ready != null && !policy.equals("Always")) {
      events.normal(ref, "Pulled", "Container image \"" + image + "\" already present on machine");
      return now;
    }
    long duration = ready != null
        ? startup.resolve().sampleNanos(kubelet.random())
        : startup.pullOf(image).sampleNanos(kubelet.random());
    long end = Math.max(now, pullBusyUntil) + duration;
    pullBusyUntil = end;
    if (ready == null) {
      imageReadyAt.put(image, end);
    }
    events.normal(ref, "Pulling", "Pulling image \"" + image + "\"");
    pulled(ref, image, duration, end - now, end);
    return end;
  }

  /** When a pull that fails, started now, ends: a registry round trip on the node's one-at-a-time puller. */
  long failedPullEnds() {
    long end = Math.max(kubelet.ctx().clock().nanoTime(), pullBusyUntil)
        + kubelet.config().startup().resolve().sampleNanos(kubelet.random());
    pullBusyUntil = end;
    return end;
  }

  /** {@code Duration.Truncate(time.Millisecond)}, as the image manager writes its durations. */
  private static long toMillis(long nanos) {
    return nanos - nanos % 1_000_000L;
  }

  /** The {@code Pulled} Event of a pull that ends at {@code end}, after {@code waited} in all. */
  private void pulled(EventRecorder.Ref ref, String image, long pulling, long waited, long end) {
    int current = kubelet.epoch();
    kubelet.ctx().clock().scheduleAt(end, () -> {
      if (current == kubelet.epoch()) {
        kubelet.events().normal(ref, "Pulled", "Successfully pulled image \"" + image + "\" in "
            + GoDurations.format(toMillis(pulling)) + " (" + GoDurations.format(toMillis(waited))
            + " including waiting)");
      }
    });
  }
}
