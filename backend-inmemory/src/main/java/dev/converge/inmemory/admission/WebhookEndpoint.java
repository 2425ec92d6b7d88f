package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A webhook server, in process: what answers the reviews kube-apiserver would post over HTTPS to a webhook's
 * {@code clientConfig}. An embedding registers one with {@link WebhookEndpoints} for a Service or a URL, and the
 * server then calls it for every request that a stored {@code MutatingWebhookConfiguration} or {@code
 * ValidatingWebhookConfiguration} sends there.
 *
 * <p>The exchange is the wire format: the endpoint receives the {@code AdmissionReview} as JSON, exactly as
 * kube-apiserver serializes it, and returns the {@code AdmissionReview} it would write back, so a webhook's own
 * handler code can answer it unchanged. Calls are made on the thread serving the request, under the server's
 * lock: the endpoint may read {@code ApiServer.cache()} (as a webhook server reads its informers) but must not
 * send requests to the same server.
 */
@FunctionalInterface
public interface WebhookEndpoint {

  /**
   * Answers one review.
   *
   * @param path the path the review is posted to ({@code clientConfig.service.path} or the URL's path; {@code /}
   *     when none is given)
   * @param review the {@code AdmissionReview} request
   * @return the {@code AdmissionReview} response
   * @throws Unreachable when nothing answers (the server behind the Service is down)
   * @throws ErrorResponse when the server answers with an error status instead of a review
   */
  JsonNode post(String path, JsonNode review);

  /**
   * The endpoint cannot be reached: the call fails as a dial fails, and the webhook's {@code failurePolicy}
   * decides whether the request goes on ({@code Ignore}) or fails with 500 ({@code Fail}).
   */
  final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failed call.
     *
     * @param transportError what the dial reports, as Go's net package words it (for instance {@code dial tcp
     *     10.96.0.12:443: connect: connection refused})
     */
    public Unreachable(String transportError) {
      super(transportError, null, false, false);
    }
  }

  /**
   * The server answered with an error status instead of a review: the call fails, and the webhook's {@code
   * failurePolicy} decides, as for {@link Unreachable}.
   */
  final class ErrorResponse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failed call.
     *
     * @param message the error as client-go reports the response (for a 404 without a {@code Status} body: {@code
     *     the server could not find the requested resource})
     */
    public ErrorResponse(String message) {
      super(message, null, false, false);
    }
  }
}
