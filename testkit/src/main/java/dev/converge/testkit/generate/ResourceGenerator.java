package dev.converge.testkit.generate;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import dev.converge.testkit.KubeObjects;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded random resources: ConfigMaps, ServiceAccounts, Deployments, Services and ClusterRoles with valid
 * names, in a few namespaces. The same seed and the same calls give equal objects, so a failing property
 * names a seed that reproduces it. Names carry a running number, so one generator never repeats a key.
 *
 * <p>Not thread-safe: one generator per test (or per seed).
 */
public final class ResourceGenerator {
  private static final String[] IMAGES = {"nginx:1.27", "nginx:1.28", "redis:7.4", "busybox:1.36", "agent:7.60.0"};
  private static final String[] WORDS = {"web", "api", "cache", "agent", "proxy", "shop", "cart", "auth"};

  private final SplittableRandom random;
  private final ImmutableList<String> namespaces;
  private int serial;

  /** Resources spread over {@code namespaces}. */
  public ResourceGenerator(long seed, ImmutableList<String> namespaces) {
    checkArgument(!namespaces.isEmpty(), "at least one namespace");
    this.random = new SplittableRandom(seed);
    this.namespaces = namespaces;
  }

  /** Resources in namespaces {@code ns-a}, {@code ns-b} and {@code ns-c}. */
  public ResourceGenerator(long seed) {
    this(seed, ImmutableList.of("ns-a", "ns-b", "ns-c"));
  }

  public ImmutableList<String> namespaces() {
    return namespaces;
  }

  /** A namespace drawn from the pool. */
  public String namespace() {
    return namespaces.get(random.nextInt(namespaces.size()));
  }

  /** A fresh name: a word and the running number ({@code cache-17}). */
  public String name() {
    return WORDS[random.nextInt(WORDS.length)] + "-" + (++serial);
  }

  /** A ConfigMap with one to four entries. */
  public Resource configMap(String namespace) {
    Map<String, String> data = new TreeMap<>();
    int entries = 1 + random.nextInt(4);
    for (int i = 0; i < entries; i++) {
      data.put("key" + i, Long.toHexString(random.nextLong()));
    }
    return KubeObjects.configMap(namespace, name(), data);
  }

  public Resource serviceAccount(String namespace) {
    return KubeObjects.serviceAccount(namespace, name());
  }

  /** A Deployment of 1–5 replicas of a drawn image, using {@code serviceAccount} when it is not empty. */
  public Resource deployment(String namespace, String serviceAccount) {
    return KubeObjects.deployment(namespace, name(), IMAGES[random.nextInt(IMAGES.length)], 1 + random.nextInt(5),
        serviceAccount);
  }

  /** A Service on a drawn port (80, 443, 8080 or 8126). */
  public Resource service(String namespace) {
    int[] ports = {80, 443, 8080, 8126};
    return KubeObjects.service(namespace, name(), ports[random.nextInt(ports.length)]);
  }

  public Resource clusterRole() {
    return KubeObjects.clusterRole(name(), random.nextBoolean() ? "configmaps" : "pods");
  }

  /** One of the above, drawn, in a drawn namespace (ClusterRoles have none). */
  public Resource any() {
    switch (random.nextInt(5)) {
      case 0:
        return configMap(namespace());
      case 1:
        return serviceAccount(namespace());
      case 2:
        return deployment(namespace(), "");
      case 3:
        return service(namespace());
      default:
        return clusterRole();
    }
  }

  /** A label value drawn from a small set, so selectors match some objects and not others. */
  public String labelValue() {
    return WORDS[random.nextInt(3)];
  }

  /** A draw in [0, bound), from the generator's sequence. */
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }
}
