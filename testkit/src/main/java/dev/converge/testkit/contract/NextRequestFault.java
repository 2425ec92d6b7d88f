package dev.converge.testkit.contract;

import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.Errors;
import dev.converge.inmemory.server.RequestContext;
import dev.converge.inmemory.server.RequestInterceptor;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Fails the next request that reaches an in-memory API server once armed, before authorization, as an overloaded
 * or broken kube-apiserver would (a 500, or a 429/503 with {@code Retry-After}); the fixtures of the contract
 * suite install it, and behind the HTTP front the failure becomes the front's {@code Status} answer.
 */
final class NextRequestFault implements RequestInterceptor {
  private int code;
  private Duration retryAfter = Duration.ZERO;

  synchronized void arm(int status, Duration after) {
    this.code = status;
    this.retryAfter = after;
  }

  @Override
  public <T> T intercept(RequestContext request, Chain<T> next) {
    BackendException failure = take();
    if (failure != null) {
      throw failure;
    }
    return next.proceed();
  }

  private synchronized @Nullable BackendException take() {
    if (code == 0) {
      return null;
    }
    int status = code;
    code = 0;
    if (status == 500) {
      return Errors.internal("injected by the contract fixture");
    }
    return new BackendException.Unavailable(status, "injected by the contract fixture", retryAfter);
  }
}
