package com.interviewroom.edge.openapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks real responses against {@code openapi.json}: the operation must exist, the status must be
 * declared for it, the body must validate (JSON Schema draft 2020-12, as OpenAPI 3.1 uses) against
 * the declared schema, and the content type must be the declared one.
 */
public final class OpenApiContract {
  private static final String BASE = "https://interviewroom.dev/openapi.json";
  public static final JsonObject DOCUMENT = load();
  private static final JsonSchemaOptions OPTIONS =
      new JsonSchemaOptions()
          .setDraft(Draft.DRAFT202012)
          .setBaseUri(BASE)
          .setOutputFormat(OutputFormat.Basic);
  private static final SchemaRepository REPOSITORY =
      SchemaRepository.create(OPTIONS)
          .dereference(BASE, JsonSchema.of((JsonObject) absoluteRefs(DOCUMENT.copy())));
  private static final Map<String, Validator> VALIDATORS = new ConcurrentHashMap<>();

  private OpenApiContract() {}

  /** Asserts the status is declared for the operation and the body matches its schema. */
  public static void assertResponseMatches(
      String method, String pathTemplate, int status, Object body) {
    JsonObject response = response(method, pathTemplate, status);
    JsonObject content = response.getJsonObject("content");
    if (content == null || content.isEmpty()) {
      if (body != null && !(body instanceof Buffer b && b.length() == 0)) {
        throw new AssertionError(
            where(method, pathTemplate, status) + " declares no body but one was sent: " + body);
      }
      return;
    }
    String mediaType = content.fieldNames().iterator().next();
    // the pointer sits in a URI fragment, where the braces of a path template are percent-encoded
    String pointer =
        "/paths/"
            + escape(pathTemplate).replace("{", "%7B").replace("}", "%7D")
            + "/"
            + method.toLowerCase(Locale.ROOT)
            + "/responses/"
            + status
            + "/content/"
            + escape(mediaType)
            + "/schema";
    Validator validator =
        VALIDATORS.computeIfAbsent(
            pointer,
            p ->
                REPOSITORY.validator(
                    JsonSchema.of(new JsonObject().put("$ref", BASE + "#" + p)), OPTIONS));
    Object json = body instanceof Buffer buffer ? parse(buffer) : body;
    OutputUnit result = validator.validate(json);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new AssertionError(
          where(method, pathTemplate, status)
              + " body does not match the schema: "
              + result.getErrors()
              + "\nbody: "
              + json);
    }
  }

  /**
   * Asserts {@code body} is a problem+json document as {@code components/schemas/Problem} defines
   * it.
   */
  public static void assertProblem(Object body) {
    Validator validator =
        VALIDATORS.computeIfAbsent(
            "Problem",
            p ->
                REPOSITORY.validator(
                    JsonSchema.of(
                        new JsonObject().put("$ref", BASE + "#/components/schemas/Problem")),
                    OPTIONS));
    OutputUnit result = validator.validate(body instanceof Buffer buffer ? parse(buffer) : body);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new AssertionError("not a problem document: " + result.getErrors() + "\nbody: " + body);
    }
  }

  /** Also checks the response's content type against the one the document declares. */
  public static void assertResponseMatches(
      String method, String pathTemplate, HttpResponse<Buffer> response) {
    JsonObject declared =
        response(method, pathTemplate, response.statusCode()).getJsonObject("content");
    if (declared != null && !declared.isEmpty()) {
      String expected = declared.fieldNames().iterator().next();
      String actual = response.getHeader("Content-Type");
      if (actual == null || !actual.startsWith(expected)) {
        throw new AssertionError(
            where(method, pathTemplate, response.statusCode())
                + " content type "
                + actual
                + ", declared "
                + expected);
      }
    }
    assertResponseMatches(method, pathTemplate, response.statusCode(), response.body());
  }

  /**
   * The document's path template a concrete path matches ({@code /api/sessions/42/end} → {@code
   * /api/sessions/{id}/end}).
   */
  public static String template(String path) {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (DOCUMENT.getJsonObject("paths").containsKey(bare)) {
      return bare;
    }
    return DOCUMENT.getJsonObject("paths").fieldNames().stream()
        .filter(t -> Pattern.matches(t.replaceAll("\\{[^/]+}", "[^/]+"), bare))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no path in openapi.json matches " + bare));
  }

  private static JsonObject response(String method, String pathTemplate, int status) {
    JsonObject path = DOCUMENT.getJsonObject("paths").getJsonObject(pathTemplate);
    if (path == null) {
      throw new AssertionError("openapi.json has no path " + pathTemplate);
    }
    JsonObject operation = path.getJsonObject(method.toLowerCase(Locale.ROOT));
    if (operation == null) {
      throw new AssertionError("openapi.json has no " + method + " " + pathTemplate);
    }
    JsonObject response =
        operation.getJsonObject("responses").getJsonObject(String.valueOf(status));
    if (response == null) {
      throw new AssertionError(where(method, pathTemplate, status) + " is not a declared response");
    }
    return resolve(response);
  }

  /** Follows a {@code $ref} to {@code #/components/responses/...}. */
  private static JsonObject resolve(JsonObject node) {
    String ref = node.getString("$ref");
    if (ref == null) {
      return node;
    }
    JsonObject target = DOCUMENT;
    for (String part : ref.substring(2).split("/")) {
      target = target.getJsonObject(part.replace("~1", "/").replace("~0", "~"));
    }
    return target;
  }

  private static Object parse(Buffer buffer) {
    String text = buffer.toString().strip();
    if (text.startsWith("{")) {
      return new JsonObject(text);
    }
    return text.startsWith("[") ? new JsonArray(text) : io.vertx.core.json.Json.decodeValue(text);
  }

  private static String where(String method, String path, int status) {
    return method + " " + path + " → " + status;
  }

  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  /** Schemas cut out of the document keep working when their "#/..." refs name the document. */
  private static Object absoluteRefs(Object node) {
    if (node instanceof JsonObject object) {
      object
          .fieldNames()
          .forEach(
              name -> {
                Object value = object.getValue(name);
                if (name.equals("$ref") && value instanceof String ref && ref.startsWith("#")) {
                  object.put(name, BASE + ref);
                } else {
                  absoluteRefs(value);
                }
              });
    } else if (node instanceof JsonArray array) {
      array.forEach(OpenApiContract::absoluteRefs);
    }
    return node;
  }

  private static JsonObject load() {
    try (InputStream in =
        OpenApiContract.class.getClassLoader().getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is not on the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
