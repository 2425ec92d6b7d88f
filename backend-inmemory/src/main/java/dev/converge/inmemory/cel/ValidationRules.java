package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.converge.inmemory.validation.FieldErrors;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * stops after {@link #MAX_ITERATIONS} iterations instead); order-insensitive equality of {@code set} and {@code map}
 * lists (they compare in order here).
 */
public final class ValidationRules {
  /** The schema of a version with no rules (and of a kind without a schema). */
  public static final ValidationRules NONE = new ValidationRules(null, List.of());

  /** Iterations of one comprehension before an evaluation stops (the stand-in for the per-call cost limit). */
  static final int MAX_ITERATIONS = 1_000_000;

  private static final Set<String> REASONS =
      Set.of("FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired");
  private static final List<String> REASONS_SORTED = REASONS.stream().sorted().toList();
  static final Pattern LINE_BREAKS = Pattern.compile("[\n\r]+");
  private static final String BLOCKED = "<nil>: Invalid value: \"null\": some validation rules were not checked "
      + "because the object was invalid; correct the existing errors to complete validation";

  private final @Nullable Node root;
  /** Stands for the schema's path in the CRD in a problem's detail. */
  private static final String SCHEMA = "\u0000schema";

  /** Compile-time causes, each with its path below {@code openAPIV3Schema}. */
  private final List<Problem> problems;

  private ValidationRules(@Nullable Node root, List<Problem> problems) {
    this.root = root;
    this.problems = problems;
  }

  /** A compile-time problem: the path below {@code openAPIV3Schema} and the cause without it. */
  private record Problem(String path, Kind kind, @Nullable Object value, String detail) {
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
    return compile(openApiV3Schema, expression -> true);
  }

  /**
   * Compiles every rule of {@code openAPIV3Schema} as a CRD write does: an expression that {@code preexisting}
   * holds (it is somewhere in the CRD being replaced) in the environment of stored expressions, any other in the
   * environment of new ones, which lacks what Kubernetes 1.32 added for the next release's clients (two-variable
   * comprehensions: {@code all(k, v, …)}, {@code exists}, {@code existsOne}, {@code transformList}, {@code
   * transformMap}), so that a rollback to 1.31 can still read every CRD ({@code NewExpressionsEnv} and {@code
   * StoredExpressionsEnv}).
   *
   * @param openApiV3Schema a CRD version's schema
   * @param preexisting whether a rule or message expression is already in the stored CRD
   * @return its rules
   */
  public static ValidationRules compile(JsonNode openApiV3Schema, Predicate<String> preexisting) {
    return compile(openApiV3Schema, preexisting, false);
  }

  /**
   * As {@link #compile(JsonNode, Predicate)}, and with each rule's estimated cost checked as a CRD write checks it
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
    Compilation compilation = new Compilation(preexisting, unchanged);
    Node root = compilation.node(openApiV3Schema, true, "", null, 1L);
    compilation.checkTotal();
    if (root != null && compilation.problems.isEmpty()) {
      compilation.checkDefaults(root, "");
    }
    List<Problem> problems = compilation.problems;
    return root == null && problems.isEmpty() ? NONE : new ValidationRules(root, problems);
  }

  /** One schema's compilation: its settings, the problems found and the estimated cost of each expression. */
  private static final class Compilation {
    final Predicate<String> preexisting;
    final boolean unchanged;
    final List<Problem> problems = new ArrayList<>();
    /** Each expression's path below the schema and its estimated cost, in schema order. */
    final List<Map.Entry<String, Long>> costs = new ArrayList<>();

    Compilation(Predicate<String> preexisting, boolean unchanged) {
      this.preexisting = preexisting;
      this.unchanged = unchanged;
    }

    @Nullable Node node(JsonNode schema, boolean resourceRoot, String path, @Nullable String uncorrelatable,
        @Nullable Long cardinality) {
      return ValidationRules.compile(schema, resourceRoot, path, uncorrelatable, cardinality, this);
    }

    /** Adds an expression's estimated cost, and refuses it when it is over the limit of one expression. */
    void cost(String path, long cost, String what) {
      costs.add(Map.entry(path, cost));
      if (!unchanged && cost > EXPRESSION_COST_LIMIT) {
        problems.add(new Problem(path, Problem.Kind.FORBIDDEN, null,
            costMessage("estimated " + what + " cost", cost, EXPRESSION_COST_LIMIT)));
      }
    }

    /**
     * The rules hold for the schema's {@code default}s too ({@code structuraldefaulting.ValidateDefaults} runs the
     * CEL validator on each default, at its path): {@code <schema>.properties[size].default: Invalid value:
     * "integer": failed rule: self >= 1}.
     */
    void checkDefaults(Node node, String path) {
      JsonNode value = node.schema().get("default");
      if (value != null && !value.isNull()) {
        RuleEvaluation evaluation = new RuleEvaluation();
        evaluation.visit(node, value, null, SCHEMA + path + ".default", false);
        evaluation.errors.forEach(cause -> problems.add(new Problem("", Problem.Kind.CAUSE, null, cause)));
      }
      node.properties().forEach((name, child) -> checkDefaults(child, path + ".properties[" + name + "]"));
      if (node.additional() != null) {
        checkDefaults(node.additional(), path + ".additionalProperties");
      }
      if (node.items() != null) {
        checkDefaults(node.items(), path + ".items");
      }
    }

    /** {@code StaticEstimatedCRDCostLimit}: the four costliest expressions named, then the schema. */
    void checkTotal() {
      long total = 0;
      for (Map.Entry<String, Long> cost : costs) {
        total = CostEstimator.add(total, cost.getValue());
      }
      if (total <= SCHEMA_COST_LIMIT) {
        return;
      }
      costs.stream().filter(cost -> cost.getValue() >= SCHEMA_COST_LIMIT / 100)
          .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(4)
          .forEach(cost -> problems.add(new Problem(cost.getKey(), Problem.Kind.FORBIDDEN, null,
              "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema")));
      problems.add(new Problem("", Problem.Kind.FORBIDDEN, null, costMessage(
          "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema", total, SCHEMA_COST_LIMIT)));
    }
  }

  /** {@code StaticEstimatedCostLimit} and {@code StaticEstimatedCRDCostLimit}. */
  static final long EXPRESSION_COST_LIMIT = 10_000_000;
  static final long SCHEMA_COST_LIMIT = 100_000_000;

  /** {@code getCostErrorMessage}. */
  static String costMessage(String what, long cost, long limit) {
    double factor = (double) cost / limit;
    String shown;
    if (factor > 100.0) {
      shown = "more than 100x";
    } else if (factor < 1.5) {
      shown = String.format(Locale.ROOT, "%fx", factor);
    } else {
      shown = new BigDecimal(factor).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "x";
    }
    return what + " exceeds budget by factor of " + shown + " (try simplifying the rule, or adding maxItems, "
        + "maxProperties, and maxLength where arrays, maps, and strings are declared)";
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

  /**
   * Compiles the rules of {@code schema} and below; null when there are none. {@code uncorrelatable} is the path
   * of the highest list above whose items cannot be correlated with their old values (not a {@code map} list).
   */
  private static @Nullable Node compile(JsonNode schema, boolean resourceRoot, String path,
      @Nullable String uncorrelatable, @Nullable Long cardinality, Compilation compilation) {
    Map<String, Node> properties = new LinkedHashMap<>();
    boolean embedded = resourceRoot || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      if (embedded && property.getKey().equals("metadata")) {
        continue;
      }
      Node child = compilation.node(property.getValue(), false, path + ".properties[" + property.getKey() + "]",
          uncorrelatable, cardinality);
      if (child != null) {
        properties.put(property.getKey(), child);
      }
    }
    JsonNode additionalSchema = schema.path("additionalProperties");
    Node additional = additionalSchema.isObject()
        ? compilation.node(additionalSchema, false, path + ".additionalProperties", uncorrelatable,
            times(cardinality, schema, "maxProperties"))
        : null;
    JsonNode itemSchema = schema.path("items");
    String itemsUncorrelatable = uncorrelatable != null || schema.path("x-kubernetes-list-type").asText("").equals("map")
        ? uncorrelatable : path;
    Node items = itemSchema.isObject()
        ? compilation.node(itemSchema, false, path + ".items", itemsUncorrelatable, times(cardinality, schema, "maxItems"))
        : null;
    List<Rule> rules = rules(schema, resourceRoot, path, uncorrelatable, cardinality, compilation);
    if (rules.isEmpty() && properties.isEmpty() && additional == null && items == null) {
      return null;
    }
    return new Node(schema, resourceRoot, rules, properties, additional, items);
  }

  /** The most values a child below {@code schema} can be: the bound times {@code bound}'s value, or unbounded (null). */
  private static @Nullable Long times(@Nullable Long cardinality, JsonNode schema, String bound) {
    return cardinality == null || !schema.has(bound) ? null
        : CostEstimator.multiply(cardinality, Math.max(0, schema.path(bound).asLong()));
  }

  private static List<Rule> rules(JsonNode schema, boolean resourceRoot, String path, @Nullable String uncorrelatable,
      @Nullable Long cardinality, Compilation compilation) {
    Predicate<String> preexisting = compilation.preexisting;
    List<Problem> problems = compilation.problems;
    JsonNode declared = schema.path("x-kubernetes-validations");
    if (!declared.isArray() || declared.isEmpty()) {
      return List.of();
    }
    SchemaTypes types = new SchemaTypes();
    CelType self = types.declare(schema, resourceRoot);
    String at = path + ".x-kubernetes-validations";
    if (self == null) {
      problems.add(new Problem(at, Problem.Kind.INTERNAL, null, "internal error: failed to construct type "
          + "information for x-kubernetes-validations rules: unable to convert structural schema to CEL declarations"));
      return List.of();
    }
    Environments environments = new Environments(types, self);
    DeclSizes sizes = java.util.Objects.requireNonNull(DeclSizes.of(schema, resourceRoot), "sizes of a typed schema");
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < declared.size(); i++) {
      JsonNode spec = declared.get(i);
      String p = at + "[" + i + "]";
      String rule = spec.path("rule").asText("");
      String message = spec.path("message").asText("");
      String messageExpression = spec.path("messageExpression").asText("");
      @Nullable String reason = spec.path("reason").isTextual() ? spec.path("reason").asText() : null;
      @Nullable String fieldPath = spec.path("fieldPath").isTextual() ? spec.path("fieldPath").asText() : null;
      JsonNode optionalFlag = spec.path("optionalOldSelf");
      boolean optionalOldSelf = optionalFlag.asBoolean(false);
      int before = problems.size();
      if (rule.isBlank()) {
        problems.add(new Problem(p + ".rule", Problem.Kind.REQUIRED, null, "rule is not specified"));
      } else if (!message.isEmpty() && message.isBlank()) {
        problems.add(new Problem(p + ".message", Problem.Kind.INVALID, message, "message must be non-empty if specified"));
      } else if (LINE_BREAKS.matcher(message.strip()).find()) {
        problems.add(new Problem(p + ".message", Problem.Kind.INVALID, message, "message must not contain line breaks"));
      } else if (LINE_BREAKS.matcher(rule.strip()).find() && message.isEmpty()) {
        problems.add(new Problem(p + ".message", Problem.Kind.REQUIRED, null,
            "message must be specified if rule contains line breaks"));
      }
      if (spec.has("messageExpression") && messageExpression.isBlank()) {
        problems.add(new Problem(p + ".messageExpression", Problem.Kind.REQUIRED, null,
            "messageExpression must be non-empty if specified"));
      }
      if (reason != null && !REASONS.contains(reason)) {
        problems.add(new Problem(p + ".reason", Problem.Kind.UNSUPPORTED, reason, ""));
      }
      @Nullable String normalized = null;
      if (fieldPath != null) {
        if (fieldPath.isBlank()) {
          problems.add(new Problem(p + ".fieldPath", Problem.Kind.INVALID, fieldPath, "fieldPath must be non-empty if specified"));
        } else if (fieldPath.contains("\n")) {
          problems.add(new Problem(p + ".fieldPath", Problem.Kind.INVALID, fieldPath, "fieldPath must not contain line breaks"));
        } else {
          normalized = FieldPaths.normalize(fieldPath, schema);
          if (normalized == null) {
            problems.add(new Problem(p + ".fieldPath", Problem.Kind.INVALID, fieldPath, "fieldPath must be a valid path"));
          }
        }
      }
      if (problems.size() > before || rule.isBlank()) {
        continue;
      }
      Cel cel = environments.get(optionalOldSelf, preexisting.test(rule));
      Cel plain = environments.get(false, preexisting.test(messageExpression));
      CelAbstractSyntaxTree ast;
      try {
        ast = cel.compile(rule).getAst();
      } catch (CelValidationException e) {
        problems.add(new Problem(p + ".rule", Problem.Kind.INVALID, GoRule.of(spec), "compilation failed: " + e.getMessage()));
        continue;
      }
      if (!ast.getResultType().equals(SimpleType.BOOL) && !ast.getResultType().equals(SimpleType.DYN)) {
        problems.add(new Problem(p + ".rule", Problem.Kind.INVALID, GoRule.of(spec), "cel expression must evaluate to a bool"));
        continue;
      }
      long cost = CostEstimator.maxCost(ast, sizes);
      compilation.cost(p + ".rule", CostEstimator.multiply(cost, cardinality != null ? cardinality
          : DeclSizes.MAX_REQUEST_SIZE / (sizes.minSerializedSize() + 1)), "rule");
      CelRuntime.@Nullable Program messageProgram = null;
      if (!messageExpression.isBlank()) {
        try {
          CelAbstractSyntaxTree messageAst = plain.compile(messageExpression).getAst();
          if (!messageAst.getResultType().equals(SimpleType.STRING) && !messageAst.getResultType().equals(SimpleType.DYN)) {
            problems.add(new Problem(p + ".messageExpression", Problem.Kind.INVALID, GoRule.of(spec),
                "messageExpression must evaluate to a string"));
            continue;
          }
          messageProgram = plain.createProgram(messageAst);
          compilation.cost(p + ".messageExpression", CostEstimator.maxCost(messageAst, sizes), "messageExpression");
        } catch (CelValidationException e) {
          problems.add(new Problem(p + ".messageExpression", Problem.Kind.INVALID, GoRule.of(spec),
              "messageExpression compilation failed: " + e.getMessage()));
          continue;
        } catch (dev.cel.common.CelException e) {
          problems.add(new Problem(p + ".messageExpression", Problem.Kind.INVALID, GoRule.of(spec),
              "messageExpression instantiation failed: " + e.getMessage()));
          continue;
        }
      }
      boolean usesOldSelf = ast.getReferenceMap().values().stream().anyMatch(ref -> ref.name().equals("oldSelf"));
      if (usesOldSelf && uncorrelatable != null) {
        problems.add(new Problem(p + ".rule", Problem.Kind.INVALID, rule,
            "oldSelf cannot be used on the uncorrelatable portion of the schema within " + SCHEMA + uncorrelatable));
        continue;
      }
      if (!optionalFlag.isMissingNode() && !optionalFlag.isNull() && !usesOldSelf) {
        problems.add(new Problem(p + ".optionalOldSelf", Problem.Kind.INVALID, optionalFlag.asBoolean(),
            "may not be set if oldSelf is not used in rule"));
        continue;
      }
      CelRuntime.Program program;
      try {
        program = cel.createProgram(ast);
      } catch (dev.cel.common.CelException e) {
        problems.add(new Problem(p + ".rule", Problem.Kind.INVALID, GoRule.of(spec), "program instantiation failed: " + e.getMessage()));
        continue;
      }
      rules.add(new Rule(rule, message, messageExpression, reason, normalized, usesOldSelf, optionalOldSelf,
          program, messageProgram));
    }
    return rules;
  }

  /** The environments of one node, built when first needed: stored or new, {@code oldSelf} optional or not. */
  private static final class Environments {
    private final SchemaTypes types;
    private final CelType self;
    private final Map<List<Boolean>, Cel> built = new HashMap<>(4);

    Environments(SchemaTypes types, CelType self) {
      this.types = types;
      this.self = self;
    }

    Cel get(boolean optionalOldSelf, boolean stored) {
      return built.computeIfAbsent(List.of(optionalOldSelf, stored), key -> environment(types, self, optionalOldSelf, stored));
    }
  }

  /** The estimated cost of {@code rule} at a node of {@code schema}, compiled as a new expression (for tests). */
  static long estimate(JsonNode schema, boolean resourceRoot, String rule) throws CelValidationException {
    SchemaTypes types = new SchemaTypes();
    CelType self = types.declare(schema, resourceRoot);
    DeclSizes sizes = DeclSizes.of(schema, resourceRoot);
    if (self == null || sizes == null) {
      throw new IllegalArgumentException("no CEL type for " + schema);
    }
    return CostEstimator.maxCost(environment(types, self, false, false).compile(rule).getAst(), sizes);
  }

  /**
   * The compile environment of one node: {@code self} and {@code oldSelf} of its type ({@code oldSelf} optional);
   * a stored expression's environment has the two-variable comprehensions too.
   * Homogeneous aggregate literals ({@code [1, 'a']} does not compile) are an option cel-java marks deprecated in
   * favour of an AST validator; the option still does what Kubernetes' {@code HomogeneousAggregateLiterals} does.
   */
  @SuppressWarnings("deprecation")
  private static Cel environment(SchemaTypes types, CelType self, boolean optionalOldSelf, boolean stored) {
    CelOptions options = CelOptions.current()
        .enableOptionalSyntax(true)
        .enableHeterogeneousNumericComparisons(true)
        .enableHomogeneousLiterals(true)
        .comprehensionMaxIterations(MAX_ITERATIONS)
        .build();
    CelBuilder builder = CelFactory.standardCelBuilder();
    if (stored) {
      builder.addCompilerLibraries(CelExtensions.comprehensions()).addRuntimeLibraries(CelExtensions.comprehensions());
    }
    return builder
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setTypeProvider(types)
        .addCompilerLibraries(CelExtensions.optional(), STRINGS_V2, CelExtensions.sets(options))
        .addRuntimeLibraries(CelExtensions.optional(), STRINGS_V2, CelExtensions.sets(options))
        .addFunctionDeclarations(KubernetesLibrary.declarations())
        .addFunctionBindings(KubernetesLibrary.bindings())
        .addVar("self", self)
        .addVar("oldSelf", optionalOldSelf ? OptionalType.create(self) : self)
        .build();
  }

  /** cel-go's strings extension at version 2, as Kubernetes 1.29+ declares it: no {@code reverse} (version 3). */
  private static final CelStringExtensions STRINGS_V2 = CelExtensions.strings(
      CelStringExtensions.Function.CHAR_AT, CelStringExtensions.Function.INDEX_OF, CelStringExtensions.Function.JOIN,
      CelStringExtensions.Function.LAST_INDEX_OF, CelStringExtensions.Function.LOWER_ASCII,
      CelStringExtensions.Function.QUOTE, CelStringExtensions.Function.REPLACE, CelStringExtensions.Function.SPLIT,
      CelStringExtensions.Function.SUBSTRING, CelStringExtensions.Function.TRIM,
      CelStringExtensions.Function.UPPER_ASCII);
}
