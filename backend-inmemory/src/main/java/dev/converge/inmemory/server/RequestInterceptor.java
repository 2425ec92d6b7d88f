package dev.converge.inmemory.server;

/**
 * Wraps every request, before authorization, as kube-apiserver's filters do (priority and fairness sits
 * there). An interceptor may fail the request by throwing a {@code BackendException} (fault injection: 500,
 * 429 with Retry-After, 409), let it proceed, record what it learned in the {@link RequestContext} (latency,
 * priority level), or do work after it. Interceptors run in registration order, the first outermost.
 */
@FunctionalInterface
public interface RequestInterceptor {

  /** Handles one request; call {@code next.proceed()} to serve it. */
  <T> T intercept(RequestContext request, Chain<T> next);

  /** The rest of the chain. */
  @FunctionalInterface
  interface Chain<T> {
    T proceed();
  }
}
