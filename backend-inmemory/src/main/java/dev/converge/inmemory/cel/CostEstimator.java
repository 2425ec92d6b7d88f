package dev.converge.inmemory.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelCall;
import dev.cel.common.ast.CelExpr.CelComprehension;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The most a rule can cost, estimated before it ever runs, as kube-apiserver 1.32 estimates it when a CRD is
 * written: cel-go v0.22's checker estimate ({@code checker/cost.go}, before the rewrite in v0.23), with Kubernetes'
 * estimator for its library functions and the sizes of the schema ({@code library/cost.go}, the size estimator of
 * {@code schema/cel/compilation.go}, {@link DeclSizes}).
 *
 * <p>A value is a number of cost units; {@link #UNBOUNDED} stands for cel-go's saturated {@code MaxUint64} (and
 * for anything above {@code Long.MAX_VALUE}, far past every limit). Identifiers and selections cost 1, a presence
 * test ({@code has}) nothing more than its operand (Kubernetes turns that cost off), a call 1 plus its arguments
 * unless its function has its own formula; a comprehension costs its range, its start and its result, plus its
 * loop body times the most elements its range can have. Sizes come from the literal, from what a call says about
 * its result, from the schema by the value's path ({@code self.spec.items}, a list's {@code @items}, a map's
 * {@code @values} and {@code @keys}), or are 1 for scalars and unknown otherwise.
 */
final class CostEstimator {
  static final long UNBOUNDED = Long.MAX_VALUE;

  private static final double STRING_TRAVERSAL = 0.1;
  private static final double REGEX_LENGTH = 0.25;
  private static final Set<String> FREE_OF_SIZE = Set.of("masked", "prefixLength", "family", "isUnspecified",
      "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "format.named", "sign", "asInteger", "isInteger",
      "asApproximateFloat", "isGreaterThan", "isLessThan", "compareTo", "add", "sub", "getScheme", "getHostname",
      "getHost", "getPort", "getEscapedPath", "getQuery");

  /** A size range: the fewest and the most characters, bytes, items or entries. */
  record Size(long min, long max) {
    static final Size UNKNOWN = new Size(0, UNBOUNDED);
    static final Size ONE = new Size(1, 1);

    Size plus(Size other) {
      return new Size(add(min, other.min), add(max, other.max));
    }

    Size union(Size other) {
      return new Size(Math.min(min, other.min), Math.max(max, other.max));
    }
  }

  private final CelAbstractSyntaxTree ast;
  private final DeclSizes root;
  private final Map<Long, Size> computed = new HashMap<>();
  private final Deque<Map<String, List<String>>> scopes = new ArrayDeque<>();

  private CostEstimator(CelAbstractSyntaxTree ast, DeclSizes root) {
    this.ast = ast;
    this.root = root;
  }

  /** The estimated most a checked expression costs, {@code self} being a value of {@code root}'s declaration. */
  static long maxCost(CelAbstractSyntaxTree ast, DeclSizes root) {
    return new CostEstimator(ast, root).cost(ast.getExpr());
  }

  // ------------------------------------------------------------------------------------------------- costs

  private long cost(CelExpr e) {
    switch (e.getKind()) {
      case CONSTANT:
        return 0;
      case IDENT:
        return 1;
      case SELECT:
        if (e.select().testOnly()) {
          return cost(e.select().operand());
        }
        CelKind operand = type(e.select().operand()).kind();
        return add(cost(e.select().operand()),
            operand == CelKind.STRUCT || operand == CelKind.MAP || operand == CelKind.TYPE_PARAM ? 1 : 0);
      case LIST: {
        long sum = 10;
        for (CelExpr element : e.list().elements()) {
          sum = add(sum, cost(element));
        }
        return sum;
      }
      case MAP: {
        long sum = 30;
        for (CelExpr.CelMap.Entry entry : e.map().entries()) {
          sum = add(sum, add(cost(entry.key()), cost(entry.value())));
        }
        return sum;
      }
      case STRUCT: {
        long sum = 40;
        for (CelExpr.CelStruct.Entry entry : e.struct().entries()) {
          sum = add(sum, cost(entry.value()));
        }
        return sum;
      }
      case COMPREHENSION:
        return comprehension(e);
      case CALL:
        return call(e);
      default:
        return 0;
    }
  }

  private long comprehension(CelExpr e) {
    CelComprehension c = e.comprehension();
    long sum = add(cost(c.iterRange()), cost(c.accuInit()));
    Map<String, List<String>> scope = new HashMap<>();
    List<String> rangePath = path(c.iterRange());
    CelType rangeType = type(c.iterRange());
    String part = rangeType.kind() == CelKind.MAP ? "@keys" : "@items";
    List<String> varPath = new ArrayList<>(rangePath == null ? List.of() : rangePath);
    varPath.add(part);
    scope.put(c.iterVar(), varPath);
    scopes.push(scope);
    long loop = cost(c.loopCondition());
    long step = cost(c.loopStep());
    scopes.pop();
    sum = add(sum, cost(c.result()));
    Size range = size(c.iterRange());
    computed.put(e.id(), range);
    return add(sum, multiply(range.max(), add(step, loop)));
  }

  private long call(CelExpr e) {
    CelCall call = e.call();
    if (call.function().equals("_?_:_") && call.args().size() == 3) {
      long condition = cost(call.args().get(0));
      long branches = Math.max(cost(call.args().get(1)), cost(call.args().get(2)));
      computed.put(e.id(), size(call.args().get(1)).union(size(call.args().get(2))));
      return add(condition, branches);
    }
    long target = call.target().map(this::cost).orElse(0L);
    long args = 0;
    for (CelExpr arg : call.args()) {
      args = add(args, cost(arg));
    }
    long own = function(e, call);
    return add(target, add(own, args));
  }

  /** The cost of a call itself, without its target and arguments. */
  private long function(CelExpr e, CelCall call) {
    String name = call.function();
    List<CelExpr> args = call.args();
    @Nullable CelExpr target = call.target().orElse(null);
    Long library = library(e, name, target, args);
    if (library != null) {
      return library;
    }
    switch (name) {
      case "_&&_":
      case "_||_":
        return 0; // the two sides' costs, already counted, and nothing more
      case "_==_":
      case "_!=_":
        return equality(args.get(0), args.get(1));
      case "_<_":
      case "_<=_":
      case "_>_":
      case "_>=_": {
        CelType left = type(args.get(0));
        return left.equals(SimpleType.STRING) || left.equals(SimpleType.BYTES) ? traversal(args.get(0), args.get(1)) : 1;
      }
      case "_+_": {
        CelType result = type(e);
        if (result.equals(SimpleType.STRING) || result.equals(SimpleType.BYTES) || result instanceof ListType) {
          Size sum = size(args.get(0)).plus(size(args.get(1)));
          computed.put(e.id(), sum);
          return result instanceof ListType ? 1 : factor(sum.max(), STRING_TRAVERSAL);
        }
        return 1;
      }
      case "@in":
        return type(args.get(1)).kind() == CelKind.LIST ? size(args.get(1)).max() : 1;
      case "matches":
        if (target == null) {
          return 1;
        }
        return multiply(factor(add(size(target).max(), 1), STRING_TRAVERSAL), factor(size(args.get(0)).max(), REGEX_LENGTH));
      case "contains":
        if (target != null && type(target).equals(SimpleType.STRING)) {
          return multiply(factor(size(target).max(), STRING_TRAVERSAL), factor(size(args.get(0)).max(), STRING_TRAVERSAL));
        }
        return 1;
      case "startsWith":
      case "endsWith":
        return factor(size(args.get(0)).max(), STRING_TRAVERSAL);
      case "bytes":
      case "string": {
        CelType from = args.isEmpty() ? SimpleType.DYN : type(args.get(0));
        if ((name.equals("bytes") && from.equals(SimpleType.STRING)) || (name.equals("string") && from.equals(SimpleType.BYTES))) {
          Size in = size(args.get(0));
          computed.put(e.id(), name.equals("bytes") ? new Size(in.min(), multiply(in.max(), 4)) : new Size(in.min() / 4, in.max()));
          return factor(in.max(), STRING_TRAVERSAL);
        }
        return 1;
      }
      case "strings.quote": {
        Size in = size(args.get(0));
        computed.put(e.id(), new Size(add(in.min(), 2), add(multiply(in.max(), 2), 2)));
        return factor(in.max(), STRING_TRAVERSAL);
      }
      case "sets.contains":
      case "sets.intersects":
        return add(multiply(size(args.get(0)).max(), size(args.get(1)).max()), 1);
      case "sets.equivalent":
        return add(multiply(multiply(size(args.get(0)).max(), size(args.get(1)).max()), 2), 1);
      default:
        return 1;
    }
  }

  /** Equality and ordering of strings and bytes: a traversal of the shorter side ({@code _==_} on any type). */
  private long equality(CelExpr left, CelExpr right) {
    CelType type = type(left);
    if (type.equals(NetFunctions.IP) || type.equals(NetFunctions.CIDR) || type.equals(QuantityFunctions.QUANTITY)) {
      return 1;
    }
    if (type.equals(FormatFunctions.FORMAT)) {
      return 7;
    }
    return traversal(left, right);
  }

  private long traversal(CelExpr left, CelExpr right) {
    return factor(Math.min(size(left).max(), size(right).max()), STRING_TRAVERSAL);
  }

  /** Kubernetes' estimator for its library functions ({@code library/cost.go}), by function name; null for others. */
  private @Nullable Long library(CelExpr e, String name, @Nullable CelExpr target, List<CelExpr> args) {
    if (FREE_OF_SIZE.contains(name)) {
      return 1L;
    }
    switch (name) {
      case "isSorted":
      case "sum":
      case "max":
      case "min":
      case "indexOf":
      case "lastIndexOf": {
        if (target == null) {
          return null;
        }
        CelType targetType = type(target);
        if (targetType instanceof ListType list) {
          long element = 1;
          CelType elementType = list.elemType();
          if (elementType.equals(SimpleType.STRING) || elementType.equals(SimpleType.BYTES)) {
            element = add(element, factor(elementSize(target).max(), STRING_TRAVERSAL));
          }
          return multiply(librarySize(target).max(), element);
        }
        return factor(librarySize(target).max(), STRING_TRAVERSAL);
      }
      case "url":
      case "cidr":
      case "isIP":
      case "isCIDR":
      case "quantity":
      case "isQuantity":
        return args.isEmpty() ? null : factor(librarySize(args.get(0)).max(), STRING_TRAVERSAL);
      case "ip":
        return args.isEmpty() ? 1L : factor(librarySize(args.get(0)).max(), STRING_TRAVERSAL);
      case "ip.isCanonical":
        return factor(librarySize(args.get(0)).max(), 0.2);
      case "lowerAscii":
      case "upperAscii":
      case "substring":
      case "trim": {
        if (target == null) {
          return null;
        }
        Size in = librarySize(target);
        computed.put(e.id(), in);
        return factor(in.max(), STRING_TRAVERSAL);
      }
      case "replace":
        return target == null ? null : replace(e, target, args);
      case "split": {
        if (target == null) {
          return null;
        }
        Size in = librarySize(target);
        long max = in.max();
        if (args.size() == 2 && args.get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
          max = args.get(1).constant().int64Value();
        }
        computed.put(e.id(), new Size(0, max));
        return factor(in.max(), 0.2);
      }
      case "join": {
        if (target == null) {
          return null;
        }
        Size list = librarySize(target);
        Size element = elementSize(target);
        Size joined = new Size(multiply(list.min(), element.min()), multiply(list.max(), element.max()));
        if (!args.isEmpty()) {
          Size separator = librarySize(args.get(0));
          joined = joined.plus(new Size(multiply(separator.min(), Math.max(0, list.min() - 1)),
              multiply(separator.max(), Math.max(0, list.max() - 1))));
        }
        computed.put(e.id(), joined);
        return factor(joined.max(), STRING_TRAVERSAL);
      }
      case "find":
      case "findAll": {
        if (target == null) {
          return null;
        }
        Size in = librarySize(target);
        computed.put(e.id(), new Size(0, in.max()));
        return multiply(factor(add(in.max(), 1), STRING_TRAVERSAL), factor(librarySize(args.get(0)).max(), REGEX_LENGTH));
      }
      case "containsIP":
      case "containsCIDR": {
        long own = name.equals("containsIP") ? 4 : 7;
        if (!args.isEmpty() && type(args.get(0)).equals(SimpleType.STRING)) {
          own = add(own, factor(librarySize(args.get(0)).max(), STRING_TRAVERSAL));
        }
        return own;
      }
      case "validate":
        return args.isEmpty() ? null : multiply(factor(librarySize(args.get(0)).max(), STRING_TRAVERSAL), 32);
      default:
        return null;
    }
  }

  /** {@code replace}: a traversal and a half; its result is the string with each match replaced at most. */
  private long replace(CelExpr e, CelExpr target, List<CelExpr> args) {
    Size in = librarySize(target);
    if (args.size() >= 2) {
      Size toReplace = librarySize(args.get(0));
      Size with = librarySize(args.get(1));
      long countMax;
      long retainedMax;
      if (toReplace.min() == 0) {
        countMax = add(in.max(), 1);
        retainedMax = in.max();
      } else if (with.max() <= toReplace.min()) {
        countMax = 0;
        retainedMax = in.max();
      } else {
        countMax = (long) Math.ceil((double) in.max() / toReplace.min());
        retainedMax = in.max();
      }
      computed.put(e.id(), new Size(0, add(multiply(countMax, with.max()), retainedMax)));
    }
    return factor(in.max(), 0.2);
  }

  // ------------------------------------------------------------------------------------------------- sizes

  /** cel-go's size of a node: computed, literal, from the schema by path, 1 for a scalar, else unknown. */
  private Size size(CelExpr e) {
    Size known = knownSize(e);
    if (known != null) {
      return known;
    }
    CelType type = type(e);
    if (type.equals(SimpleType.BOOL) || type.equals(SimpleType.DOUBLE) || type.equals(SimpleType.DURATION)
        || type.equals(SimpleType.INT) || type.equals(SimpleType.TIMESTAMP) || type.equals(SimpleType.UINT)) {
      return Size.ONE;
    }
    return Size.UNKNOWN;
  }

  /** Kubernetes' estimator's size of a node: as {@link #size} without the scalar step. */
  private Size librarySize(CelExpr e) {
    Size known = knownSize(e);
    return known != null ? known : Size.UNKNOWN;
  }

  /** The size of a list's elements, found by the list's path plus {@code @items}. */
  private Size elementSize(CelExpr list) {
    List<String> path = path(list);
    if (path == null) {
      return Size.UNKNOWN;
    }
    List<String> items = new ArrayList<>(path);
    items.add("@items");
    Size size = schemaSize(items);
    return size != null ? size : Size.UNKNOWN;
  }

  private @Nullable Size knownSize(CelExpr e) {
    Size computedSize = computed.get(e.id());
    if (computedSize != null) {
      return computedSize;
    }
    switch (e.getKind()) {
      case CONSTANT: {
        CelConstant constant = e.constant();
        return switch (constant.getKind()) {
          case STRING_VALUE -> {
            long runes = constant.stringValue().codePointCount(0, constant.stringValue().length());
            yield new Size(runes, runes);
          }
          case BYTES_VALUE -> new Size(constant.bytesValue().size(), constant.bytesValue().size());
          default -> Size.ONE;
        };
      }
      case LIST:
        return new Size(e.list().elements().size(), e.list().elements().size());
      case MAP:
        return new Size(e.map().entries().size(), e.map().entries().size());
      default:
        break;
    }
    List<String> path = path(e);
    return path == null || path.isEmpty() ? null : schemaSize(path);
  }

  /** The size the schema gives the value at {@code path} (its first element, the variable, is the rule's node). */
  private @Nullable Size schemaSize(List<String> path) {
    DeclSizes node = root;
    for (String part : path.subList(1, path.size())) {
      node = switch (part) {
        case "@items", "@values" -> node.elem();
        case "@keys" -> node.key();
        default -> node.fields().get(part);
      };
      if (node == null) {
        return null;
      }
    }
    return new Size(0, node.maxElements());
  }

  /** The path of a value below the rule's node: a variable, then fields, {@code @items}, {@code @values}, {@code @keys}. */
  private @Nullable List<String> path(CelExpr e) {
    switch (e.getKind()) {
      case IDENT: {
        String name = e.ident().name();
        for (Map<String, List<String>> scope : scopes) {
          if (scope.containsKey(name)) {
            return scope.get(name);
          }
        }
        return name.equals("self") || name.equals("oldSelf") ? List.of(name) : null;
      }
      case SELECT: {
        if (e.select().testOnly()) {
          return null;
        }
        List<String> operand = path(e.select().operand());
        return operand == null ? null : append(operand, e.select().field());
      }
      case CALL: {
        CelCall call = e.call();
        if (call.function().equals("_[_]") && call.args().size() == 2) {
          List<String> operand = path(call.args().get(0));
          if (operand == null) {
            return null;
          }
          CelKind kind = type(call.args().get(0)).kind();
          return kind == CelKind.LIST ? append(operand, "@items") : kind == CelKind.MAP ? append(operand, "@values") : null;
        }
        return null;
      }
      default:
        return null;
    }
  }

  private static List<String> append(List<String> path, String part) {
    List<String> longer = new ArrayList<>(path.size() + 1);
    longer.addAll(path);
    longer.add(part);
    return longer;
  }

  private CelType type(CelExpr e) {
    Optional<CelType> type = ast.getType(e.id());
    return type.orElse(SimpleType.DYN);
  }

  // -------------------------------------------------------------------------------------------- arithmetic

  /** Adds, saturating at {@link #UNBOUNDED}. */
  static long add(long a, long b) {
    return a >= UNBOUNDED - b ? UNBOUNDED : a + b;
  }

  /** Multiplies, saturating at {@link #UNBOUNDED}. */
  static long multiply(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > UNBOUNDED / b ? UNBOUNDED : a * b;
  }

  /** {@code multiplyByCostFactor}: the ceiling of {@code a × factor}, in double precision as Go computes it. */
  static long factor(long a, double factor) {
    if (a == UNBOUNDED) {
      return UNBOUNDED;
    }
    double product = Math.ceil((double) a * factor);
    return product >= (double) UNBOUNDED ? UNBOUNDED : (long) product;
  }
}
