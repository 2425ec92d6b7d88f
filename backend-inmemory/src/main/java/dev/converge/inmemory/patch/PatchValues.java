package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Value semantics shared by the patch algorithms: equality and ordering that treat {@code 1}, {@code 1L} and
 * {@code 1.0} as one number (Jackson's own {@code equals} does not, but JSON and Go's decoders do), and
 * copies that turn possibly frozen input trees into mutable output trees.
 */
final class PatchValues {
  private PatchValues() {}

  /** Deep equality as JSON means it: numbers by value, object members in any order. */
  static boolean equal(@Nullable JsonNode a, @Nullable JsonNode b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a.isNumber() && b.isNumber()) {
      return compareNumbers(a, b) == 0;
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    switch (a.getNodeType()) {
      case OBJECT: {
        if (a.size() != b.size()) {
          return false;
        }
        for (Map.Entry<String, JsonNode> field : a.properties()) {
          if (!equal(field.getValue(), b.get(field.getKey()))) {
            return false;
          }
        }
        return true;
      }
      case ARRAY: {
        if (a.size() != b.size()) {
          return false;
        }
        for (int i = 0; i < a.size(); i++) {
          if (!equal(a.get(i), b.get(i))) {
            return false;
          }
        }
        return true;
      }
      default:
        return a.equals(b);
    }
  }

  /**
   * A total order over JSON values, the one structured-merge-diff uses to sort set elements and keys: numbers
   * (compared numerically) before strings before booleans before lists before maps before null.
   */
  static int compare(JsonNode a, JsonNode b) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    switch (ra) {
      case 0:
        return compareNumbers(a, b);
      case 1:
        return a.textValue().compareTo(b.textValue());
      case 2:
        return Boolean.compare(a.booleanValue(), b.booleanValue());
      case 3: {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
          int c = compare(a.get(i), b.get(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(a.size(), b.size());
      }
      case 4: {
        List<String> ka = sortedNames(a);
        List<String> kb = sortedNames(b);
        int n = Math.min(ka.size(), kb.size());
        for (int i = 0; i < n; i++) {
          int c = ka.get(i).compareTo(kb.get(i));
          if (c == 0) {
            c = compare(a.get(ka.get(i)), b.get(kb.get(i)));
          }
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(ka.size(), kb.size());
      }
      default:
        return 0;
    }
  }

  private static int rank(JsonNode n) {
    if (n.isNumber()) {
      return 0;
    }
    if (n.isTextual()) {
      return 1;
    }
    if (n.isBoolean()) {
      return 2;
    }
    if (n.isArray()) {
      return 3;
    }
    if (n.isObject()) {
      return 4;
    }
    return 5;
  }

  private static List<String> sortedNames(JsonNode object) {
    List<String> names = new ArrayList<>(object.size());
    object.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    return names;
  }

  private static int compareNumbers(JsonNode a, JsonNode b) {
    if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
      return Long.compare(a.longValue(), b.longValue());
    }
    if (a.isBigDecimal() || b.isBigDecimal() || a.isBigInteger() || b.isBigInteger()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return Double.compare(a.doubleValue(), b.doubleValue());
  }

  /**
   * The canonical form of a scalar used inside a path element (a list key or a set value): integral numbers
   * as longs and other numbers as doubles, so that equal numbers hash alike whatever node class parsed them.
   */
  static JsonNode canonical(JsonNode value) {
    if (value.isNumber()) {
      if (value.isIntegralNumber() && value.canConvertToLong()) {
        return value instanceof LongNode ? value : LongNode.valueOf(value.longValue());
      }
      double d = value.doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p53) {
        return LongNode.valueOf((long) d);
      }
      return value instanceof DoubleNode ? value : DoubleNode.valueOf(d);
    }
    return value;
  }

  /** A mutable deep copy (value nodes are immutable and returned as they are). */
  static JsonNode copy(JsonNode node) {
    return node.isContainerNode() ? node.deepCopy() : node;
  }

  /** A mutable deep copy of an object. */
  static ObjectNode copy(ObjectNode node) {
    return node.deepCopy();
  }

  /**
   * {@code node} itself when it is frozen (nothing can change it, so a result may hold it), else a mutable deep
   * copy: what server-side apply puts into its result for the parts of the object it leaves alone.
   */
  static JsonNode share(JsonNode node) {
    return Json.isFrozen(node) ? node : node.deepCopy();
  }

  /**
   * {@link #copyWithoutNulls} that returns a frozen {@code node} itself when it has no {@code null} member
   * anywhere (nothing would be left out): an applied configuration is frozen, and what it creates is mostly
   * stored as it was sent.
   */
  static JsonNode shareWithoutNulls(JsonNode node) {
    return Json.isFrozen(node) && !hasNullMember(node) ? node : copyWithoutNulls(node);
  }

  private static boolean hasNullMember(JsonNode node) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        JsonNode value = field.getValue();
        if (value.isNull() || (value.isContainerNode() && hasNullMember(value))) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        if (element.isContainerNode() && hasNullMember(element)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A mutable deep copy in which object members whose value is {@code null} are left out: how a value that
   * asks for fields to be unset reads once it has been stored.
   */
  static JsonNode copyWithoutNulls(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = Json.object();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!field.getValue().isNull()) {
          out.set(field.getKey(), copyWithoutNulls(field.getValue()));
        }
      }
      return out;
    }
    if (node.isArray()) {
      var out = Json.array();
      for (JsonNode element : node) {
        out.add(copyWithoutNulls(element));
      }
      return out;
    }
    return node;
  }

  /** The JSON type of a node, for error messages. */
  static String typeName(@Nullable JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
