package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.cel.AdmissionExpression;
import dev.converge.inmemory.store.ObjectCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * kube-apiserver's {@code ValidatingAdmissionPolicy} plugin ({@code k8s.io/apiserver/pkg/admission/plugin/policy/
 * validating}) over the policies and bindings stored in the cluster, read live at every request:
 *
 * <ul>
 *   <li>a policy acts only through its bindings (in name order here; a binding whose policy is missing is
 *       skipped); its {@code matchConstraints} and the binding's {@code matchResources} must both match
 *       (rules with {@code resourceNames}, {@code excludeResourceRules}, namespace and object selectors);
 *   <li>the binding's {@code paramRef} picks the parameter objects of the policy's {@code paramKind} (by name or
 *       selector; each is evaluated), {@code parameterNotFoundAction} deciding when there are none;
 *   <li>{@code matchConditions} skip the policy when one is false; {@code variables} are evaluated in order,
 *       each seeing the earlier ones; each validation that is not true fails with its {@code messageExpression},
 *       {@code message} or {@code failed expression: <expression>}, and its {@code reason} (Invalid, 422, by
 *       default);
 *   <li>evaluation errors follow {@code failurePolicy} (Fail denies, Ignore admits);
 *   <li>the binding's {@code validationActions} decide: Deny refuses the request (the first failure is the
 *       answer, {@code configmaps "x" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request:
 *       …}), Warn adds a warning ({@code Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': …}),
 *       Audit is not recorded (there is no audit log);
 *   <li>{@code auditAnnotations} are evaluated but not recorded; under {@code failurePolicy: Fail} one that fails,
 *       or gives something other than a string or null, refuses the request whatever the binding's actions.
 * </ul>
 *
 * <p>Variables are evaluated eagerly, where Kubernetes evaluates one when first used: a variable that fails is
 * left out, and an expression that uses it fails with {@code no such key}. Policies, bindings and their
 * expressions take effect at once, where kube-apiserver picks them up within about a second.
 */
final class PolicyDispatch {
  static final GroupKind POLICY = GroupKind.of("admissionregistration.k8s.io", "ValidatingAdmissionPolicy");
  static final GroupKind BINDING = GroupKind.of("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding");
  private static final GroupKind NAMESPACE = GroupKind.of("", "Namespace");
  /** The resources no policy sees ({@code admissionResources} and kube-apiserver's {@code exclusion.Excluded()}). */
  private static final Set<String> EXEMPT = Set.of("admissionregistration.k8s.io/validatingadmissionpolicies",
      "admissionregistration.k8s.io/validatingadmissionpolicybindings",
      "admissionregistration.k8s.io/mutatingadmissionpolicies",
      "admissionregistration.k8s.io/mutatingadmissionpolicybindings", "authentication.k8s.io/selfsubjectreviews",
      "authentication.k8s.io/tokenreviews", "authorization.k8s.io/localsubjectaccessreviews",
      "authorization.k8s.io/selfsubjectaccessreviews", "authorization.k8s.io/selfsubjectrulesreviews",
      "authorization.k8s.io/subjectaccessreviews");

  private final ObjectCache cache;
  private final Function<GroupKind, Optional<ResourceType>> served;
  private final Map<String, Object> compiled = new ConcurrentHashMap<>();

  PolicyDispatch(ObjectCache cache, Function<GroupKind, Optional<ResourceType>> served) {
    this.cache = cache;
    this.served = served;
  }

  /** Whether any binding is stored (a policy without one does nothing). */
  boolean configured() {
    return !cache.objects(BINDING).isEmpty();
  }

  /** Runs every bound policy that matches {@code request}; the first failure of a Deny binding refuses it. */
  void validate(AdmissionRequest request, Consumer<String> warnings) {
    if (!configured() || EXEMPT.contains(request.kind().group() + "/" + request.resource())) {
      return;
    }
    Resource subject = request.object() != null ? request.object() : request.oldObject();
    if (subject == null) {
      return;
    }
    for (Resource binding : cache.objects(BINDING).values()) {
      JsonNode bindingSpec = binding.json().path("spec");
      Resource policy = cache.get(POLICY, "", bindingSpec.path("policyName").asText());
      if (policy == null) {
        continue;
      }
      JsonNode spec = policy.json().path("spec");
      String version = matchedVersion(spec.path("matchConstraints"), request, subject.version(), false);
      if (version == null || (bindingSpec.has("matchResources")
          && matchedVersion(bindingSpec.path("matchResources"), request, subject.version(), true) == null)) {
        continue;
      }
      boolean ignore = spec.path("failurePolicy").asText("Fail").equals("Ignore");
      List<Failure> failures = new ArrayList<>();
      try {
        for (JsonNode params : params(spec, bindingSpec, request)) {
          evaluate(spec, request, version, params, ignore, failures);
        }
      } catch (ConfigurationError e) {
        if (!ignore) {
          // addConfigError: denied whatever the binding's actions say.
          throw denial(request, policy.name(), binding.name(), new Failure("failed to configure binding: " + e.getMessage(), "", true));
        }
        continue;
      }
      for (Failure failure : failures) {
        if (failure.whateverTheActions()) {
          throw denial(request, policy.name(), binding.name(), failure);
        }
      }
      List<String> actions = new ArrayList<>();
      bindingSpec.path("validationActions").forEach(a -> actions.add(a.asText()));
      for (Failure failure : failures) {
        if (actions.contains("Warn")) {
          warnings.accept("Validation failed for ValidatingAdmissionPolicy '" + policy.name() + "' with binding '"
              + binding.name() + "': " + failure.message());
        }
      }
      if (actions.contains("Deny") && !failures.isEmpty()) {
        throw denial(request, policy.name(), binding.name(), failures.get(0));
      }
    }
  }

  /** One failed validation (or an error under {@code failurePolicy: Fail}): its message and reason. */
  private record Failure(String message, String reason, boolean whateverTheActions) {
    Failure(String message, String reason) {
      this(message, reason, false);
    }
  }

  /** A binding that cannot be applied (its parameters), which the failure policy decides. */
  private static final class ConfigurationError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigurationError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The version the match resources match the request at, or null: rules (a binding with none matches
   * everything its policy matched), {@code resourceNames}, {@code excludeResourceRules} and the selectors.
   */
  private @Nullable String matchedVersion(JsonNode match, AdmissionRequest request, String version, boolean binding) {
    if (!WebhookRules.selectorsMatch(match, request, cache)) {
      return null;
    }
    JsonNode rules = match.path("resourceRules");
    boolean equivalent = !match.path("matchPolicy").asText("Equivalent").equals("Exact");
    if (WebhookRules.matchedVersion(match.path("excludeResourceRules"), equivalent, request, version) != null) {
      return null;
    }
    if (rules.isEmpty()) {
      return binding ? version : null;
    }
    return WebhookRules.matchedVersion(rules, equivalent, request, version);
  }

  /**
   * The parameter objects to evaluate with ({@code CollectParams}): one null when the policy takes none or the
   * binding names none; the object named, or those selected; none under {@code parameterNotFoundAction: Allow}.
   */
  private List<@Nullable JsonNode> params(JsonNode spec, JsonNode bindingSpec, AdmissionRequest request) {
    JsonNode paramKind = spec.path("paramKind");
    JsonNode ref = bindingSpec.path("paramRef");
    List<@Nullable JsonNode> none = new ArrayList<>();
    none.add(null);
    if (!paramKind.isObject() || !ref.isObject()) {
      return none;
    }
    String apiVersion = paramKind.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    GroupKind kind = GroupKind.of(group, paramKind.path("kind").asText());
    Boolean namespaced = namespaced(kind);
    if (namespaced == null) {
      throw new ConfigurationError("paramKind kind `" + apiVersion.substring(apiVersion.indexOf('/') + 1) + ", Kind="
          + kind.kind() + "` not known");
    }
    String namespace = ref.path("namespace").asText("");
    if (namespaced) {
      if (namespace.isEmpty()) {
        namespace = request.namespace();
      }
      if (namespace.isEmpty()) {
        throw new ConfigurationError("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
      }
    } else if (!namespace.isEmpty()) {
      throw new ConfigurationError("paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
    }
    List<@Nullable JsonNode> found = new ArrayList<>();
    if (ref.has("name")) {
      Resource param = cache.get(kind, namespaced ? namespace : "", ref.path("name").asText());
      if (param != null) {
        found.add(param.json());
      }
    } else {
      LabelSelector selector = LabelSelector.fromJson(ref.path("selector"));
      Map<?, Resource> candidates = namespaced ? cache.inNamespace(kind, namespace) : cache.objects(kind);
      for (Resource param : candidates.values()) {
        if (selector.matches(param.labels())) {
          found.add(param.json());
        }
      }
    }
    if (found.isEmpty() && ref.path("parameterNotFoundAction").asText("").equals("Deny")) {
      throw new ConfigurationError("no params found for policy binding with `Deny` parameterNotFoundAction");
    }
    return found;
  }

  /** Whether {@code kind} is namespaced; null when it is not served. */
  private @Nullable Boolean namespaced(GroupKind kind) {
    return served.apply(kind).map(ResourceType::namespaced).orElse(null);
  }

  /** One policy, one parameter: match conditions, variables, validations; failures are added to {@code failures}. */
  private void evaluate(JsonNode spec, AdmissionRequest request, String version, @Nullable JsonNode params,
      boolean ignore, List<Failure> failures) {
    boolean withParams = spec.path("paramKind").isObject();
    Map<String, Object> activation = activation(request, version, params, withParams);
    List<String> names = variableNames(withParams, false);
    List<String> errors = new ArrayList<>();
    for (JsonNode condition : spec.path("matchConditions")) {
      String expression = condition.path("expression").asText();
      Object result = run(expression, names, AdmissionExpression.Result.BOOL, activation);
      if (Boolean.FALSE.equals(result)) {
        return;
      }
      if (result instanceof Problem error) {
        errors.add(error.message());
      }
    }
    if (!errors.isEmpty()) {
      if (!ignore) {
        failures.add(new Failure(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]", ""));
      }
      return;
    }
    Map<String, Object> variables = new LinkedHashMap<>();
    activation.put("variables", variables);
    List<String> withVariables = variableNames(withParams, true);
    for (JsonNode variable : spec.path("variables")) {
      Object value = run(variable.path("expression").asText(), withVariables, AdmissionExpression.Result.ANY, activation);
      if (!(value instanceof Problem)) {
        variables.put(variable.path("name").asText(), value);
      }
    }
    for (JsonNode validation : spec.path("validations")) {
      String expression = validation.path("expression").asText();
      Object result = run(expression, withVariables, AdmissionExpression.Result.BOOL, activation);
      if (result instanceof Problem error) {
        if (!ignore) {
          failures.add(new Failure(error.message(), ""));
        }
        continue;
      }
      if (!Boolean.TRUE.equals(result)) {
        failures.add(new Failure(message(validation, withVariables, activation), validation.path("reason").asText("Invalid")));
      }
    }
    // Audit annotations are evaluated whatever the validations gave; there is no audit log to write them to, but
    // under failurePolicy Fail an error in one denies the request whatever the binding's actions.
    for (JsonNode annotation : spec.path("auditAnnotations")) {
      String expression = annotation.path("valueExpression").asText();
      Object value = run(expression, withVariables, AdmissionExpression.Result.ANY, activation);
      String error = value instanceof Problem problem ? problem.message()
          : value instanceof String || value instanceof dev.cel.common.values.NullValue ? null
          : "valueExpression '" + expression + "' resulted in unsupported return type: " + celTypeName(value)
              + ". Return type must be either string or null.";
      if (error != null && !ignore) {
        failures.add(new Failure(error, "", true));
      }
    }
  }

  /** The CEL name of a value's type, for messages. */
  private static String celTypeName(Object value) {
    if (value instanceof Long) {
      return "int";
    }
    if (value instanceof Double) {
      return "double";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof List) {
      return "list";
    }
    if (value instanceof Map) {
      return "map";
    }
    return value.getClass().getSimpleName();
  }

  /** {@code messageExpression}'s string, else {@code message}, else {@code failed expression: <expression>}. */
  private String message(JsonNode validation, List<String> names, Map<String, Object> activation) {
    String messageExpression = validation.path("messageExpression").asText("");
    if (!messageExpression.isBlank()) {
      Object text = run(messageExpression, names, AdmissionExpression.Result.STRING, activation);
      if (text instanceof String s && !s.isBlank() && !s.contains("\n") && s.length() <= 5 * 1024) {
        return s.strip();
      }
    }
    String message = validation.path("message").asText("").strip();
    return !message.isEmpty() ? message : "failed expression: " + validation.path("expression").asText().strip();
  }

  /** An expression's value, or a {@link Problem} with Kubernetes' wording. */
  private Object run(String expression, List<String> names, AdmissionExpression.Result type, Map<String, Object> activation) {
    String key = type + "\u0000" + String.join(",", names) + "\u0000" + expression;
    Object program = compiled.computeIfAbsent(key, k -> {
      try {
        return AdmissionExpression.compile(expression, names, type);
      } catch (IllegalArgumentException e) {
        return new Problem("compilation error: " + e.getMessage());
      }
    });
    if (program instanceof Problem error) {
      return error;
    }
    try {
      return ((AdmissionExpression) program).value(activation);
    } catch (IllegalStateException e) {
      return new Problem("expression '" + expression + "' resulted in error: " + e.getMessage());
    }
  }

  private record Problem(String message) {}

  private static List<String> variableNames(boolean params, boolean variables) {
    List<String> names = new ArrayList<>(List.of("object", "oldObject", "request", "namespaceObject"));
    if (params) {
      names.add("params");
    }
    if (variables) {
      names.add("variables");
    }
    return names;
  }

  private Map<String, Object> activation(AdmissionRequest request, String version, @Nullable JsonNode params,
      boolean withParams) {
    Map<String, Object> activation = new HashMap<>();
    activation.put("object", AdmissionExpression.plain(request.object() == null ? null : request.object().json()));
    activation.put("oldObject", AdmissionExpression.plain(request.oldObject() == null ? null : request.oldObject().json()));
    activation.put("request", AdmissionExpression.plain(
        MatchConditions.requestVariable(WebhookDispatch.requestFields(request, version))));
    Resource namespace = request.namespace().isEmpty() || request.kind().equals(NAMESPACE) ? null
        : cache.get(NAMESPACE, "", request.namespace());
    activation.put("namespaceObject", AdmissionExpression.plain(namespace == null ? null : namespace.json()));
    if (withParams) {
      activation.put("params", AdmissionExpression.plain(params));
    }
    return activation;
  }

  /**
   * The refusal: {@code admission.NewForbidden}'s message, with the reason and code of the failed validation
   * (Invalid, 422, unless it names Forbidden; RequestEntityTooLarge has no error of its own here and is a 422).
   */
  private static BackendException denial(AdmissionRequest request, String policy, String binding, Failure failure) {
    String resource = request.kind().group().isEmpty() ? request.resource() : request.resource() + "." + request.kind().group();
    String name = request.name().isEmpty() ? "Unknown" : request.name();
    String refusal = "ValidatingAdmissionPolicy '" + policy + "' with binding '" + binding + "' denied request: "
        + failure.message();
    String message = resource + " \"" + name + "\" is forbidden: " + refusal;
    // The Status carries the refusal again as its one cause, with no field.
    return failure.reason().equals("Forbidden") ? new BackendException.Forbidden(message, ImmutableList.of(refusal))
        : new BackendException.Invalid(message, ImmutableList.of(refusal), 422);
  }
}
