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
import dev.converge.inmemory.cel.ValidationRules.Node;
import dev.converge.inmemory.cel.ValidationRules.Rule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The compilation of a CRD version's rules ({@code schema/cel/compilation.go} and the checks of {@code
 * validation.go} in apiextensions-apiserver): each rule type-checked against the schema below its node in the
 * environment of new or stored expressions, its message expression, {@code reason}, {@code fieldPath} and {@code
 * optionalOldSelf} checked, and, for a CRD write, its estimated cost ({@link CostEstimator}) against the limits of
 * one expression and of the schema, and the schema's defaults against the rules.
 */
final class RuleCompiler {
  /** Iterations of one comprehension before an evaluation stops (the stand-in for the per-call cost limit). */
  static final int MAX_ITERATIONS = 1_000_000;

  private static final Set<String> REASONS =
      Set.of("FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired");

  private final Predicate<String> preexisting;
  private final boolean unchanged;
  private final boolean checks;
  final List<ValidationRules.Problem> problems = new ArrayList<>();
  /** Each expression's path below the schema and its estimated cost, in schema order. */
  private final List<Map.Entry<String, Long>> costs = new ArrayList<>();

  private RuleCompiler(Predicate<String> preexisting, boolean unchanged, boolean checks) {
    this.preexisting = preexisting;
    this.unchanged = unchanged;
    this.checks = checks;
  }

  /**
   * Compiles the rules of {@code schema}: the tree of its nodes with rules (null when there are none), with the
   * problems a CRD write reports in {@link #problems}. With {@code checks}, the costs and the defaults are checked
   * too, which only a CRD write needs.
   */
  static RuleCompiler compile(JsonNode schema, Predicate<String> preexisting, boolean unchanged, boolean checks) {
    RuleCompiler compiler = new RuleCompiler(preexisting, unchanged, checks);
    compiler.root = compiler.node(schema, true, "", null, 1L);
    if (checks) {
      compiler.checkTotal();
      if (compiler.root != null && compiler.problems.isEmpty()) {
        compiler.checkDefaults(compiler.root, "");
      }
    }
    return compiler;
  }

  /** The root of the compiled tree, null when the schema has no rules. */
  @Nullable Node root;

  /** Adds an expression's estimated cost, and refuses it when it is over the limit of one expression. */
  private void cost(String path, long cost, String what) {
    costs.add(Map.entry(path, cost));
    if (!unchanged && cost > EXPRESSION_COST_LIMIT) {
      problems.add(new ValidationRules.Problem(path, ValidationRules.Problem.Kind.FORBIDDEN, null,
          costMessage("estimated " + what + " cost", cost, EXPRESSION_COST_LIMIT)));
    }
  }

  /**
   * The rules hold for the schema's {@code default}s too ({@code structuraldefaulting.ValidateDefaults} runs the
   * CEL validator on each default, at its path): {@code <schema>.properties[size].default: Invalid value:
   * "integer": failed rule: self >= 1}.
   */
  private void checkDefaults(Node node, String path) {
    JsonNode value = node.schema().get("default");
    if (value != null && !value.isNull()) {
      RuleEvaluation evaluation = new RuleEvaluation();
      evaluation.visit(node, value, null, ValidationRules.SCHEMA + path + ".default", false);
      evaluation.errors.forEach(cause -> problems.add(new ValidationRules.Problem("", ValidationRules.Problem.Kind.CAUSE, null, cause)));
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
  private void checkTotal() {
    long total = 0;
    for (Map.Entry<String, Long> cost : costs) {
      total = CostEstimator.add(total, cost.getValue());
    }
    if (total <= SCHEMA_COST_LIMIT) {
      return;
    }
    costs.stream().filter(cost -> cost.getValue() >= SCHEMA_COST_LIMIT / 100)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(4)
        .forEach(cost -> problems.add(new ValidationRules.Problem(cost.getKey(), ValidationRules.Problem.Kind.FORBIDDEN, null,
            "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema")));
    problems.add(new ValidationRules.Problem("", ValidationRules.Problem.Kind.FORBIDDEN, null, costMessage(
        "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema", total, SCHEMA_COST_LIMIT)));
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

  /**
   * Compiles the rules of {@code schema} and below; null when there are none. {@code uncorrelatable} is the path
   * of the highest list above whose items cannot be correlated with their old values (not a {@code map} list).
   */
  private @Nullable Node node(JsonNode schema, boolean resourceRoot, String path, @Nullable String uncorrelatable,
      @Nullable Long cardinality) {
    Map<String, Node> properties = new LinkedHashMap<>();
    boolean embedded = resourceRoot || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      if (embedded && property.getKey().equals("metadata")) {
        continue;
      }
      Node child = node(property.getValue(), false, path + ".properties[" + property.getKey() + "]",
          uncorrelatable, cardinality);
      if (child != null) {
        properties.put(property.getKey(), child);
      }
    }
    JsonNode additionalSchema = schema.path("additionalProperties");
    Node additional = additionalSchema.isObject()
        ? node(additionalSchema, false, path + ".additionalProperties", uncorrelatable,
            times(cardinality, schema, "maxProperties"))
        : null;
    JsonNode itemSchema = schema.path("items");
    String itemsUncorrelatable = uncorrelatable != null || schema.path("x-kubernetes-list-type").asText("").equals("map")
        ? uncorrelatable : path;
    Node items = itemSchema.isObject()
        ? node(itemSchema, false, path + ".items", itemsUncorrelatable, times(cardinality, schema, "maxItems"))
        : null;
    List<Rule> rules = rules(schema, resourceRoot, path, uncorrelatable, cardinality);
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

  private List<Rule> rules(JsonNode schema, boolean resourceRoot, String path, @Nullable String uncorrelatable,
      @Nullable Long cardinality) {
    JsonNode declared = schema.path("x-kubernetes-validations");
    if (!declared.isArray() || declared.isEmpty()) {
      return List.of();
    }
    SchemaTypes types = new SchemaTypes();
    CelType self = types.declare(schema, resourceRoot);
    String at = path + ".x-kubernetes-validations";
    if (self == null) {
      problems.add(new ValidationRules.Problem(at, ValidationRules.Problem.Kind.INTERNAL, null, "internal error: failed to construct type "
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
        problems.add(new ValidationRules.Problem(p + ".rule", ValidationRules.Problem.Kind.REQUIRED, null, "rule is not specified"));
      } else if (!message.isEmpty() && message.isBlank()) {
        problems.add(new ValidationRules.Problem(p + ".message", ValidationRules.Problem.Kind.INVALID, message, "message must be non-empty if specified"));
      } else if (ValidationRules.LINE_BREAKS.matcher(message.strip()).find()) {
        problems.add(new ValidationRules.Problem(p + ".message", ValidationRules.Problem.Kind.INVALID, message, "message must not contain line breaks"));
      } else if (ValidationRules.LINE_BREAKS.matcher(rule.strip()).find() && message.isEmpty()) {
        problems.add(new ValidationRules.Problem(p + ".message", ValidationRules.Problem.Kind.REQUIRED, null,
            "message must be specified if rule contains line breaks"));
      }
      if (spec.has("messageExpression") && messageExpression.isBlank()) {
        problems.add(new ValidationRules.Problem(p + ".messageExpression", ValidationRules.Problem.Kind.REQUIRED, null,
            "messageExpression must be non-empty if specified"));
      }
      if (reason != null && !REASONS.contains(reason)) {
        problems.add(new ValidationRules.Problem(p + ".reason", ValidationRules.Problem.Kind.UNSUPPORTED, reason, ""));
      }
      @Nullable String normalized = null;
      if (fieldPath != null) {
        if (fieldPath.isBlank()) {
          problems.add(new ValidationRules.Problem(p + ".fieldPath", ValidationRules.Problem.Kind.INVALID, fieldPath, "fieldPath must be non-empty if specified"));
        } else if (fieldPath.contains("\n")) {
          problems.add(new ValidationRules.Problem(p + ".fieldPath", ValidationRules.Problem.Kind.INVALID, fieldPath, "fieldPath must not contain line breaks"));
        } else {
          normalized = FieldPaths.normalize(fieldPath, schema);
          if (normalized == null) {
            problems.add(new ValidationRules.Problem(p + ".fieldPath", ValidationRules.Problem.Kind.INVALID, fieldPath, "fieldPath must be a valid path"));
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
        problems.add(new ValidationRules.Problem(p + ".rule", ValidationRules.Problem.Kind.INVALID, GoRule.of(spec), "compilation failed: " + e.getMessage()));
        continue;
      }
      if (!ast.getResultType().equals(SimpleType.BOOL) && !ast.getResultType().equals(SimpleType.DYN)) {
        problems.add(new ValidationRules.Problem(p + ".rule", ValidationRules.Problem.Kind.INVALID, GoRule.of(spec), "cel expression must evaluate to a bool"));
        continue;
      }
      long cost = CostEstimator.maxCost(ast, sizes);
      cost(p + ".rule", CostEstimator.multiply(cost, cardinality != null ? cardinality
          : DeclSizes.MAX_REQUEST_SIZE / (sizes.minSerializedSize() + 1)), "rule");
      CelRuntime.@Nullable Program messageProgram = null;
      if (!messageExpression.isBlank()) {
        try {
          CelAbstractSyntaxTree messageAst = plain.compile(messageExpression).getAst();
          if (!messageAst.getResultType().equals(SimpleType.STRING) && !messageAst.getResultType().equals(SimpleType.DYN)) {
            problems.add(new ValidationRules.Problem(p + ".messageExpression", ValidationRules.Problem.Kind.INVALID, GoRule.of(spec),
                "messageExpression must evaluate to a string"));
            continue;
          }
          messageProgram = plain.createProgram(messageAst);
          cost(p + ".messageExpression", CostEstimator.maxCost(messageAst, sizes), "messageExpression");
        } catch (CelValidationException e) {
          problems.add(new ValidationRules.Problem(p + ".messageExpression", ValidationRules.Problem.Kind.INVALID, GoRule.of(spec),
              "messageExpression compilation failed: " + e.getMessage()));
          continue;
        } catch (dev.cel.common.CelException e) {
          problems.add(new ValidationRules.Problem(p + ".messageExpression", ValidationRules.Problem.Kind.INVALID, GoRule.of(spec),
              "messageExpression instantiation failed: " + e.getMessage()));
          continue;
        }
      }
      boolean usesOldSelf = ast.getReferenceMap().values().stream().anyMatch(ref -> ref.name().equals("oldSelf"));
      if (usesOldSelf && uncorrelatable != null) {
        problems.add(new ValidationRules.Problem(p + ".rule", ValidationRules.Problem.Kind.INVALID, rule,
            "oldSelf cannot be used on the uncorrelatable portion of the schema within " + ValidationRules.SCHEMA + uncorrelatable));
        continue;
      }
      if (!optionalFlag.isMissingNode() && !optionalFlag.isNull() && !usesOldSelf) {
        problems.add(new ValidationRules.Problem(p + ".optionalOldSelf", ValidationRules.Problem.Kind.INVALID, optionalFlag.asBoolean(),
            "may not be set if oldSelf is not used in rule"));
        continue;
      }
      CelRuntime.Program program;
      try {
        program = cel.createProgram(ast);
      } catch (dev.cel.common.CelException e) {
        problems.add(new ValidationRules.Problem(p + ".rule", ValidationRules.Problem.Kind.INVALID, GoRule.of(spec), "program instantiation failed: " + e.getMessage()));
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
  static final CelStringExtensions STRINGS_V2 = CelExtensions.strings(
      CelStringExtensions.Function.CHAR_AT, CelStringExtensions.Function.INDEX_OF, CelStringExtensions.Function.JOIN,
      CelStringExtensions.Function.LAST_INDEX_OF, CelStringExtensions.Function.LOWER_ASCII,
      CelStringExtensions.Function.QUOTE, CelStringExtensions.Function.REPLACE, CelStringExtensions.Function.SPLIT,
      CelStringExtensions.Function.SUBSTRING, CelStringExtensions.Function.TRIM,
      CelStringExtensions.Function.UPPER_ASCII);
}
