package dev.converge.inmemory.cel;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' list functions ({@code library/lists.go}): {@code isSorted()}, {@code min()}, {@code max()} on lists
 * of comparable values, {@code sum()} on ints, uints, doubles and durations (an empty list sums to zero; an empty
 * list has no min or max), {@code indexOf(x)} and {@code lastIndexOf(x)} (-1 when absent).
 */
final class ListFunctions {
  private static final List<CelType> SUMMABLE =
      List.of(SimpleType.INT, SimpleType.UINT, SimpleType.DOUBLE, SimpleType.DURATION);

  private ListFunctions() {}

  static void register(FunctionTable table) {
    for (Map.Entry<CelType, Class<?>> type : FunctionTable.COMPARABLE.entrySet()) {
      String name = type.getKey().name();
      ListType list = ListType.create(type.getKey());
      table.member("isSorted", "list_" + name + "_is_sorted_bool", SimpleType.BOOL, List.of(list),
          args -> isSorted((List<?>) args[0]));
      table.member("min", "list_" + name + "_min_" + name, type.getKey(), List.of(list),
          args -> extreme((List<?>) args[0], -1, "min"));
      table.member("max", "list_" + name + "_max_" + name, type.getKey(), List.of(list),
          args -> extreme((List<?>) args[0], 1, "max"));
    }
    for (CelType type : SUMMABLE) {
      table.member("sum", "list_" + type.name() + "_sum_" + type.name(), type, List.of(ListType.create(type)),
          args -> sum((List<?>) args[0], type));
    }
    TypeParamType a = TypeParamType.create("A");
    table.member("indexOf", "list_a_index_of_int", SimpleType.INT, List.of(ListType.create(a), a),
        args -> (long) ((List<?>) args[0]).indexOf(args[1]));
    table.member("lastIndexOf", "list_a_last_index_of_int", SimpleType.INT, List.of(ListType.create(a), a),
        args -> (long) ((List<?>) args[0]).lastIndexOf(args[1]));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof CelByteString x && b instanceof CelByteString y) {
      return Arrays.compareUnsigned(x.toByteArray(), y.toByteArray());
    }
    return ((Comparable) a).compareTo(b);
  }

  private static boolean isSorted(List<?> list) {
    for (int i = 1; i < list.size(); i++) {
      if (compare(list.get(i - 1), list.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  private static Object extreme(List<?> list, int sign, String name) throws CelEvaluationException {
    if (list.isEmpty()) {
      throw FunctionTable.error(name + " called on empty list");
    }
    Object best = list.get(0);
    for (Object value : list) {
      if (compare(value, best) * sign > 0) {
        best = value;
      }
    }
    return best;
  }

  private static Object sum(List<?> list, CelType type) {
    if (type.equals(SimpleType.INT)) {
      long total = 0;
      for (Object value : list) {
        total = Math.addExact(total, (Long) value);
      }
      return total;
    }
    if (type.equals(SimpleType.UINT)) {
      UnsignedLong total = UnsignedLong.ZERO;
      for (Object value : list) {
        total = total.plus((UnsignedLong) value);
      }
      return total;
    }
    if (type.equals(SimpleType.DOUBLE)) {
      double total = 0;
      for (Object value : list) {
        total += (Double) value;
      }
      return total;
    }
    Duration total = Duration.ZERO;
    for (Object value : list) {
      total = total.plus((Duration) value);
    }
    return total;
  }
}
