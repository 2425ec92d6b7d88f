package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.patch.JsonPatch;
import dev.converge.inmemory.patch.PatchException;
import dev.converge.inmemory.admission.WebhookClient.CallFailed;
import dev.converge.inmemory.store.ObjectCache;
import dev.converge.inmemory.store.ObjectName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * kube-apiserver's {@code MutatingAdmissionWebhook} and {@code ValidatingAdmissionWebhook} over the
 * configurations stored in the cluster ({@code k8s.io/apiserver/pkg/admission/plugin/webhook}), read live at
 * every request:
 *
 * <ul>
 *   <li>configurations in name order, and their webhooks in the order written; the configurations themselves
 *       (and admission policies) are exempt, so a broken webhook cannot lock itself in;
 *   <li>a webhook is called when a rule, the selectors ({@link WebhookRules}) and its {@code matchConditions}
 *       ({@link MatchConditions}) match; a dry run is refused by a webhook whose {@code sideEffects} is not
 *       {@code None} or {@code NoneOnDryRun};
 *   <li>the call posts an {@code AdmissionReview} (the first of {@code admissionReviewVersions} the server
 *       speaks) to the {@link WebhookEndpoint} registered for its Service or URL; nothing registered, or an
 *       {@link WebhookEndpoint.Unreachable} endpoint, fails as a dial does;
 *   <li>a failed call, or an answer that is not a valid review, is skipped under {@code failurePolicy: Ignore}
 *       and fails the request with 500 under {@code Fail} ({@code failed calling webhook "<name>": …});
 *   <li>a denial fails the request with the webhook's status ({@code admission webhook "<name>" denied the
 *       request: …}, 400 when it gives no code), whatever the failure policy;
 *   <li>a mutating webhook's JSON patch is applied to the object the next webhook sees; one with {@code
 *       reinvocationPolicy: IfNeeded} is called once more when a later webhook changed the object;
 *   <li>warnings reach the client.
 * </ul>
 *
 * <p>Validating webhooks are all called, one after another in the same order, where kube-apiserver calls them
 * all in parallel; the first denial or failure in that order is the answer. A call takes no simulated time.
 */
final class WebhookDispatch {
  static final GroupKind MUTATING = GroupKind.of("admissionregistration.k8s.io", "MutatingWebhookConfiguration");
  static final GroupKind VALIDATING = GroupKind.of("admissionregistration.k8s.io", "ValidatingWebhookConfiguration");
  /** {@code IsExemptAdmissionConfigurationResource}: the admission configurations themselves. */
  private static final Set<String> EXEMPT = Set.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
      "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
      "MutatingAdmissionPolicyBinding");
  private static final String ADMISSION = "admission.k8s.io";

  private final ObjectCache cache;
  private final WebhookClient client;
  private final Supplier<String> uids;
  private final BiFunction<Resource, String, Resource> converter;
  private final MatchConditions conditions = new MatchConditions();

  WebhookDispatch(ObjectCache cache, WebhookEndpoints endpoints, Supplier<String> uids,
      BiFunction<Resource, String, Resource> converter) {
    this.converter = converter;
    this.cache = cache;
    this.client = new WebhookClient(cache, endpoints);
    this.uids = uids;
  }

  /** Whether any configuration is stored (else the server skips admission altogether). */
  boolean configured() {
    return !cache.objects(MUTATING).isEmpty() || !cache.objects(VALIDATING).isEmpty();
  }

  /**
   * Calls the mutating webhooks that match {@code request}, each seeing the previous one's result.
   *
   * @return the object after every patch ({@code request.object()} itself when none changed it; null for a
   *     delete, which webhooks can only deny)
   */
  @Nullable Resource mutate(AdmissionRequest request, Consumer<String> warnings) {
    List<JsonNode> webhooks = webhooks(MUTATING, request);
    AdmissionRequest current = request;
    if (webhooks.isEmpty()) {
      return current.object();
    }
    // The index of each webhook's last call, and of the last webhook that changed the object.
    int[] calledAt = new int[webhooks.size()];
    int changedAt = -1;
    int call = 0;
    for (int i = 0; i < webhooks.size(); i++, call++) {
      calledAt[i] = -1;
      Resource patched = call(webhooks.get(i), current, true, warnings);
      calledAt[i] = call;
      if (patched != null) {
        current = current.withObject(patched);
        changedAt = call;
      }
    }
    // reinvocationPolicy IfNeeded: once more, for the webhooks called before a later one changed the object.
    for (int i = 0; i < webhooks.size(); i++) {
      JsonNode webhook = webhooks.get(i);
      if (calledAt[i] >= 0 && calledAt[i] < changedAt
          && webhook.path("reinvocationPolicy").asText("Never").equals("IfNeeded")) {
        Resource patched = call(webhook, current, true, warnings);
        if (patched != null) {
          current = current.withObject(patched);
        }
      }
    }
    return current.object();
  }

  /**
   * Calls every validating webhook that matches {@code request}, then fails it with the first denial or failure
   * among them. kube-apiserver calls them all in parallel and answers with the first error its channel yields
   * ({@code validating/dispatcher.go}: "just return the first one"), so a webhook is called, side effects and
   * warnings included, even when another one denies; here they are called in order and the first error in that
   * order is the answer, so the answer does not depend on timing.
   */
  void validate(AdmissionRequest request, Consumer<String> warnings) {
    RuntimeException first = null;
    for (JsonNode webhook : webhooks(VALIDATING, request)) {
      try {
        call(webhook, request, false, warnings);
      } catch (BackendException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The webhooks of {@code kind}'s configurations that may be called for {@code request}, in call order. */
  private List<JsonNode> webhooks(GroupKind kind, AdmissionRequest request) {
    Map<ObjectName, Resource> configurations = cache.objects(kind);
    if (configurations.isEmpty() || (request.kind().group().equals("admissionregistration.k8s.io")
        && EXEMPT.contains(request.kind().kind()))) {
      return List.of();
    }
    List<JsonNode> matching = new ArrayList<>();
    for (Resource configuration : configurations.values()) {
      for (JsonNode webhook : configuration.json().path("webhooks")) {
        matching.add(webhook);
      }
    }
    return matching;
  }

  /**
   * One webhook for one request: nothing when it does not match; else the call, its failure policy, a denial,
   * and for a mutating webhook the patched object (null when it changed nothing).
   */
  private @Nullable Resource call(JsonNode webhook, AdmissionRequest request, boolean mutating,
      Consumer<String> warnings) {
    Resource subject = request.object() != null ? request.object() : request.oldObject();
    if (subject == null) {
      return null;
    }
    String version = WebhookRules.matchedVersion(webhook, request, subject.version());
    if (version == null || !WebhookRules.selectorsMatch(webhook, request, cache)) {
      return null;
    }
    String name = webhook.path("name").asText();
    boolean ignore = webhook.path("failurePolicy").asText("Fail").equals("Ignore");
    String reviewVersion;
    String uid = uids.get();
    ObjectNode review;
    try {
      reviewVersion = reviewVersion(webhook);
      review = review(reviewVersion, uid, request, version);
      if (!conditions.match(webhook.path("matchConditions"), review.path("request"))) {
        return null;
      }
    } catch (CallFailed failure) {
      return failed(name, ignore, failure);
    } catch (MatchConditions.Failed e) {
      if (ignore) {
        return null;
      }
      // ShouldCallHook fails closed with NewForbidden on the request's resource.
      String resource = request.kind().group().isEmpty() ? request.resource()
          : request.resource() + "." + request.kind().group();
      throw new BackendException.Forbidden(resource + (request.name().isEmpty() ? "" : " \"" + request.name() + "\"")
          + " is forbidden: " + e.getMessage());
    }
    try {
      if (request.dryRun() && !noSideEffectsOnDryRun(webhook)) {
        // The dispatcher refuses before calling (webhookerrors.NewDryRunUnsupportedErr).
        throw new BackendException.Invalid("admission webhook \"" + name + "\" does not support dry run",
            com.google.common.collect.ImmutableList.of(), 400);
      }
      try {
        CaBundles.certificates(webhook.path("clientConfig").path("caBundle").asText(""));
      } catch (CaBundles.Unusable e) {
        // The webhook's REST client cannot be built, wherever its server is (GetRESTClient, rest.TLSConfigFor).
        throw new CallFailed("could not get REST client: unable to load root certificates: " + e.getMessage());
      }
      JsonNode answer;
      try {
        answer = client.post(webhook.path("clientConfig"), webhook.path("timeoutSeconds").asInt(10), review);
      } catch (CallFailed failure) {
        throw new CallFailed("failed to call webhook: " + failure.getMessage()); // webhookutil.ErrCallingWebhook
      }
      JsonNode response = verified(answer, reviewVersion, uid);
      response.path("warnings").forEach(w -> warnings.accept(w.asText()));
      if (!response.path("allowed").asBoolean(false)) {
        throw denied(name, response.path("status"));
      }
      JsonNode patch = response.path("patch");
      if (patch.isMissingNode() || patch.isNull()) {
        return null;
      }
      if (!mutating) {
        return null;
      }
      if (request.object() == null) {
        throw internal("admission webhook \"" + name + "\" attempted to modify the object, which is not supported "
            + "for this operation");
      }
      String patchType = response.path("patchType").asText("");
      if (!patchType.equals("JSONPatch")) {
        throw new CallFailed("unsupported patch type \"" + patchType + "\"");
      }
      return patched(request, patch.asText(), version);
    } catch (CallFailed failure) {
      return failed(name, ignore, failure);
    }
  }

  /** A failed call: skipped (null) under {@code failurePolicy: Ignore}, a 500 under {@code Fail}. */
  private static @Nullable Resource failed(String name, boolean ignore, CallFailed failure) {
    if (ignore) {
      return null;
    }
    throw internal("failed calling webhook \"" + name + "\": " + failure.getMessage());
  }

  /** {@code sideEffects} None and NoneOnDryRun are safe for dry runs; Some and Unknown (v1beta1) are not. */
  private static boolean noSideEffectsOnDryRun(JsonNode webhook) {
    String sideEffects = webhook.path("sideEffects").asText("Unknown");
    return sideEffects.equals("None") || sideEffects.equals("NoneOnDryRun");
  }

  /** The first of the webhook's {@code admissionReviewVersions} the server speaks. */
  private static String reviewVersion(JsonNode webhook) {
    for (JsonNode version : webhook.path("admissionReviewVersions")) {
      if (version.asText().equals("v1") || version.asText().equals("v1beta1")) {
        return version.asText();
      }
    }
    throw new CallFailed("webhook does not accept known AdmissionReview versions");
  }

  /** The {@code AdmissionReview} kube-apiserver posts ({@code request.CreateV1AdmissionReview}). */
  private ObjectNode review(String reviewVersion, String uid, AdmissionRequest request, String version) {
    ObjectNode review = Json.object();
    review.put("kind", "AdmissionReview").put("apiVersion", ADMISSION + "/" + reviewVersion);
    ObjectNode body = review.putObject("request");
    body.put("uid", uid);
    body.setAll(requestFields(request, version));
    body.set("object", atVersion(request.object(), version));
    body.set("oldObject", atVersion(request.oldObject(), version));
    ObjectNode options = body.putObject("options");
    options.put("kind", switch (request.operation()) {
      case CREATE -> "CreateOptions";
      case UPDATE -> "UpdateOptions";
      case DELETE -> "DeleteOptions";
    }).put("apiVersion", "meta.k8s.io/v1");
    return review;
  }

  /**
   * What an {@code AdmissionRequest} says of the request, at the matched {@code version}, as the review carries it
   * (empty strings left out): kind, resource and subresource, as requested too, name, namespace, operation, user
   * and {@code dryRun}.
   */
  static ObjectNode requestFields(AdmissionRequest request, String version) {
    ObjectNode body = Json.object();
    ObjectNode kind = body.putObject("kind");
    kind.put("group", request.kind().group()).put("version", version).put("kind", request.kind().kind());
    ObjectNode resource = body.putObject("resource");
    resource.put("group", request.kind().group()).put("version", version).put("resource", request.resource());
    if (!request.subresource().isEmpty()) {
      body.put("subResource", request.subresource());
    }
    body.set("requestKind", kind.deepCopy());
    body.set("requestResource", resource.deepCopy());
    if (!request.subresource().isEmpty()) {
      body.put("requestSubResource", request.subresource());
    }
    if (!request.name().isEmpty()) {
      body.put("name", request.name());
    }
    if (!request.namespace().isEmpty()) {
      body.put("namespace", request.namespace());
    }
    body.put("operation", request.operation().name());
    ObjectNode user = body.putObject("userInfo");
    user.put("username", request.identity().name());
    ArrayNode groups = user.putArray("groups");
    request.identity().groups().forEach(groups::add);
    body.put("dryRun", request.dryRun());
    return body;
  }

  /**
   * The object as the webhook asked for it: at {@code version} (under {@code matchPolicy: Equivalent}, another
   * version of its kind), converted as the server converts it.
   */
  private JsonNode atVersion(@Nullable Resource object, String version) {
    if (object == null) {
      return Json.nodes().nullNode();
    }
    return object.version().equals(version) ? object.json() : converter.apply(object, apiVersion(object, version)).json();
  }

  private static String apiVersion(Resource object, String version) {
    String group = object.groupKind().group();
    return group.isEmpty() ? version : group + "/" + version;
  }


  /** The review's {@code response}, checked as {@code VerifyAdmissionResponse} checks it. */
  private static JsonNode verified(JsonNode answer, String reviewVersion, String uid) {
    String expected = ADMISSION + "/" + reviewVersion;
    String apiVersion = answer.path("apiVersion").asText("");
    String kind = answer.path("kind").asText("");
    if (!apiVersion.equals(expected) || !kind.equals("AdmissionReview")) {
      throw new CallFailed("expected webhook response of " + expected + ", Kind=AdmissionReview, got " + apiVersion
          + ", Kind=" + kind);
    }
    JsonNode response = answer.path("response");
    if (!response.isObject()) {
      throw new CallFailed("webhook response was absent");
    }
    String got = response.path("uid").asText("");
    if (!got.equals(uid)) {
      throw new CallFailed("expected response.uid=\"" + uid + "\", got \"" + got + "\"");
    }
    return response;
  }

  /** The object after the webhook's base64-encoded JSON patch. */
  private Resource patched(AdmissionRequest request, String encoded, String version) {
    Resource object = java.util.Objects.requireNonNull(request.object());
    // The patch is to the object at the webhook's version; the result goes back to the request's.
    Resource versioned = object.version().equals(version) ? object : converter.apply(object, apiVersion(object, version));
    JsonNode patch;
    try {
      patch = Json.parse(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw internal(e.getMessage());
    }
    ObjectNode result;
    try {
      result = JsonPatch.apply(Json.mutableCopy((ObjectNode) versioned.json()), patch);
    } catch (PatchException e) {
      throw internal(e.getMessage());
    }
    return versioned == object ? Resource.of(result) : converter.apply(Resource.of(result), object.apiVersion());
  }

  /** {@code webhookerrors.ToStatusErr}: the webhook's status, at least 400, with the webhook named. */
  private static BackendException denied(String name, JsonNode status) {
    String deniedBy = "admission webhook \"" + name + "\" denied the request";
    String message = status.path("message").asText("");
    String reason = status.path("reason").asText("");
    String text = !message.isEmpty() ? deniedBy + ": " + message
        : !reason.isEmpty() ? deniedBy + ": " + reason : deniedBy + " without explanation";
    int code = Math.max(status.path("code").asInt(0), 400);
    return switch (code) {
      case 403 -> new BackendException.Forbidden(text);
      case 404 -> new BackendException.NotFound(text);
      case 409 -> new BackendException.Conflict(text);
      case 410 -> new BackendException.Gone(text);
      case 415, 422 -> new BackendException.Invalid(text, com.google.common.collect.ImmutableList.of(), code);
      case 429, 500, 503, 504 -> new BackendException.Unavailable(code, text, Duration.ZERO);
      default -> code >= 500 ? new BackendException.Unavailable(500, text, Duration.ZERO)
          : new BackendException.Invalid(text, com.google.common.collect.ImmutableList.of(), 400);
    };
  }

  private static BackendException.Unavailable internal(String detail) {
    return new BackendException.Unavailable(500, "Internal error occurred: " + detail, Duration.ZERO);
  }
}
