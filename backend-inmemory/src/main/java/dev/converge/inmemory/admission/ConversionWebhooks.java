package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.admission.WebhookClient.CallFailed;
import dev.converge.inmemory.store.ObjectCache;
import dev.converge.inmemory.validation.Validation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The conversion of a custom resource between versions of a CRD whose {@code spec.conversion.strategy} is {@code
 * Webhook}, as apiextensions-apiserver 1.32 converts it ({@code pkg/apiserver/conversion/webhook_converter.go}):
 *
 * <ul>
 *   <li>a {@code ConversionReview} (the first of {@code conversionReviewVersions} the server speaks, {@code v1} or
 *       {@code v1beta1}) with a new uid, the {@code desiredAPIVersion} and the one object is posted to the
 *       webhook's {@code clientConfig}, a Service or a URL, answered by the {@link WebhookEndpoint} registered
 *       there ({@link WebhookEndpoints}); the call's URL carries {@code ?timeout=30s};
 *   <li>the answer is checked in kube-apiserver's order: its {@code apiVersion} and {@code kind} and the echoed
 *       uid (v1 only), a {@code response}, {@code result.status: Success} (else the result's message, as it is),
 *       one converted object, of the desired version and the same kind, name, namespace and uid;
 *   <li>the converted object keeps the original's metadata but for labels and annotations, which are the
 *       webhook's (checked as labels and annotations are when they changed); other metadata changes are
 *       ignored, as Kubernetes ignores them.
 * </ul>
 *
 * <p>Every failure is a 500 whose message names the kind converted from ({@code conversion webhook for
 * example.com/v1, Kind=Widget failed: …}), as kube-apiserver answers a plain error: clients see no reason.
 * Calls over the network let the server's lock go as admission webhooks' do ({@link
 * WebhookEndpoints.NetworkCallRunner}), and so do those converting an answer.
 */
public final class ConversionWebhooks {
  private static final String REVIEW_GROUP = "apiextensions.k8s.io";
  /** The timeout kube-apiserver's conversion client posts with (the URL's {@code ?timeout=30s}). */
  private static final int TIMEOUT_SECONDS = 30;

  private final WebhookClient client;
  private final Supplier<String> uids;

  /**
   * A converter over the endpoints an embedding registers.
   *
   * @param cache the store, where Services a webhook names are looked up
   * @param endpoints the in-process webhook servers (the admission chain's {@link AdmissionChain#endpoints()})
   * @param uids the source of review uids
   */
  public ConversionWebhooks(ObjectCache cache, WebhookEndpoints endpoints, Supplier<String> uids) {
    this.client = new WebhookClient(cache, endpoints);
    this.uids = uids;
  }

  /**
   * {@code object} converted to {@code apiVersion} by {@code crd}'s conversion webhook; {@code object} itself when
   * it is in that version already (no call is made).
   *
   * @param crd the object's CustomResourceDefinition, with {@code spec.conversion.strategy: Webhook}
   * @return the converted object, not frozen
   * @throws BackendException.Unavailable (500) when the call fails or its answer is not a valid conversion
   */
  public ObjectNode convert(Resource crd, ObjectNode object, String apiVersion) {
    if (object.path("apiVersion").asText().equals(apiVersion)) {
      return object;
    }
    String from = object.path("apiVersion").asText() + ", Kind=" + object.path("kind").asText();
    JsonNode webhook = crd.spec().path("conversion").path("webhook");
    String reviewVersion = reviewVersion(webhook.path("conversionReviewVersions"));
    String uid = uids.get();
    ObjectNode review = Json.object();
    review.put("apiVersion", REVIEW_GROUP + "/" + reviewVersion).put("kind", "ConversionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", uid).put("desiredAPIVersion", apiVersion);
    request.putArray("objects").add(object);

    List<JsonNode> converted;
    try {
      JsonNode answer = client.post(webhook.path("clientConfig"), TIMEOUT_SECONDS, review);
      converted = convertedObjects(answer, reviewVersion, uid);
    } catch (CallFailed failure) {
      throw failed("conversion webhook for " + from + " failed: " + failure.getMessage());
    }
    if (converted.size() != 1) {
      throw failed("conversion webhook for " + from + " returned " + converted.size() + " objects, expected 1");
    }
    JsonNode result = converted.get(0);
    if (!result.isObject() || result.path("kind").asText("").isEmpty()) {
      // unstructured's UnmarshalJSON, whose error the converter returns as it is.
      throw failed("Object 'Kind' is missing in '" + Json.write(result) + "'");
    }
    String gotVersion = result.path("apiVersion").asText("");
    if (!gotVersion.equals(apiVersion)) {
      throw failed("conversion webhook for " + from + " returned invalid object at index 0: invalid groupVersion "
          + "(expected " + apiVersion + ", received " + gotVersion + ")");
    }
    String kind = object.path("kind").asText();
    String gotKind = result.path("kind").asText();
    if (!gotKind.equals(kind)) {
      throw failed("conversion webhook for " + from + " returned invalid object at index 0: invalid kind (expected "
          + kind + ", received " + gotKind + ")");
    }
    String changed = changedIdentity(object, result);
    if (changed != null) {
      throw failed("conversion webhook for " + from + " returned invalid object: " + changed);
    }
    try {
      return withOriginalMetadata(object, (ObjectNode) result);
    } catch (CallFailed invalid) {
      throw failed("conversion webhook for " + from + " returned invalid metadata: " + invalid.getMessage());
    }
  }

  /** The first of the CRD's {@code conversionReviewVersions} the server speaks ({@code createConversionReviewObjects}). */
  private static String reviewVersion(JsonNode versions) {
    for (JsonNode version : versions) {
      if (version.asText().equals("v1") || version.asText().equals("v1beta1")) {
        return version.asText();
      }
    }
    // CRD validation requires one of them; kube-apiserver fails the request without calling.
    throw failed("no supported conversion review versions");
  }

  /** The answer's {@code convertedObjects}, checked as {@code getConvertedObjectsFromResponse} checks them. */
  private static List<JsonNode> convertedObjects(JsonNode answer, String reviewVersion, String uid) {
    if (reviewVersion.equals("v1")) {
      String expected = REVIEW_GROUP + "/v1, Kind=ConversionReview";
      String got = answer.path("apiVersion").asText("") + ", Kind=" + answer.path("kind").asText("");
      if (!got.equals(expected)) {
        throw new CallFailed("expected webhook response of " + expected + ", got " + got);
      }
    }
    JsonNode response = answer.path("response");
    if (!response.isObject()) {
      throw new CallFailed("no response provided");
    }
    if (reviewVersion.equals("v1") && !response.path("uid").asText("").equals(uid)) {
      throw new CallFailed("expected response.uid=\"" + uid + "\", got \"" + response.path("uid").asText("") + "\"");
    }
    JsonNode result = response.path("result");
    String status = result.path("status").asText("");
    if (!status.equals("Success")) {
      String message = result.path("message").asText("");
      throw new CallFailed(!message.isEmpty() ? message
          : "response.result.status was '" + status + "', not 'Success'");
    }
    JsonNode objects = response.path("convertedObjects");
    return objects.isArray() ? List.copyOf(((ArrayNode) objects).valueStream().toList()) : List.of();
  }

  /** {@code validateConvertedObject}: what a webhook must not change, or null when it changed none of it. */
  private static @Nullable String changedIdentity(JsonNode in, JsonNode out) {
    String[][] fields = {{"kind", in.path("kind").asText(""), out.path("kind").asText("")},
        {"name", in.path("metadata").path("name").asText(""), out.path("metadata").path("name").asText("")},
        {"namespace", in.path("metadata").path("namespace").asText(""), out.path("metadata").path("namespace").asText("")},
        {"UID", in.path("metadata").path("uid").asText(""), out.path("metadata").path("uid").asText("")}};
    for (String[] field : fields) {
      if (!field[1].equals(field[2])) {
        return "must have the same " + field[0] + ": " + field[1] + " != " + field[2];
      }
    }
    return null;
  }

  /**
   * {@code restoreObjectMeta}: {@code converted} with the original's metadata, but for the labels and
   * annotations the webhook returned (left out when it returned none).
   */
  private static ObjectNode withOriginalMetadata(JsonNode original, ObjectNode converted) {
    JsonNode returned = converted.get("metadata");
    if (returned == null) {
      throw new CallFailed("missing metadata in converted object");
    }
    if (!returned.isObject()) {
      throw new CallFailed("invalid metadata of type " + goType(returned) + " in converted object");
    }
    JsonNode originalMetadata = original.path("metadata");
    ObjectNode metadata = originalMetadata.isObject() ? Json.mutableCopy((ObjectNode) originalMetadata) : Json.object();
    boolean changed = false;
    for (String field : new String[] {"labels", "annotations"}) {
      JsonNode value = returned.get(field);
      if (value == null || value.isNull()) {
        changed |= metadata.remove(field) != null;
        continue;
      }
      if (!value.isObject()) {
        throw new CallFailed("invalid metadata." + field + " of type " + goType(value) + " in converted object");
      }
      for (Map.Entry<String, JsonNode> entry : value.properties()) {
        if (!entry.getValue().isTextual()) {
          throw new CallFailed("metadata." + field + "[" + entry.getKey() + "] must be a string, but is "
              + goType(entry.getValue()) + " in converted object");
        }
      }
      changed |= !Objects.equals(value, metadata.get(field));
      metadata.set(field, value);
    }
    if (changed) {
      List<String> causes = Validation.convertedMetadata(metadata);
      if (!causes.isEmpty()) {
        // field.ErrorList.ToAggregate: one error as it is, several in brackets.
        throw new CallFailed(causes.size() == 1 ? causes.get(0) : "[" + String.join(", ", causes) + "]");
      }
    }
    ObjectNode result = Json.mutableCopy(converted);
    result.set("metadata", metadata);
    return result;
  }

  /** The Go type {@code encoding/json} decodes a JSON value into, as {@code %T} prints it. */
  private static String goType(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "[]interface {}";
      case OBJECT -> "map[string]interface {}";
      case STRING -> "string";
      case BOOLEAN -> "bool";
      case NUMBER -> value.isIntegralNumber() ? "int64" : "float64";
      default -> "<nil>";
    };
  }

  private static BackendException.Unavailable failed(String message) {
    return new BackendException.Unavailable(500, message, Duration.ZERO);
  }
}
