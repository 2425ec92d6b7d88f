package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Answers to an {@code AdmissionReview}, for {@link WebhookEndpoint}s written in Java: the review's {@code
 * response} with the request's {@code uid} and the review's {@code apiVersion}, as controller-runtime's {@code
 * admission.Allowed}, {@code Denied} and {@code PatchResponseFromRaw} build them.
 */
public final class AdmissionReviews {
  private AdmissionReviews() {}

  /**
   * Allows the request unchanged.
   *
   * @param review the review the endpoint received
   * @return the review to answer
   */
  public static ObjectNode allow(JsonNode review) {
    ObjectNode answer = answer(review);
    ((ObjectNode) answer.get("response")).put("allowed", true);
    return answer;
  }

  /**
   * Denies the request.
   *
   * @param review the review the endpoint received
   * @param code the status code the client gets (kube-apiserver makes anything below 400 a 400)
   * @param message why
   * @return the review to answer
   */
  public static ObjectNode deny(JsonNode review, int code, String message) {
    ObjectNode answer = answer(review);
    ObjectNode response = (ObjectNode) answer.get("response");
    response.put("allowed", false);
    response.putObject("status").put("code", code).put("message", message);
    return answer;
  }

  /**
   * Allows the request with the object changed to {@code mutated}: a JSON patch from the request's object to
   * it ({@link #diff}), base64-encoded, or no patch when they are equal.
   *
   * @param review the review the endpoint received
   * @param mutated the object the webhook wants stored
   * @return the review to answer
   */
  public static ObjectNode patch(JsonNode review, JsonNode mutated) {
    ObjectNode answer = allow(review);
    ArrayNode operations = diff(review.path("request").path("object"), mutated);
    if (!operations.isEmpty()) {
      ObjectNode response = (ObjectNode) answer.get("response");
      response.put("patchType", "JSONPatch");
      response.put("patch", Base64.getEncoder().encodeToString(Json.write(operations).getBytes(StandardCharsets.UTF_8)));
    }
    return answer;
  }

  /**
   * An RFC 6902 patch that turns {@code from} into {@code to}: members removed, added or replaced, objects
   * compared member by member, arrays and other values replaced whole when they differ.
   *
   * @param from the original document
   * @param to the wanted document
   * @return the operations, empty when the two are equal
   */
  public static ArrayNode diff(JsonNode from, JsonNode to) {
    ArrayNode operations = Json.array();
    diff("", from, to, operations);
    return operations;
  }

  private static void diff(String path, JsonNode from, JsonNode to, ArrayNode operations) {
    if (from.equals(to)) {
      return;
    }
    if (!from.isObject() || !to.isObject()) {
      operations.addObject().put("op", "replace").put("path", path).set("value", to);
      return;
    }
    for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!to.has(name)) {
        operations.addObject().put("op", "remove").put("path", path + "/" + escape(name));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> members = to.fields(); members.hasNext(); ) {
      Map.Entry<String, JsonNode> member = members.next();
      String child = path + "/" + escape(member.getKey());
      JsonNode old = from.get(member.getKey());
      if (old == null) {
        operations.addObject().put("op", "add").put("path", child).set("value", member.getValue());
      } else {
        diff(child, old, member.getValue(), operations);
      }
    }
  }

  /** RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private static ObjectNode answer(JsonNode review) {
    ObjectNode answer = Json.object();
    answer.put("apiVersion", review.path("apiVersion").asText("admission.k8s.io/v1")).put("kind", "AdmissionReview");
    answer.putObject("response").put("uid", review.path("request").path("uid").asText());
    return answer;
  }
}
