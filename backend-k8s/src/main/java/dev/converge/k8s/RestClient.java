package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.converge.api.GroupKind;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ServerWarnings;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Raw requests through the caller's {@link ApiClient}: its base path, its authentication (the generated
 * APIs' {@code BearerToken} scheme) and its OkHttp client with whatever TLS and interceptors it was built
 * with. The client is never changed; the per-request timeout is set on each call, and watches use a
 * derived OkHttp client without a read timeout.
 *
 * <p>Raw calls rather than {@code GenericKubernetesApi}: the generic API drops the delete options of
 * cluster-scoped deletes, writes status by JSON patch rather than {@code PUT …/status}, hides the {@code
 * Retry-After} header, and has no bookmarks or websocket watches. Every request is timed and counted here.
 */
final class RestClient {
  /** One warning of a {@code Warning} header: code, agent and quoted text ({@code 299 - "text"}). */
  private static final Pattern WARNING = Pattern.compile("(\\d{3})\\s+\\S+\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");

  static final String JSON = "application/json";
  static final String APPLY_PATCH = "application/apply-patch+yaml";
  private static final String[] AUTH = {"BearerToken"};

  /** An answer, successful or not. */
  record Answer(int code, String body, @Nullable String retryAfter) {
    boolean ok() {
      return code >= 200 && code < 300;
    }

    /** The body as JSON, or a missing node when it is empty. */
    JsonNode json() {
      return body.isBlank() ? MissingNode.getInstance() : Wire.parse(body);
    }
  }

  private final ApiClient client;
  private final Duration requestTimeout;
  private final BackendMetrics metrics;
  private final OkHttpClient streaming;

  RestClient(ApiClient client, Duration requestTimeout, BackendMetrics metrics) {
    this.client = client;
    this.requestTimeout = requestTimeout;
    this.metrics = metrics;
    // Watches stay open for minutes with nothing to read between events: no read timeout. The derived
    // client shares the connection pool and dispatcher with the caller's client.
    this.streaming = client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.MILLISECONDS).build();
  }

  BackendMetrics metrics() {
    return metrics;
  }

  /** Sends a request and returns the answer whatever its code; a request that gets no answer throws. */
  Answer exchange(
      HttpVerb verb, GroupKind kind, String subject, String method, String path, List<Pair> query,
      byte @Nullable [] body, @Nullable String contentType) {
    Call call = client.getHttpClient().newCall(request(method, path, query, body, contentType));
    call.timeout().timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    Answer answer;
    try (Response response = call.execute()) {
      ResponseBody responseBody = response.body();
      answer = new Answer(response.code(), responseBody == null ? "" : responseBody.string(), response.header("Retry-After"));
      for (String header : response.headers("Warning")) {
        warnings(header).forEach(ServerWarnings::report);
      }
    } catch (IOException e) {
      BackendException.Unavailable failure = ApiErrors.network(e, verb, subject);
      metrics.request(verb, kind, BackendMetrics.outcome(failure), System.nanoTime() - start);
      throw failure;
    }
    String outcome = answer.ok() ? "success" : BackendMetrics.outcome(failure(answer, verb, subject));
    metrics.request(verb, kind, outcome, System.nanoTime() - start);
    return answer;
  }

  /**
   * The texts of the {@code 299} warnings in one {@code Warning} header ({@code 299 - "text"}, several separated by
   * commas, quotes and backslashes escaped), as client-go's {@code ParseWarningHeaders} reads them.
   */
  static List<String> warnings(String header) {
    List<String> texts = new ArrayList<>(1);
    Matcher matcher = WARNING.matcher(header);
    while (matcher.find()) {
      if (matcher.group(1).equals("299")) {
        texts.add(matcher.group(2).replaceAll("\\\\(.)", "$1"));
      }
    }
    return texts;
  }

  /** Sends a request; a failed answer throws its typed {@link BackendException}. */
  JsonNode call(
      HttpVerb verb, GroupKind kind, String subject, String method, String path, List<Pair> query,
      byte @Nullable [] body, @Nullable String contentType) {
    Answer answer = exchange(verb, kind, subject, method, path, query, body, contentType);
    if (!answer.ok()) {
      throw failure(answer, verb, subject);
    }
    return answer.json();
  }

  static BackendException failure(Answer answer, HttpVerb verb, String subject) {
    return ApiErrors.fromResponse(answer.code(), answer.retryAfter(), answer.body(), verb, subject);
  }

  /** A request with the client's base path and authentication applied. */
  Request request(String method, String path, List<Pair> query, byte @Nullable [] body, @Nullable String contentType) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", JSON);
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    try {
      return client.buildRequest(
          null, path, method, query, List.of(), body, headers, new HashMap<>(), new HashMap<>(), AUTH, null);
    } catch (ApiException e) {
      // Only body serialization throws, and bodies here are bytes already.
      throw new IllegalStateException("cannot build request " + method + " " + path, e);
    }
  }

  /** The OkHttp client for long-running watches: the caller's, without a read timeout. */
  OkHttpClient streaming() {
    return streaming;
  }

  String escape(String pathSegment) {
    return client.escapeString(pathSegment);
  }
}
