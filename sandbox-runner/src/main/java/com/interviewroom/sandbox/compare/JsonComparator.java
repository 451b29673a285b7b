package com.interviewroom.sandbox.compare;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares decoded JSON values (Map, List, Number, String, Boolean, null; Vert.x JsonObject and
 * JsonArray are unwrapped first). Object key order never matters; an integer expected value is
 * matched exactly (1000001.0 is not 1000000; 1000000.0 is), except in {@code float} mode; a float
 * expected value matches within relative or absolute tolerance 1e-6.
 */
public final class JsonComparator {
  public static final double TOLERANCE = 1e-6;

  private JsonComparator() {}

  public static boolean matches(Object expected, Object actual, CompareMode mode) {
    Object e = Canonical.unwrap(expected);
    Object a = Canonical.unwrap(actual);
    return switch (mode) {
      case EXACT -> same(e, a, false);
      case FLOAT -> same(e, a, true);
      case UNORDERED ->
          e instanceof List<?> le && a instanceof List<?> la
              ? sameUnordered(le, la)
              : same(e, a, false);
      case UNORDERED_NESTED ->
          e instanceof List<?> le && a instanceof List<?> la
              ? sameUnordered(sortInner(le), sortInner(la))
              : same(e, a, false);
      case TEXT ->
          e instanceof String se && a instanceof String sa
              ? TextComparator.normalize(se).equals(TextComparator.normalize(sa))
              : same(e, a, false);
    };
  }

  static boolean same(Object e, Object a) {
    return same(e, a, false);
  }

  /**
   * @param floatMode integers too match within the tolerance ({@code compare: "float"})
   */
  static boolean same(Object e, Object a, boolean floatMode) {
    if (e instanceof Number ne && a instanceof Number na) {
      return sameNumber(ne, na, floatMode);
    }
    if (e instanceof List<?> le && a instanceof List<?> la) {
      if (le.size() != la.size()) {
        return false;
      }
      for (int i = 0; i < le.size(); i++) {
        if (!same(le.get(i), la.get(i), floatMode)) {
          return false;
        }
      }
      return true;
    }
    if (e instanceof Map<?, ?> me && a instanceof Map<?, ?> ma) {
      if (!me.keySet().equals(ma.keySet())) {
        return false;
      }
      return me.keySet().stream().allMatch(k -> same(me.get(k), ma.get(k), floatMode));
    }
    return Objects.equals(e, a);
  }

  static boolean sameNumber(Number e, Number a) {
    return sameNumber(e, a, false);
  }

  static boolean sameNumber(Number e, Number a, boolean floatMode) {
    if (integral(e) && integral(a)) {
      return toBigInteger(e).equals(toBigInteger(a));
    }
    if (integral(e) && !floatMode) {
      // An integer answer is exact: a float that is off by one in the seventh digit is wrong.
      double y = a.doubleValue();
      return Double.isFinite(y)
          && new BigDecimal(a.toString()).compareTo(new BigDecimal(toBigInteger(e))) == 0;
    }
    double x = e.doubleValue();
    double y = a.doubleValue();
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return false;
    }
    double diff = Math.abs(x - y);
    return diff <= TOLERANCE || diff <= TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
  }

  private static boolean sameUnordered(List<?> expected, List<?> actual) {
    if (expected.size() != actual.size()) {
      return false;
    }
    return same(sorted(expected), sorted(actual), false);
  }

  private static List<Object> sortInner(List<?> outer) {
    List<Object> result = new ArrayList<>(outer.size());
    for (Object inner : outer) {
      result.add(inner instanceof List<?> list ? sorted(list) : inner);
    }
    return result;
  }

  /** Sorted by canonical text; floats are rounded in the key so near-equal values sort alike. */
  private static List<Object> sorted(List<?> items) {
    List<Object> copy = new ArrayList<>(items);
    copy.sort(Comparator.comparing(Canonical::key));
    return copy;
  }

  private static boolean integral(Number n) {
    return n instanceof Integer
        || n instanceof Long
        || n instanceof Short
        || n instanceof Byte
        || n instanceof BigInteger
        || (n instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0);
  }

  private static BigInteger toBigInteger(Number n) {
    if (n instanceof BigInteger b) {
      return b;
    }
    if (n instanceof BigDecimal d) {
      return d.toBigInteger();
    }
    return BigInteger.valueOf(n.longValue());
  }

  /**
   * A sort key that is the same for values {@link #same} treats as equal (up to float rounding).
   */
  static final class Canonical {
    private Canonical() {}

    static Object unwrap(Object value) {
      if (value instanceof io.vertx.core.json.JsonObject o) {
        return unwrap(o.getMap());
      }
      if (value instanceof io.vertx.core.json.JsonArray a) {
        return unwrap(a.getList());
      }
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), unwrap(v)));
        return copy;
      }
      if (value instanceof List<?> list) {
        List<Object> copy = new ArrayList<>(list.size());
        list.forEach(v -> copy.add(unwrap(v)));
        return copy;
      }
      return value;
    }

    static String key(Object value) {
      StringBuilder out = new StringBuilder();
      append(value, out);
      return out.toString();
    }

    private static void append(Object value, StringBuilder out) {
      if (value instanceof Number n) {
        out.append(
            integral(n) ? toBigInteger(n).toString() : String.format("%.5e", n.doubleValue()));
      } else if (value instanceof List<?> list) {
        out.append('[');
        list.forEach(
            v -> {
              append(v, out);
              out.append(',');
            });
        out.append(']');
      } else if (value instanceof Map<?, ?> map) {
        out.append('{');
        new TreeMap<>(map)
            .forEach(
                (k, v) -> {
                  out.append(k).append(':');
                  append(v, out);
                  out.append(',');
                });
        out.append('}');
      } else if (value instanceof String s) {
        out.append('"').append(s).append('"');
      } else {
        out.append(value);
      }
    }
  }
}
