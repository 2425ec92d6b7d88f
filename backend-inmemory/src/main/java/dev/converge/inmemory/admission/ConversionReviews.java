package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;

/**
 * Answers to a {@code ConversionReview}, for conversion {@link WebhookEndpoint}s written in Java: the review's
 * {@code response} with the request's {@code uid}, in the review's {@code apiVersion}, as controller-runtime's
 * conversion handler builds it ({@code pkg/webhook/conversion}).
 */
public final class ConversionReviews {
  private ConversionReviews() {}

  /** Converts one object of a review to the version asked for. */
  @FunctionalInterface
  public interface Converter {
    /**
     * {@code object} in {@code desiredApiVersion}.
     *
     * @param object a copy of an object of the request, which may be changed and returned
     * @param desiredApiVersion the review's {@code desiredAPIVersion}, such as {@code example.com/v2}
     * @return the converted object, with {@code apiVersion} set to {@code desiredApiVersion}
     * @throws IllegalArgumentException when the object cannot be converted: the review answers {@link #failure}
     *     with its message
     */
    ObjectNode convert(ObjectNode object, String desiredApiVersion);
  }

  /**
   * An endpoint that converts each object of the reviews it receives with {@code converter}, on any path.
   *
   * @param converter converts one object
   * @return an endpoint to register with {@link WebhookEndpoints}
   */
  public static WebhookEndpoint endpoint(Converter converter) {
    return (path, review) -> convertEach(review, converter);
  }

  /**
   * Converts every object of {@code review} with {@code converter}: {@link #success} with the results, or {@link
   * #failure} with the message of the first {@link IllegalArgumentException}.
   *
   * @param review the review the endpoint received
   * @param converter converts one object
   * @return the review to answer
   */
  public static ObjectNode convertEach(JsonNode review, Converter converter) {
    JsonNode request = review.path("request");
    String desired = request.path("desiredAPIVersion").asText();
    ArrayNode converted = Json.array();
    for (JsonNode object : request.path("objects")) {
      try {
        // The object as the webhook's server decodes it from the wire: a tree it may change throughout.
        converted.add(converter.convert((ObjectNode) Json.parse(Json.write(object)), desired));
      } catch (IllegalArgumentException e) {
        return failure(review, e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
    return success(review, converted);
  }

  /**
   * The conversion succeeded: {@code result.status: Success} and the converted objects, in the request's order.
   *
   * @param review the review the endpoint received
   * @param converted the request's objects in the desired version
   * @return the review to answer
   */
  public static ObjectNode success(JsonNode review, Iterable<? extends JsonNode> converted) {
    ObjectNode answer = answer(review);
    ObjectNode response = (ObjectNode) answer.get("response");
    ArrayNode objects = response.putArray("convertedObjects");
    converted.forEach(objects::add);
    response.putObject("result").put("status", "Success");
    return answer;
  }

  /**
   * The conversion failed: {@code result.status: Failure} with {@code message}, which kube-apiserver passes to the
   * client as it is, in a 500.
   *
   * @param review the review the endpoint received
   * @param message why
   * @return the review to answer
   */
  public static ObjectNode failure(JsonNode review, String message) {
    ObjectNode answer = answer(review);
    ((ObjectNode) answer.get("response")).putObject("result").put("status", "Failure").put("message", message);
    return answer;
  }

  private static ObjectNode answer(JsonNode review) {
    ObjectNode answer = Json.object();
    answer.put("apiVersion", review.path("apiVersion").asText("apiextensions.k8s.io/v1"));
    answer.put("kind", "ConversionReview");
    answer.putObject("response").put("uid", review.path("request").path("uid").asText());
    return answer;
  }
}
