package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.time.ScheduledTask;
import dev.converge.inmemory.server.TokenIssuer;
import dev.converge.inmemory.sim.runtime.ApiCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The kubelet's service account token manager ({@code pkg/kubelet/token/token_manager.go}) and the projected volume's
 * use of it: each {@code serviceAccountToken} source of a pod's projected volumes is a token the kubelet asks for with
 * a {@code TokenRequest} ({@code POST serviceaccounts/<name>/token}, bound to the pod by name and uid, with the
 * source's audience and {@code expirationSeconds}), caches per service account, audience, lifetime and pod, and asks
 * for again once it is older than 80 % of its lifetime or 24 hours, less a jitter of up to 10 s. The check is made
 * when the volume is set up again, at the pod's periodic syncs (every 60 to 90 s: {@code --sync-frequency} 1m and the
 * pod workers' jitter); the simulation plans only the sync that finds a token due, drawn between the due time and a
 * sync period after it. A refresh that fails keeps the cached token (the kubelet logs it and tries at the next sync);
 * a first fetch that fails fails the volume's set-up. A pod's tokens are forgotten when it is deleted, and all of them
 * when the kubelet stops.
 */
final class KubeletTokens {
  /** {@code maxTTL}: a token older than this is refreshed whatever its lifetime. */
  private static final long MAX_TTL_NANOS = 24L * 3600 * 1_000_000_000L;
  /** {@code maxJitter}. */
  private static final long MAX_JITTER_NANOS = 10_000_000_000L;
  /** {@code --sync-frequency} (1 min), the shortest period between a running pod's syncs. */
  private static final long SYNC_NANOS = 60_000_000_000L;
  /**
   * The tokens handed to simulated pods, which run no process that could present them: a mark that names the
   * service account and the expiry, not a signed JWT.
   */
  private static final TokenIssuer ISSUER = (account, expires) ->
      "converge-simulated-token:" + account.namespace() + ":" + account.name() + ":" + expires.getEpochSecond();

  private final Kubelet kubelet;
  private final Map<String, Token> cache = new HashMap<>();
  private final Map<String, ScheduledTask> refreshes = new HashMap<>();

  KubeletTokens(Kubelet kubelet) {
    this.kubelet = kubelet;
  }

  /** One {@code serviceAccountToken} source: in which volume, for which audience (null: the API server's), how long. */
  record Source(String volume, @Nullable String audience, long expirationSeconds) {}

  /** A cached answer: when the token expires and how long it was asked for. */
  private record Token(long expiresAtNanos, long lifetimeNanos) {}

  /** The {@code serviceAccountToken} sources of {@code pod}'s projected volumes, in the spec's order. */
  static List<Source> sources(Resource pod) {
    List<Source> out = new ArrayList<>();
    for (JsonNode volume : pod.spec().path("volumes")) {
      for (JsonNode source : volume.path("projected").path("sources")) {
        JsonNode token = source.path("serviceAccountToken");
        if (token.isObject()) {
          String audience = token.path("audience").asText("");
          out.add(new Source(volume.path("name").asText(), audience.isEmpty() ? null : audience,
              token.path("expirationSeconds").asLong(3600)));
        }
      }
    }
    return out;
  }

  /**
   * Sets up the tokens of {@code pod}'s volumes: those cached and not due are used as they are, the others asked for.
   * {@code done} gets, once every answer is in (at once when nothing was asked), what failed by volume ({@code failed
   * to fetch token: <error>}); empty when every token is there.
   */
  void fetch(Resource pod, Consumer<Map<String, String>> done) {
    List<Source> sources = sources(pod);
    Map<String, String> problems = new LinkedHashMap<>();
    int[] pending = {0};
    long now = kubelet.ctx().clock().nanoTime();
    List<Runnable> requests = new ArrayList<>();
    for (Source source : sources) {
      String key = key(pod, source);
      Token cached = cache.get(key);
      if (cached != null && !due(cached, now)) {
        continue;
      }
      pending[0]++;
      requests.add(() -> request(pod, source, key, cached, problem -> {
        if (problem != null) {
          problems.putIfAbsent(source.volume(), problem);
        }
        if (--pending[0] == 0) {
          done.accept(problems);
        }
      }));
    }
    if (requests.isEmpty()) {
      done.accept(problems);
      return;
    }
    requests.forEach(Runnable::run);
  }

  /**
   * Plans the next refresh of {@code pod}'s tokens: at the first periodic sync after the earliest is due, where
   * {@code stillRunning} decides whether the pod is still set up (then {@code refreshed} is told the outcome).
   */
  void planRefresh(Resource pod, BooleanSupplier stillRunning,
      Consumer<Map<String, String>> refreshed) {
    cancelRefresh(pod.uid());
    long earliest = Long.MAX_VALUE;
    for (Source source : sources(pod)) {
      Token token = cache.get(key(pod, source));
      if (token != null) {
        earliest = Math.min(earliest, dueAt(token, kubelet.random().nextLong(MAX_JITTER_NANOS)));
      }
    }
    if (earliest == Long.MAX_VALUE) {
      return;
    }
    long period = SYNC_NANOS + kubelet.random().nextLong(SYNC_NANOS / 2);
    long at = Math.max(earliest, kubelet.ctx().clock().nanoTime()) + kubelet.random().nextLong(period);
    int epoch = kubelet.epoch();
    refreshes.put(pod.uid(), kubelet.ctx().clock().scheduleAt(at, () -> {
      refreshes.remove(pod.uid());
      if (epoch == kubelet.epoch() && stillRunning.getAsBoolean()) {
        fetch(pod, problems -> {
          refreshed.accept(problems);
          if (epoch == kubelet.epoch() && stillRunning.getAsBoolean()) {
            planRefresh(pod, stillRunning, refreshed);
          }
        });
      }
    }));
  }

  /** Stops refreshing {@code podUid}'s tokens (the pod stopped running); they stay cached. */
  void cancelRefresh(String podUid) {
    ScheduledTask task = refreshes.remove(podUid);
    if (task != null) {
      task.cancel();
    }
  }

  /** The pod was deleted ({@code DeleteServiceAccountToken}). */
  void forget(String podUid) {
    cancelRefresh(podUid);
    String suffix = "/" + podUid;
    for (Iterator<String> keys = cache.keySet().iterator(); keys.hasNext(); ) {
      if (keys.next().endsWith(suffix)) {
        keys.remove();
      }
    }
  }

  /** The kubelet stopped: its memory is gone. */
  void clear() {
    refreshes.values().forEach(ScheduledTask::cancel);
    refreshes.clear();
    cache.clear();
  }

  /** Tokens cached. */
  int size() {
    return cache.size();
  }

  private void request(Resource pod, Source source, String key, @Nullable Token cached,
      Consumer<@Nullable String> answered) {
    ObjectNode body = Json.object();
    body.put("apiVersion", "authentication.k8s.io/v1");
    body.put("kind", "TokenRequest");
    ObjectNode spec = body.putObject("spec");
    if (source.audience() != null) {
      spec.putArray("audiences").add(source.audience());
    }
    spec.put("expirationSeconds", source.expirationSeconds());
    spec.putObject("boundObjectRef").put("kind", "Pod").put("apiVersion", "v1").put("name", pod.name())
        .put("uid", pod.uid());
    String account = pod.spec().path("serviceAccountName").asText("");
    ResourceKey accountKey = ResourceKey.namespaced("", "ServiceAccount", pod.namespace(), account);
    int epoch = kubelet.epoch();
    kubelet.client().send(ApiCall.requestToken(accountKey, body, ISSUER), response -> {
      if (epoch != kubelet.epoch()) {
        return;
      }
      if (response.ok()) {
        long now = kubelet.ctx().clock().nanoTime();
        Instant expires = Instant.parse(response.get().path("status").path("expirationTimestamp").asText());
        long left = Duration.between(kubelet.ctx().clock().now(), expires).toNanos();
        cache.put(key, new Token(now + left, source.expirationSeconds() * 1_000_000_000L));
        answered.accept(null);
      } else if (cached != null && cached.expiresAtNanos() > kubelet.ctx().clock().nanoTime()) {
        answered.accept(null); // "Couldn't update token": the cached one is still good
      } else {
        answered.accept("failed to fetch token: " + response.error().getMessage());
      }
    });
  }

  /** {@code requiresRefresh} with a fresh jitter. */
  private boolean due(Token token, long now) {
    return now >= dueAt(token, kubelet.random().nextLong(MAX_JITTER_NANOS));
  }

  /** When {@code token} needs a refresh, less {@code jitter}: 80 % of its lifetime, or 24 h, whichever comes first. */
  private static long dueAt(Token token, long jitter) {
    long issuedAt = token.expiresAtNanos() - token.lifetimeNanos();
    long fifth = token.lifetimeNanos() / 1_000_000_000L * 20 / 100 * 1_000_000_000L;
    return Math.min(issuedAt + MAX_TTL_NANOS, token.expiresAtNanos() - fifth) - jitter;
  }

  /** {@code keyFunc}: service account, namespace, audiences, lifetime, bound pod. */
  private static String key(Resource pod, Source source) {
    return pod.namespace() + "/" + pod.spec().path("serviceAccountName").asText("") + "/"
        + (source.audience() == null ? "" : source.audience()) + "/" + source.expirationSeconds() + "/" + pod.uid();
  }
}
