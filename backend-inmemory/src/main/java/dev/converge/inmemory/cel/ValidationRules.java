package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelRuntime;
import dev.converge.inmemory.validation.FieldErrors;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The CEL validation rules ({@code x-kubernetes-validations}) of one CRD version's {@code openAPIV3Schema},
 * compiled once, as apiextensions-apiserver compiles and runs them ({@code pkg/apiserver/schema/cel}):
 *
 * <ul>
 *   <li><b>When the CRD is written</b> ({@link #problems}): each rule is type-checked against the schema below
 *       its node ({@code self}, and {@code oldSelf} of the same type, or optional with {@code optionalOldSelf});
 *       it must be a bool; a {@code messageExpression} must be a string; {@code message}, {@code reason}, {@code
 *       fieldPath} and {@code optionalOldSelf} are checked, each with Kubernetes' cause.
 *   <li><b>When a custom resource is written</b> ({@link #validate}): every rule of every node the object has is
 *       evaluated, node first, then a list's items, a map's entries and an object's properties. A rule that is
 *       not {@code true} is a cause at its node's path (or its {@code fieldPath}): {@code spec: Invalid value:
 *       "object": <message>}, where the message is the {@code messageExpression}'s result, or {@code message}, or
 *       {@code failed rule: <rule>}; {@code reason} makes it Forbidden, Required or Duplicate. An evaluation
 *       error is {@code <error> evaluating rule: <rule>}.
 *   <li><b>Transition rules</b> (those that use {@code oldSelf}) run on an update where the node had a value
 *       before, found through object properties, map keys and the keys of {@code map} lists; with {@code
 *       optionalOldSelf} they always run, {@code oldSelf} being {@code optional.none()} when there is none.
 *   <li><b>Ratcheting</b> (CRDValidationRatcheting, on by default since 1.30): on an update, a failing rule that
 *       does not use {@code oldSelf}, on a value equal to the one stored (or under an unchanged value that no key
 *       correlates further), is a warning, not an error, so an object stored before a rule was added can still
 *       be updated elsewhere.
 * </ul>
 *
 * <p>The environment is Kubernetes 1.32's for new expressions: the standard macros, optional types, cel-go's
 * strings (v2) and sets extensions, and the Kubernetes libraries ({@link KubernetesLibrary}). A CRD's rules are
 * also held to their estimated cost ({@link CostEstimator}). Not modelled: the runtime cost budget (a comprehension
 * stops after {@link RuleCompiler#MAX_ITERATIONS} iterations instead); order-insensitive equality of {@code set} and {@code map}
 * lists (they compare in order here).
 */
public final class ValidationRules {
  /** The schema of a version with no rules (and of a kind without a schema). */
  public static final ValidationRules NONE = new ValidationRules(null, List.of());

  private static final List<String> REASONS_SORTED =
      List.of("FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired");
  static final Pattern LINE_BREAKS = Pattern.compile("[\n\r]+");
  private static final String BLOCKED = "<nil>: Invalid value: \"null\": some validation rules were not checked "
      + "because the object was invalid; correct the existing errors to complete validation";

  private final @Nullable Node root;
  /** Stands for the schema's path in the CRD in a problem's detail. */
  static final String SCHEMA = "\u0000schema";

  /** Compile-time causes, each with its path below {@code openAPIV3Schema}. */
  private final List<Problem> problems;

  private ValidationRules(@Nullable Node root, List<Problem> problems) {
    this.root = root;
    this.problems = problems;
  }

  /** A compile-time problem: the path below {@code openAPIV3Schema} and the cause without it. */
  record Problem(String path, Kind kind, @Nullable Object value, String detail) {
    /** {@code CAUSE}: the detail is a whole cause, whose paths hold the schema's placeholder. */
    enum Kind { REQUIRED, INVALID, UNSUPPORTED, INTERNAL, FORBIDDEN, CAUSE }
  }

  /**
   * Compiles every rule of {@code openAPIV3Schema} in the environment of stored expressions, which is the one
   * rules are evaluated in.
   *
   * @param openApiV3Schema a CRD version's schema
   * @return its rules
   */
  public static ValidationRules compile(JsonNode openApiV3Schema) {
    return of(RuleCompiler.compile(openApiV3Schema, expression -> true, false, false));
  }


  /**
   * Compiles every rule of {@code openAPIV3Schema} as a CRD write does: an expression that {@code preexisting}
   * holds (it is somewhere in the CRD being replaced) in the environment of stored expressions, any other in the
   * environment of new ones, which lacks what Kubernetes 1.32 added for the next release's clients (two-variable
   * comprehensions: {@code all(k, v, …)}, {@code exists}, {@code existsOne}, {@code transformList}, {@code
   * transformMap}), so that a rollback to 1.31 can still read every CRD ({@code NewExpressionsEnv} and {@code
   * StoredExpressionsEnv}); with each rule's estimated cost checked as a CRD write checks it
   * ({@link CostEstimator}): a rule whose cost times the most values it can run on (the product of the {@code
   * maxItems} and {@code maxProperties} above it, or what fits in a request) exceeds 10,000,000, or a message
   * expression whose cost does, is refused (not when {@code unchanged}, a version whose schema the write keeps);
   * and so is a schema whose rules together exceed 100,000,000, naming its four costliest rules.
   *
   * @param openApiV3Schema a CRD version's schema
   * @param preexisting whether a rule or message expression is already in the stored CRD
   * @param unchanged whether the stored CRD has this version with this very schema
   * @return its rules
   */
  public static ValidationRules compile(JsonNode openApiV3Schema, Predicate<String> preexisting, boolean unchanged) {
    return of(RuleCompiler.compile(openApiV3Schema, preexisting, unchanged, true));
  }

  private static ValidationRules of(RuleCompiler compiled) {
    return compiled.root == null && compiled.problems.isEmpty() ? NONE
        : new ValidationRules(compiled.root, List.copyOf(compiled.problems));
  }

  /** Every rule and message expression in {@code crd}'s schemas: the ones that compile as stored expressions. */
  public static Set<String> expressions(@Nullable JsonNode crd) {
    Set<String> found = new HashSet<>();
    if (crd != null) {
      for (JsonNode version : crd.path("spec").path("versions")) {
        collect(version.path("schema").path("openAPIV3Schema"), found);
      }
    }
    return found;
  }

  private static void collect(JsonNode schema, Set<String> found) {
    if (!schema.isObject()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      found.add(rule.path("rule").asText(""));
      found.add(rule.path("messageExpression").asText(""));
    }
    schema.path("properties").forEach(property -> collect(property, found));
    collect(schema.path("additionalProperties"), found);
    collect(schema.path("items"), found);
  }

  /** Whether the schema has rules at all. */
  public boolean isEmpty() {
    return root == null;
  }

  /**
   * Adds the CRD's causes for rules that do not compile or are malformed, at {@code prefix} (the schema's path,
   * {@code spec.validation.openAPIV3Schema} or {@code spec.versions[i].schema.openAPIV3Schema}).
   *
   * @param prefix the path of the schema in the CRD
   * @param errors where the causes go
   */
  public void problems(String prefix, FieldErrors errors) {
    for (Problem problem : problems) {
      String path = prefix + problem.path();
      String detail = problem.detail().replace(SCHEMA, prefix);
      switch (problem.kind()) {
        case REQUIRED -> errors.required(path, detail);
        case UNSUPPORTED -> errors.unsupported(path, String.valueOf(problem.value()), REASONS_SORTED);
        case INTERNAL -> errors.internal(path, detail);
        case FORBIDDEN -> errors.forbidden(path, detail);
        case CAUSE -> errors.add(detail);
        case INVALID -> errors.invalid(path, problem.value() == null ? "" : problem.value(), detail);
      }
    }
  }

  /** The outcome of {@link #validate}: causes of a 422, and ratcheted failures, which are warnings. */
  public record Outcome(List<String> errors, List<String> warnings) {
    static final Outcome NONE = new Outcome(List.of(), List.of());
  }

  /**
   * Evaluates the rules on {@code object} (a create when {@code old} is null, else an update of {@code old}),
   * unless {@code schemaCauses}, the causes its schema validation found, hold one of the errors that stop CEL
   * (unsupported value, required, too long, too many, wrong type; {@code hasBlockingErr}): then the outcome is
   * the one cause Kubernetes adds instead.
   *
   * @param object the custom resource being written
   * @param old the stored object an update replaces, or null
   * @param schemaCauses the causes of the schema validation that ran before
   * @return the rules' errors and warnings
   */
  public Outcome validate(JsonNode object, @Nullable JsonNode old, List<String> schemaCauses) {
    if (root == null) {
      return Outcome.NONE;
    }
    for (String cause : schemaCauses) {
      if (blocks(cause)) {
        return new Outcome(List.of(BLOCKED), List.of());
      }
    }
    RuleEvaluation evaluation = new RuleEvaluation();
    evaluation.visit(root, object, old, null, old != null && object.equals(old));
    return new Outcome(List.copyOf(evaluation.errors), List.copyOf(evaluation.warnings));
  }

  /** NotSupported, Required, TooLong, TooMany and TypeInvalid (printed "in body must be of type") block CEL. */
  private static boolean blocks(String cause) {
    return cause.contains(": Unsupported value: ") || cause.contains(": Required value")
        || cause.contains(": Too long: ") || cause.contains(": Too many: ") || cause.contains(" in body must be of type ");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Compilation

  /** A schema node with rules, or with rules below it. */
  record Node(JsonNode schema, boolean resourceRoot, List<Rule> rules, Map<String, Node> properties,
      @Nullable Node additional, @Nullable Node items) {
    String shownType() {
      return SchemaTypes.shownType(schema);
    }
  }

  record Rule(String rule, String message, String messageExpression, @Nullable String reason,
      @Nullable String fieldPath, boolean usesOldSelf, boolean optionalOldSelf, CelRuntime.@Nullable Program program,
      CelRuntime.@Nullable Program messageProgram) {
    /** {@code ruleErrorString}: the trimmed message if there is one, else the trimmed rule. */
    String errorString() {
      return message.isEmpty() ? rule.strip() : message.strip();
    }

    /** {@code ruleMessageOrDefault}. */
    String messageOrDefault() {
      return message.isEmpty() ? "failed rule: " + rule.strip() : message.strip();
    }
  }

}
