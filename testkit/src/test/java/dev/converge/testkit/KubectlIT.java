package dev.converge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.converge.api.Ticker;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.http.HttpFront;
import dev.converge.inmemory.server.RequestContext;
import dev.converge.inmemory.server.RequestInterceptor;
import dev.converge.inmemory.server.Verb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Kubectl}, the machine's {@code kubectl} (1.32), against an in-memory cluster's {@link HttpFront}: it lists
 * what the cluster holds, reports a failure with its exit code and kube-apiserver's message, and — client-go
 * reading the {@code Retry-After} header the front sends with a 429 — gets its list after one throttled attempt
 * instead of failing with {@code TooManyRequests}. Skipped, with a message, where kubectl is absent.
 */
class KubectlIT {
  private static final String ADMIN = "admin-token";
  @TempDir Path dir;

  @BeforeAll
  static void kubectlIsThere() {
    assumeTrue(Kubectl.available(), "kubectl is not on the PATH: skipping");
  }

  @Test
  void lists_andReportsAFailureWithTheServersMessage() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 1);
    cluster.create(configMap("settings"));
    try (HttpFront front = HttpFront.builder(cluster.server()).adminToken(ADMIN).start()) {
      Kubectl kubectl = kubectl(front);
      Kubectl.Result listed = kubectl.run("get", "configmaps", "-n", "default", "-o", "name");
      assertThat(listed.ok()).as(listed.err()).isTrue();
      assertThat(listed.out()).contains("configmap/settings");
      Kubectl.Result missing = kubectl.run("get", "configmap", "absent", "-n", "default");
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.err()).contains("Error from server (NotFound): configmaps \"absent\" not found");
    }
  }

  @Test
  void retriesAThrottledList_afterItsRetryAfter() throws Exception {
    AtomicInteger lists = new AtomicInteger();
    RequestInterceptor throttleTheFirstList = new RequestInterceptor() {
      @Override
      public <T> T intercept(RequestContext request, Chain<T> next) {
        if (request.info().verb() == Verb.LIST && request.info().resource().equals("configmaps")
            && lists.incrementAndGet() == 1) {
          throw new BackendException.Unavailable(429, "Too many requests, please try again later.", Duration.ofSeconds(1));
        }
        return next.proceed();
      }
    };
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 1, b -> b.interceptor(throttleTheFirstList));
    cluster.create(configMap("settings"));
    try (HttpFront front = HttpFront.builder(cluster.server()).adminToken(ADMIN).start()) {
      Kubectl.Result result = kubectl(front).run("get", "configmaps", "-n", "default", "-o", "name");
      assertThat(result.ok()).as(result.err()).isTrue();
      assertThat(result.out()).contains("configmap/settings");
      assertThat(result.err()).doesNotContain("TooManyRequests");
      assertThat(lists.get()).as("lists: the throttled one and its retry").isEqualTo(2);
    }
  }

  /** TLS (the front's default): kubectl sends a kubeconfig's token only to {@code https} servers. */
  private Kubectl kubectl(HttpFront front) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, front.kubeconfig(ADMIN), StandardCharsets.UTF_8);
    return Kubectl.of(kubeconfig, dir);
  }

  private static String configMap(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"}}";
  }
}
