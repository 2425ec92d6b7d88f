package dev.converge.inmemory.cel;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Function declarations for the checker, grouped by name, with the runtime bindings of their overloads: one
 * {@link #member} or {@link #global} call declares an overload and binds it, by the Java classes of its
 * parameters' values.
 */
final class FunctionTable {
  /** The comparable CEL types (as {@code isSorted}, {@code min} and {@code max} take them) and their Java values. */
  static final Map<CelType, Class<?>> COMPARABLE = comparable();

  private final Map<String, List<CelOverloadDecl>> overloads = new LinkedHashMap<>();
  private final List<CelFunctionBinding> bindings = new ArrayList<>();
  private final Map<CelType, Class<?>> opaque = new LinkedHashMap<>();

  /** Values of {@code type} are instances of {@code javaClass} at run time. */
  void opaque(OpaqueType type, Class<?> javaClass) {
    opaque.put(type, javaClass);
  }

  void member(String function, String id, CelType result, List<CelType> parameters, CelFunctionOverload impl) {
    add(function, CelOverloadDecl.newMemberOverload(id, result, parameters), parameters, impl);
  }

  void global(String function, String id, CelType result, List<CelType> parameters, CelFunctionOverload impl) {
    add(function, CelOverloadDecl.newGlobalOverload(id, result, parameters), parameters, impl);
  }

  private void add(String function, CelOverloadDecl declaration, List<CelType> parameters, CelFunctionOverload impl) {
    overloads.computeIfAbsent(function, f -> new ArrayList<>()).add(declaration);
    List<Class<?>> classes = new ArrayList<>();
    for (CelType parameter : parameters) {
      classes.add(javaClass(parameter));
    }
    bindings.add(CelFunctionBinding.from(declaration.overloadId(), classes, impl));
  }

  List<CelFunctionDecl> declarations() {
    List<CelFunctionDecl> declarations = new ArrayList<>();
    overloads.forEach((function, list) -> declarations.add(CelFunctionDecl.newFunctionDeclaration(function, list)));
    return ImmutableList.copyOf(declarations);
  }

  List<CelFunctionBinding> bindings() {
    return ImmutableList.copyOf(bindings);
  }

  private Class<?> javaClass(CelType type) {
    if (type instanceof ListType) {
      return List.class;
    }
    if (type instanceof MapType) {
      return Map.class;
    }
    if (type instanceof OptionalType) {
      return Optional.class;
    }
    Class<?> known = opaque.get(type);
    if (known == null) {
      known = COMPARABLE.get(type);
    }
    return known != null ? known : Object.class;
  }

  /** An evaluation error whose message is {@code message}, which a cause then shows. */
  static CelEvaluationException error(String message) {
    return CelEvaluationExceptionBuilder.newBuilder("%s", message).build();
  }

  /** A parse that fails with an evaluation error. */
  interface Parse {
    Object run() throws CelEvaluationException;
  }

  /** Whether {@code parse} succeeds: the {@code is…(s)} form of a parsing function. */
  static boolean succeeds(Parse parse) {
    try {
      parse.run();
      return true;
    } catch (CelEvaluationException e) {
      return false;
    }
  }

  private static Map<CelType, Class<?>> comparable() {
    Map<CelType, Class<?>> map = new LinkedHashMap<>();
    map.put(SimpleType.INT, Long.class);
    map.put(SimpleType.UINT, UnsignedLong.class);
    map.put(SimpleType.DOUBLE, Double.class);
    map.put(SimpleType.BOOL, Boolean.class);
    map.put(SimpleType.DURATION, Duration.class);
    map.put(SimpleType.TIMESTAMP, Instant.class);
    map.put(SimpleType.STRING, String.class);
    map.put(SimpleType.BYTES, CelByteString.class);
    return map;
  }
}
