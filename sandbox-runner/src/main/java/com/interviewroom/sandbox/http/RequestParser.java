package com.interviewroom.sandbox.http;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.sandbox.Language;
import com.interviewroom.sandbox.RunRequest;
import com.interviewroom.sandbox.compare.CompareMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates request bodies field by field; every problem found is reported in one 400. Public so
 * the edge API's tests can hold what it sends against the runner's own parser (contract drift).
 */
public final class RequestParser {
  static final int MAX_CODE_CHARS = 64 * 1024;
  static final int MAX_STDIN_CHARS = 64 * 1024;
  static final int MAX_TESTS = 100;
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,63}");
  private static final Set<String> TYPES =
      Set.of(
          "int",
          "long",
          "double",
          "boolean",
          "string",
          "char",
          "int[]",
          "int[][]",
          "double[]",
          "boolean[]",
          "string[]",
          "char[]",
          "char[][]",
          "list<int>",
          "list<string>",
          "list<list<int>>",
          "list<list<string>>",
          "TreeNode",
          "ListNode");

  private final JsonArray errors = new JsonArray();

  private RequestParser() {}

  /**
   * @throws ApiException (400, listing every invalid field) when the body breaks the contract
   */
  public static RunRequest run(JsonObject body) {
    RequestParser p = new RequestParser();
    Language language = p.language(body);
    String code = p.code(body);
    String mode = body.getValue("mode") instanceof String m ? m : null;
    if (mode == null || !(mode.equals("run") || mode.equals("submit"))) {
      p.error("mode", "must be run or submit");
    }
    Object stdin = body.getValue("stdin");
    if (stdin != null && !(stdin instanceof String s && s.length() <= MAX_STDIN_CHARS)) {
      p.error("stdin", "must be a string of at most " + MAX_STDIN_CHARS + " characters");
    }
    RunRequest.Problem problem =
        body.getValue("problem") == null
            ? null
            : body.getValue("problem") instanceof JsonObject o
                ? p.problem(o)
                : p.fail("problem", "must be an object");
    p.throwIfInvalid();
    return new RunRequest(language, code, "submit".equals(mode), problem, (String) stdin);
  }

  /**
   * @param session the observed session and {@code user} its user, when the code observer asks (its
   *     per-session and per-user limits)
   */
  record Check(Language language, String code, String session, String user) {}

  private static final java.util.regex.Pattern CALLER_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

  static Check check(JsonObject body) {
    RequestParser p = new RequestParser();
    Language language = p.language(body);
    String code = p.code(body);
    String session = p.callerId(body, "session");
    String user = p.callerId(body, "user");
    p.throwIfInvalid();
    return new Check(language, code, session, user);
  }

  private String callerId(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    return value instanceof String id && CALLER_ID.matcher(id).matches()
        ? id
        : fail(field, "must be an id of at most 64 letters, digits or dashes");
  }

  private Language language(JsonObject body) {
    Object value = body.getValue("language");
    return value instanceof String name
        ? Language.fromWire(name)
            .orElseGet(() -> fail("language", "must be python, javascript or java"))
        : fail("language", "must be python, javascript or java");
  }

  private String code(JsonObject body) {
    Object value = body.getValue("code");
    if (!(value instanceof String code) || code.isBlank() || code.length() > MAX_CODE_CHARS) {
      return fail(
          "code", "must be a non-empty string of at most " + MAX_CODE_CHARS + " characters");
    }
    return code;
  }

  private RunRequest.Problem problem(JsonObject problem) {
    String compare =
        problem.getValue("compare") == null
            ? "exact"
            : problem.getValue("compare") instanceof String c ? c : "";
    if (CompareMode.fromWire(compare).isEmpty()) {
      error("problem.compare", "must be exact, float, unordered, unordered-nested or text");
    }
    RunRequest.Signature signature = null;
    if (problem.getValue("function") instanceof JsonObject function) {
      signature = signature(function);
    } else if (problem.getValue("function") != null) {
      error("problem.function", "must be an object");
    } else if (!"text".equals(compare)) {
      error("problem.function", "is required unless compare is text");
    }
    List<RunRequest.TestCase> tests = new ArrayList<>();
    if (!(problem.getValue("tests") instanceof JsonArray array)
        || array.isEmpty()
        || array.size() > MAX_TESTS) {
      error("problem.tests", "must be an array of 1 to " + MAX_TESTS + " tests");
    } else {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < array.size(); i++) {
        tests.add(test(array.getValue(i), i, ids, signature));
      }
    }
    return new RunRequest.Problem(signature, compare, tests);
  }

  private RunRequest.Signature signature(JsonObject function) {
    String name =
        function.getValue("name") instanceof String n && IDENTIFIER.matcher(n).matches()
            ? n
            : fail("problem.function.name", "must be an identifier");
    List<RunRequest.Param> params = new ArrayList<>();
    if (!(function.getValue("params") instanceof JsonArray array) || array.size() > 10) {
      error("problem.function.params", "must be an array of at most 10 parameters");
    } else {
      for (int i = 0; i < array.size(); i++) {
        String field = "problem.function.params[" + i + "]";
        if (array.getValue(i) instanceof JsonObject param
            && param.getValue("name") instanceof String pn
            && IDENTIFIER.matcher(pn).matches()
            && param.getValue("type") instanceof String type
            && TYPES.contains(type)) {
          params.add(new RunRequest.Param(pn, type));
        } else {
          error(field, "must be {name: identifier, type: one of the problem-format types}");
        }
      }
    }
    Object returns = function.getValue("returns");
    if (!(returns instanceof String r && (TYPES.contains(r) || r.equals("void")))) {
      error("problem.function.returns", "must be one of the problem-format types or void");
    }
    return new RunRequest.Signature(name, params, returns instanceof String r ? r : "void");
  }

  private RunRequest.TestCase test(
      Object value, int index, Set<String> ids, RunRequest.Signature signature) {
    String field = "problem.tests[" + index + "]";
    if (!(value instanceof JsonObject test)) {
      return fail(field, "must be an object");
    }
    Object rawId = test.getValue("id");
    String id =
        rawId == null
            ? String.valueOf(index + 1)
            : rawId instanceof String || rawId instanceof Number ? String.valueOf(rawId) : null;
    if (id == null || id.length() > 64 || !ids.add(id)) {
      error(field + ".id", "must be a unique string or number");
    }
    Object input = test.getValue("input");
    if (signature != null && !(input instanceof JsonObject)) {
      error(field + ".input", "must be an object mapping parameter names to values");
    }
    if (!test.containsKey("expected")) {
      error(field + ".expected", "is required");
    }
    Object hidden = test.getValue("hidden", false);
    if (!(hidden instanceof Boolean)) {
      error(field + ".hidden", "must be a boolean");
    }
    return new RunRequest.TestCase(
        id, input, test.getValue("expected"), Boolean.TRUE.equals(hidden));
  }

  private <T> T fail(String field, String message) {
    error(field, message);
    return null;
  }

  private void error(String field, String message) {
    errors.add(new JsonObject().put("field", field).put("message", message));
  }

  private void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw validation(errors);
    }
  }

  private static ApiException validation(JsonArray errors) {
    return Problems.validation(errors);
  }
}
