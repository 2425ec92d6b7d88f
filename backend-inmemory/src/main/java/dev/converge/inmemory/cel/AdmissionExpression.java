package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A CEL expression of admission (a webhook's or a policy's {@code matchConditions}, a policy's validations,
 * message expressions and variables), over variables that hold JSON values ({@code object}, {@code oldObject},
 * {@code request}, {@code params}, {@code namespaceObject}), in the environment of Kubernetes 1.32's expressions
 * (standard macros, optionals, strings, sets and Kubernetes' libraries). Variables are untyped ({@code dyn}),
 * but for {@code variables}, a map from name to value; values are JSON as {@code UnstructuredToVal} presents
 * schemaless data: integers as {@code int}, other numbers as {@code double}, {@code null} as {@code null},
 * objects as maps. The {@code authorizer} variable is not provided: an expression that uses it does not compile.
 */
public final class AdmissionExpression {
  /** The variables a match condition sees. */
  public static final List<String> MATCH_CONDITION_VARIABLES = List.of("object", "oldObject", "request");
  private static final Map<List<String>, Cel> ENVIRONMENTS = new java.util.concurrent.ConcurrentHashMap<>();

  /** What an expression must evaluate to. */
  public enum Result {
    /** a bool (validations, match conditions) */
    BOOL,
    /** a string (message expressions) */
    STRING,
    /** anything (variables) */
    ANY
  }

  private final CelRuntime.Program program;

  private AdmissionExpression(CelRuntime.Program program) {
    this.program = program;
  }

  /**
   * Compiles a boolean {@code expression} with {@code variables} declared.
   *
   * @param expression the CEL text
   * @param variables the names the expression may use
   * @return the compiled expression
   * @throws IllegalArgumentException with cel-go's wording ({@code compilation failed: ERROR: <input>:1:1: …})
   *     when it does not compile or is not a bool
   */
  public static AdmissionExpression compile(String expression, List<String> variables) {
    return compile(expression, variables, Result.BOOL);
  }

  /**
   * Compiles {@code expression} with {@code variables} declared.
   *
   * @param expression the CEL text
   * @param variables the names the expression may use
   * @param result what it must evaluate to
   * @return the compiled expression
   * @throws IllegalArgumentException with Kubernetes' wording ({@code compilation failed: ERROR: <input>:1:1: …},
   *     {@code must evaluate to bool but got int}) when it does not compile or has another type
   */
  public static AdmissionExpression compile(String expression, List<String> variables, Result result) {
    Cel cel = ENVIRONMENTS.computeIfAbsent(List.copyOf(variables), AdmissionExpression::environment);
    CelAbstractSyntaxTree ast;
    try {
      ast = cel.compile(expression).getAst();
    } catch (CelValidationException e) {
      throw new IllegalArgumentException("compilation failed: " + e.getMessage(), e);
    }
    CelType type = ast.getResultType();
    CelType wanted = result == Result.BOOL ? SimpleType.BOOL : SimpleType.STRING;
    if (result != Result.ANY && !type.equals(wanted) && !type.equals(SimpleType.DYN)) {
      throw new IllegalArgumentException("must evaluate to " + wanted.name() + " but got " + type.name());
    }
    try {
      return new AdmissionExpression(cel.createProgram(ast));
    } catch (dev.cel.common.CelException e) {
      throw new IllegalArgumentException("program instantiation failed: " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates the expression.
   *
   * @param values each variable's JSON value (a missing or JSON-null variable is CEL's {@code null})
   * @return the expression's value
   * @throws IllegalStateException with cel-go's wording when evaluation fails or the value is not a bool
   */
  public boolean evaluate(Map<String, JsonNode> values) {
    Map<String, Object> activation = new HashMap<>();
    values.forEach((name, value) -> activation.put(name, plain(value)));
    Object result;
    try {
      result = program.eval(activation);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException(CelErrors.goText(e), e);
    }
    if (result instanceof Boolean b) {
      return b;
    }
    throw new IllegalStateException("expression did not evaluate to a bool");
  }

  /**
   * Evaluates the expression on values already in CEL's form ({@link #plain}).
   *
   * @param activation each variable's value
   * @return the expression's value
   * @throws IllegalStateException with cel-go's wording when evaluation fails
   */
  public Object value(Map<String, Object> activation) {
    try {
      return program.eval(activation);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException(CelErrors.goText(e), e);
    }
  }

  /**
   * Schemaless JSON as CEL values.
   *
   * @param value JSON (null, missing or JSON null is CEL's {@code null})
   * @return the CEL value
   */
  public static Object plain(@Nullable JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>(value.size());
      value.forEach(item -> list.add(plain(item)));
      return list;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    value.properties().forEach(member -> map.put(member.getKey(), plain(member.getValue())));
    return map;
  }

  @SuppressWarnings("deprecation")
  private static Cel environment(List<String> variables) {
    CelOptions options = CelOptions.current()
        .enableOptionalSyntax(true)
        .enableHeterogeneousNumericComparisons(true)
        .enableHomogeneousLiterals(true)
        .comprehensionMaxIterations(RuleCompiler.MAX_ITERATIONS)
        .build();
    var builder = CelFactory.standardCelBuilder()
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.optional(), RuleCompiler.STRINGS_V2, CelExtensions.sets(options))
        .addRuntimeLibraries(CelExtensions.optional(), RuleCompiler.STRINGS_V2, CelExtensions.sets(options))
        .addFunctionDeclarations(KubernetesLibrary.declarations())
        .addFunctionBindings(KubernetesLibrary.bindings());
    for (String variable : variables) {
      builder.addVar(variable, variable.equals("variables") ? MapType.create(SimpleType.STRING, SimpleType.DYN) : SimpleType.DYN);
    }
    return builder.build();
  }
}
