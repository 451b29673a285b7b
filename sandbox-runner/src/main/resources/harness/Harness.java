import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.lang.reflect.Array;
import java.net.URL;
import java.net.URLClassLoader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * InterviewRoom function-call harness (Java). Same protocol as harness.py: stdin carries
 * "nonce\njson spec", records "nonce length\njson\n" go to .results, which is unlinked before the
 * candidate's class is loaded. A fresh Solution per test, on a thread with a LeetCode-sized stack.
 */
public final class Harness {
  private static final int MAX_NODES = 200_000;

  public static void main(String[] argv) throws Exception {
    warmUp();
    byte[] raw = System.in.readAllBytes();
    int newline = 0;
    while (raw[newline] != '\n') newline++;
    byte[] nonce = java.util.Arrays.copyOf(raw, newline);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) new Json(new String(raw, newline + 1, raw.length - newline - 1, StandardCharsets.UTF_8)).value();
    FileOutputStream channel = new FileOutputStream(".results", true);
    Files.delete(Path.of(".results"));
    Emitter emitter = new Emitter(channel, nonce);
    try {
      run(spec, emitter);
    } catch (Throwable failure) {
      System.err.println(candidateTrace(failure));
      System.err.flush();
      // Halt rather than return: the candidate's non-daemon threads must not keep the JVM alive.
      Runtime.getRuntime().halt(1);
    }
  }

  /**
   * What every run needs, loaded and run once while a pre-started JVM waits for its request (off
   * the candidate's clock): the JSON reader and writer, the converters, a thread, a class loader.
   */
  private static void warmUp() throws Exception {
    Object parsed = new Json("{\"a\":[1,-2.5e3,\"x\\n\",true,null],\"b\":{}}").value();
    Json.write(parsed);
    Convert.in(List.of(1, 2), "int[]", int[].class);
    Convert.in(List.of(List.of("a")), "List<List<String>>", List.class);
    Convert.toTree(java.util.Arrays.asList(1, null, 2));
    Convert.toList(List.of(1, 2));
    new LinkedHashMap<String, Object>().put("ok", true);
    Thread warm = new Thread(null, () -> {}, "warm-up", 1 << 20);
    warm.start();
    warm.join();
    // A class defined from a directory in a loader of its own, as the candidate's will be (the file
    // loader, defineClass, verification), discarded with its loader.
    try (URLClassLoader loader = new URLClassLoader(
        new URL[] {Path.of(Harness.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL()},
        null)) {
      loader.loadClass("ListNode").getDeclaredConstructors();
    }
    // Reflection's first call builds its method-handle machinery (tens of milliseconds here).
    for (Method m : WarmUp.class.getDeclaredMethods()) {
      if (m.getName().equals("twice")) {
        m.setAccessible(true);
        Constructor<?> constructor = WarmUp.class.getDeclaredConstructor();
        constructor.setAccessible(true);
        Json.write(m.invoke(constructor.newInstance(), new int[] {1, 2}, 3));
      }
    }
  }

  /** A class like a candidate's Solution, for {@link #warmUp}. */
  static final class WarmUp {
    int[] twice(int[] values, int times) {
      return new int[] {values[0] * times, values[1] * times};
    }
  }

  @SuppressWarnings("unchecked")
  private static void run(Map<String, Object> spec, Emitter emitter) throws Exception {
    Map<String, Object> function = (Map<String, Object>) spec.get("function");
    String name = (String) function.get("name");
    List<Map<String, Object>> params = (List<Map<String, Object>>) function.get("params");
    String returns = (String) function.get("returns");
    List<Map<String, Object>> tests = (List<Map<String, Object>>) spec.get("tests");
    // The candidate's classes, written to /work/classes after this JVM started (it may have been
    // started ahead of the request), in a loader of their own below the harness's (so TreeNode and
    // ListNode are the harness's, as on a class path that names the harness first).
    ClassLoader classes = new URLClassLoader(
        new URL[] {Path.of("classes").toAbsolutePath().toUri().toURL()}, Harness.class.getClassLoader());
    Class<?> solution = Class.forName("Solution", true, classes);
    Method method = null;
    for (Method m : solution.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == params.size()) method = m;
    }
    if (method == null) {
      System.err.println("Solution has no method " + name + " with " + params.size() + " parameter(s)");
      System.exit(1);
    }
    method.setAccessible(true);
    Constructor<?> constructor = solution.getDeclaredConstructor();
    constructor.setAccessible(true);
    for (int index = 0; index < tests.size(); index++) {
      Map<String, Object> test = tests.get(index);
      Map<String, Object> input = (Map<String, Object>) test.get("input");
      Object[] args = new Object[params.size()];
      Class<?>[] types = method.getParameterTypes();
      for (int i = 0; i < args.length; i++) {
        args[i] = Convert.in(input.get((String) params.get(i).get("name")), (String) params.get(i).get("type"), types[i]);
      }
      Object[] outcome = new Object[2];
      Method target = method;
      long started = System.nanoTime();
      Thread worker = new Thread(null, () -> {
        try {
          outcome[0] = target.invoke(constructor.newInstance(), args);
        } catch (InvocationTargetException e) {
          outcome[1] = e.getCause();
        } catch (Throwable e) {
          outcome[1] = e;
        }
      }, "solution", 64L << 20); // deep recursion fits; infinite recursion overflows in about a second
      try {
        worker.start();
        worker.join();
      } catch (Throwable cannotStart) {
        outcome[1] = cannotStart; // e.g. the candidate used up every thread the sandbox allows
      }
      double ms = (System.nanoTime() - started) / 1e6;
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("id", test.get("id"));
      if (outcome[1] == null) {
        Object result = "void".equals(returns) ? (args.length > 0 ? args[0] : null) : outcome[0];
        if (result == null && ("TreeNode".equals(returns) || "ListNode".equals(returns) || "void".equals(returns))) {
          result = List.of(); // an empty tree or list is [] in LeetCode's format
        }
        record.put("ok", true);
        record.put("actual", new Raw(Json.write(result)));
      } else {
        Throwable error = (Throwable) outcome[1];
        record.put("ok", false);
        record.put("kind", error instanceof OutOfMemoryError && !String.valueOf(error.getMessage()).contains("thread") ? "MemoryError"
            : error instanceof StackOverflowError ? "RecursionError" : error.getClass().getSimpleName());
        record.put("error", candidateTrace(error));
      }
      record.put("ms", ms);
      emitter.emit(record);
    }
    System.out.flush();
    System.err.flush();
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("done", tests.size());
    emitter.emit(done);
    // Leave now: the candidate's non-daemon threads must not keep the JVM alive.
    Runtime.getRuntime().halt(0);
  }

  private static String candidateTrace(Throwable error) {
    StringBuilder text = new StringBuilder(String.valueOf(error));
    int frames = 0;
    for (StackTraceElement frame : error.getStackTrace()) {
      if ("Solution.java".equals(frame.getFileName()) && frames++ < 20) {
        text.append("\n\tat ").append(frame.getClassName()).append('.').append(frame.getMethodName())
            .append("(Solution.java:").append(frame.getLineNumber()).append(')');
      }
    }
    return text.length() > 4000 ? text.substring(0, 4000) : text.toString();
  }

  /** Already-encoded JSON, written verbatim. */
  record Raw(String json) {}

  static final class Emitter {
    private final FileOutputStream channel;
    private final byte[] nonce;

    Emitter(FileOutputStream channel, byte[] nonce) {
      this.channel = channel;
      this.nonce = nonce;
    }

    void emit(Map<String, Object> record) throws java.io.IOException {
      byte[] data = Json.write(record).getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(nonce);
      frame.write((" " + data.length + "\n").getBytes(StandardCharsets.US_ASCII));
      frame.write(data);
      frame.write('\n');
      channel.write(frame.toByteArray());
    }
  }

  /** JSON values (Map, List, String, Double/Long, Boolean, null) to the declared parameter type. */
  static final class Convert {
    static Object in(Object json, String type, Class<?> javaType) {
      switch (type) {
        case "TreeNode": return toTree((List<?>) json);
        case "ListNode": return toList((List<?>) json);
        default: return coerce(json, javaType);
      }
    }

    static Object coerce(Object json, Class<?> target) {
      if (json == null) return null;
      if (target == int.class || target == Integer.class) return ((Number) json).intValue();
      if (target == long.class || target == Long.class) return ((Number) json).longValue();
      if (target == double.class || target == Double.class) return ((Number) json).doubleValue();
      if (target == boolean.class || target == Boolean.class) return json;
      if (target == char.class || target == Character.class) return ((String) json).charAt(0);
      if (target == String.class) return json;
      if (target.isArray()) {
        List<?> items = (List<?>) json;
        Object array = Array.newInstance(target.getComponentType(), items.size());
        for (int i = 0; i < items.size(); i++) Array.set(array, i, coerce(items.get(i), target.getComponentType()));
        return array;
      }
      if (List.class.isAssignableFrom(target) || Collection.class.isAssignableFrom(target)) {
        return deepList(json);
      }
      return json;
    }

    /** list<int> arrives as Longs; the candidate's List<Integer> needs Integers. */
    private static Object deepList(Object json) {
      if (json instanceof List<?> items) {
        List<Object> copy = new ArrayList<>(items.size());
        for (Object item : items) copy.add(deepList(item));
        return copy;
      }
      if (json instanceof Long number && number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
        return number.intValue();
      }
      return json;
    }

    static TreeNode toTree(List<?> values) {
      if (values == null || values.isEmpty() || values.get(0) == null) return null;
      TreeNode root = new TreeNode(((Number) values.get(0)).intValue());
      Deque<TreeNode> queue = new ArrayDeque<>();
      queue.add(root);
      int i = 1;
      while (!queue.isEmpty() && i < values.size()) {
        TreeNode node = queue.poll();
        if (i < values.size() && values.get(i) != null) { node.left = new TreeNode(((Number) values.get(i)).intValue()); queue.add(node.left); }
        i++;
        if (i < values.size() && values.get(i) != null) { node.right = new TreeNode(((Number) values.get(i)).intValue()); queue.add(node.right); }
        i++;
      }
      return root;
    }

    static ListNode toList(List<?> values) {
      ListNode head = null;
      if (values == null) return null;
      for (int i = values.size() - 1; i >= 0; i--) head = new ListNode(((Number) values.get(i)).intValue(), head);
      return head;
    }
  }

  /** A small JSON reader and writer: the sandbox has no libraries, and the harness must load fast. */
  static final class Json {
    private final String text;
    private int at;

    Json(String text) { this.text = text; }

    Object value() {
      skip();
      char c = text.charAt(at);
      if (c == '{') return object();
      if (c == '[') return array();
      if (c == '"') return string();
      if (text.startsWith("true", at)) { at += 4; return Boolean.TRUE; }
      if (text.startsWith("false", at)) { at += 5; return Boolean.FALSE; }
      if (text.startsWith("null", at)) { at += 4; return null; }
      return number();
    }

    private Map<String, Object> object() {
      Map<String, Object> map = new LinkedHashMap<>();
      at++;
      skip();
      if (text.charAt(at) == '}') { at++; return map; }
      while (true) {
        skip();
        String key = string();
        skip();
        at++; // ':'
        map.put(key, value());
        skip();
        if (text.charAt(at++) == '}') return map;
      }
    }

    private List<Object> array() {
      List<Object> list = new ArrayList<>();
      at++;
      skip();
      if (text.charAt(at) == ']') { at++; return list; }
      while (true) {
        list.add(value());
        skip();
        if (text.charAt(at++) == ']') return list;
      }
    }

    private String string() {
      StringBuilder out = new StringBuilder();
      at++;
      while (true) {
        char c = text.charAt(at++);
        if (c == '"') return out.toString();
        if (c != '\\') { out.append(c); continue; }
        char e = text.charAt(at++);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> { out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; }
          default -> out.append(e);
        }
      }
    }

    private Object number() {
      int start = at;
      while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
      String n = text.substring(start, at);
      if (n.contains(".") || n.contains("e") || n.contains("E")) return Double.parseDouble(n);
      try {
        return Long.parseLong(n);
      } catch (NumberFormatException tooBig) {
        return Double.parseDouble(n);
      }
    }

    private void skip() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out, new int[] {0});
      return out.toString();
    }

    private static void write(Object value, StringBuilder out, int[] nodes) {
      if (value == null) { out.append("null"); return; }
      if (value instanceof Raw raw) { out.append(raw.json()); return; }
      if (value instanceof String s) { quote(s, out); return; }
      if (value instanceof Character c) { quote(String.valueOf(c), out); return; }
      if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        out.append(Double.isFinite(d) ? String.valueOf(d) : "null");
        return;
      }
      if (value instanceof Number || value instanceof Boolean) { out.append(value); return; }
      if (value instanceof TreeNode tree) { write(treeValues(tree), out, nodes); return; }
      if (value instanceof ListNode list) { write(listValues(list), out, nodes); return; }
      if (value instanceof Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!first) out.append(',');
          first = false;
          quote(String.valueOf(e.getKey()), out);
          out.append(':');
          write(e.getValue(), out, nodes);
        }
        out.append('}');
        return;
      }
      if (value instanceof Iterable<?> items) {
        out.append('[');
        boolean first = true;
        for (Object item : items) {
          if (!first) out.append(',');
          first = false;
          write(item, out, nodes);
        }
        out.append(']');
        return;
      }
      if (value.getClass().isArray()) {
        out.append('[');
        for (int i = 0; i < Array.getLength(value); i++) {
          if (i > 0) out.append(',');
          write(Array.get(value, i), out, nodes);
        }
        out.append(']');
        return;
      }
      quote(String.valueOf(value), out);
    }

    private static List<Object> treeValues(TreeNode root) {
      List<Object> out = new ArrayList<>();
      List<TreeNode> order = new ArrayList<>();
      order.add(root);
      for (int i = 0; i < order.size() && out.size() < MAX_NODES; i++) {
        TreeNode node = order.get(i);
        if (node == null) { out.add(null); continue; }
        out.add(node.val);
        order.add(node.left);
        order.add(node.right);
      }
      while (!out.isEmpty() && out.get(out.size() - 1) == null) out.remove(out.size() - 1);
      return out;
    }

    private static List<Object> listValues(ListNode node) {
      List<Object> out = new ArrayList<>();
      while (node != null && out.size() < MAX_NODES) { out.add(node.val); node = node.next; }
      return out;
    }

    private static void quote(String s, StringBuilder out) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20 || Character.isSurrogate(c)) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
          }
        }
      }
      out.append('"');
    }
  }
}
