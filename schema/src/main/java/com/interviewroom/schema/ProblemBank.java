package com.interviewroom.schema;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The problem bank: every {@code problems/*.json} on the classpath, parsed and checked.
 *
 * <p>Files are found through {@code problems/index.txt} (one file name per line, {@code #} comments
 * allowed) because a classpath directory cannot be listed inside a jar. A test fails when a JSON
 * file is missing from the index, and loading fails when the index names a missing file.
 */
public final class ProblemBank {

  public static final String DIRECTORY = "problems/";
  public static final String INDEX = DIRECTORY + "index.txt";

  /** Every problem shows at least this many examples and keeps at least this many hidden tests. */
  public static final int MIN_EXAMPLES = 2;

  public static final int MIN_HIDDEN = 3;

  private final Map<String, Problem> bySlug;

  private ProblemBank(Map<String, Problem> bySlug) {
    this.bySlug = bySlug;
  }

  /**
   * Loads the bank with this class's class loader. Reads resources: call at start-up, off the event
   * loop.
   */
  public static ProblemBank load() {
    return load(ProblemBank.class.getClassLoader());
  }

  public static ProblemBank load(ClassLoader loader) {
    Map<String, Problem> problems = new LinkedHashMap<>();
    for (String file : indexedFiles(loader)) {
      Problem problem = parse(file, read(loader, DIRECTORY + file));
      if (problems.putIfAbsent(problem.slug(), problem) != null) {
        throw new IllegalStateException(file + ": duplicate slug " + problem.slug());
      }
    }
    return new ProblemBank(problems);
  }

  /** Builds a bank from already parsed problems (tests). */
  public static ProblemBank of(List<Problem> problems) {
    Map<String, Problem> map = new LinkedHashMap<>();
    problems.forEach(p -> map.put(p.slug(), p));
    return new ProblemBank(map);
  }

  /** The file names listed in {@code problems/index.txt}, in order. */
  public static List<String> indexedFiles(ClassLoader loader) {
    List<String> files = new ArrayList<>();
    for (String line : read(loader, INDEX).split("\\R")) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        files.add(name);
      }
    }
    return files;
  }

  public List<Problem> problems() {
    return List.copyOf(bySlug.values());
  }

  public Optional<Problem> bySlug(String slug) {
    return Optional.ofNullable(bySlug.get(slug));
  }

  public int size() {
    return bySlug.size();
  }

  /**
   * Parses one problem file; {@code file} ({@code <slug>.json}) is used in messages and to check
   * the slug.
   */
  public static Problem parse(String file, String content) {
    JsonObject json;
    try {
      json = new JsonObject(content);
    } catch (DecodeException e) {
      throw new IllegalStateException(file + ": invalid JSON: " + e.getMessage(), e);
    }
    String slug = required(file, json, "slug");
    if (!file.equals(slug + ".json")) {
      throw new IllegalStateException(file + ": slug '" + slug + "' does not match the file name");
    }
    String difficulty =
        oneOf(file, "difficulty", required(file, json, "difficulty"), Problem.DIFFICULTIES);
    String compare =
        oneOf(file, "compare", json.getString("compare", "exact"), Problem.COMPARE_MODES);

    JsonObject fn = json.getJsonObject("function");
    if (fn == null) {
      throw new IllegalStateException(file + ": missing 'function'");
    }
    List<Problem.Param> params = new ArrayList<>();
    for (Object p : fn.getJsonArray("params", new JsonArray())) {
      JsonObject param = (JsonObject) p;
      params.add(new Problem.Param(required(file, param, "name"), required(file, param, "type")));
    }
    Problem.FunctionSignature function =
        new Problem.FunctionSignature(
            required(file, fn, "name"), params, required(file, fn, "returns"));

    Set<String> paramNames = new HashSet<>();
    params.forEach(p -> paramNames.add(p.name()));
    List<Problem.TestCase> tests = new ArrayList<>();
    JsonArray testArray = json.getJsonArray("tests", new JsonArray());
    for (int i = 0; i < testArray.size(); i++) {
      JsonObject t = testArray.getJsonObject(i);
      JsonObject input = t.getJsonObject("input");
      if (input == null || !input.fieldNames().equals(paramNames)) {
        throw new IllegalStateException(
            file + ": tests[" + i + "].input must name exactly the parameters " + paramNames);
      }
      if (!t.containsKey("expected")) {
        throw new IllegalStateException(file + ": tests[" + i + "] has no 'expected'");
      }
      tests.add(
          new Problem.TestCase(input, t.getValue("expected"), t.getBoolean("example", false)));
    }
    long examples = tests.stream().filter(Problem.TestCase::example).count();
    if (examples < MIN_EXAMPLES || tests.size() - examples < MIN_HIDDEN) {
      throw new IllegalStateException(
          file
              + ": needs at least "
              + MIN_EXAMPLES
              + " example and "
              + MIN_HIDDEN
              + " hidden tests, has "
              + examples
              + " and "
              + (tests.size() - examples));
    }

    JsonObject gen = json.getJsonObject("inputGenerator");
    Problem.InputGenerator generator = null;
    if (gen != null) {
      List<Integer> sizes = new ArrayList<>();
      gen.getJsonArray("sizes", new JsonArray()).forEach(s -> sizes.add(((Number) s).intValue()));
      generator =
          new Problem.InputGenerator(
              required(file, gen, "param"),
              required(file, gen, "kind"),
              sizes,
              gen.getJsonObject("fixed", new JsonObject()));
    }

    List<String> constraints = new ArrayList<>();
    json.getJsonArray("constraints", new JsonArray())
        .forEach(c -> constraints.add(String.valueOf(c)));
    if (constraints.isEmpty() || constraints.stream().anyMatch(String::isBlank)) {
      throw new IllegalStateException(
          file + ": 'constraints' must list at least one non-blank constraint");
    }

    return new Problem(
        slug,
        required(file, json, "title"),
        difficulty,
        required(file, json, "category"),
        json.getInteger("durationMinutes", "easy".equals(difficulty) ? 30 : 45),
        required(file, json, "description"),
        constraints,
        function,
        compare,
        languageMap(file, json, "starterCode"),
        languageMap(file, json, "solutions"),
        tests,
        generator);
  }

  private static Map<String, String> languageMap(String file, JsonObject json, String field) {
    Map<String, String> map = new LinkedHashMap<>();
    JsonObject obj = json.getJsonObject(field, new JsonObject());
    for (String lang : obj.fieldNames()) {
      oneOf(file, field, lang, Problem.LANGUAGES);
      map.put(lang, obj.getString(lang));
    }
    for (String lang : Problem.LANGUAGES) {
      if (map.get(lang) == null || map.get(lang).isBlank()) {
        throw new IllegalStateException(file + ": '" + field + "' has no " + lang);
      }
    }
    return map;
  }

  private static String required(String file, JsonObject json, String field) {
    String value = json.getString(field);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(file + ": missing '" + field + "'");
    }
    return value;
  }

  private static String oneOf(String file, String field, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalStateException(
          file + ": " + field + " '" + value + "' is not one of " + allowed);
    }
    return value;
  }

  private static String read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }
}
