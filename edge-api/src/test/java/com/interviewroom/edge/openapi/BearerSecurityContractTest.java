package com.interviewroom.edge.openapi;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.payment.StripeFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every operation the served document says needs a bearer token, found by reading its {@code
 * security} (the operation's own, else the document's), refuses a call without one.
 */
class BearerSecurityContractTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
  private static final Pattern PARAMETER = Pattern.compile("\\{([^/}]+)}");

  /**
   * Values tried, in order, for a path parameter that is not a UUID: the first its pattern accepts
   * is used.
   */
  private static final List<String> SAMPLES =
      List.of("two-sum", "pi_" + UUID.randomUUID().toString().replace("-", ""));

  private static StripeFixture fx;

  @BeforeAll
  static void start() {
    fx = StripeFixture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  /**
   * True when every alternative of the effective requirement names the bearer scheme, so no token
   * cannot pass.
   */
  private static boolean needsBearer(JsonObject document, JsonObject operation) {
    JsonArray security =
        operation.containsKey("security")
            ? operation.getJsonArray("security")
            : document.getJsonArray("security");
    return security != null
        && !security.isEmpty()
        && security.stream()
            .allMatch(requirement -> ((JsonObject) requirement).containsKey("bearer"));
  }

  private static String concretePath(String template, JsonObject operation) {
    Matcher matcher = PARAMETER.matcher(template);
    StringBuilder path = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(
          path, Matcher.quoteReplacement(sample(matcher.group(1), operation)));
    }
    return matcher.appendTail(path).toString();
  }

  private static String sample(String name, JsonObject operation) {
    JsonObject schema =
        operation.getJsonArray("parameters", new JsonArray()).stream()
            .map(JsonObject.class::cast)
            .filter(p -> "path".equals(p.getString("in")) && name.equals(p.getString("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("path parameter " + name + " is not declared"))
            .getJsonObject("schema");
    if ("uuid".equals(schema.getString("format"))) {
      return UUID.randomUUID().toString();
    }
    String pattern = schema.getString("pattern");
    return SAMPLES.stream()
        .filter(s -> pattern == null || Pattern.compile(pattern).matcher(s).find())
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no sample value fits path parameter " + name + " (" + pattern + ")"));
  }

  @Test
  @DisplayName(
      "every operation the document secures with a bearer token answers a call without one with a 401 problem")
  void securedOperationsRefuseAnonymousCalls() {
    JsonObject document =
        await(fx.server.client.get("/api/openapi.json").send()).bodyAsJsonObject();
    JsonObject paths = document.getJsonObject("paths");
    List<String> secured = new ArrayList<>();
    List<String> open = new ArrayList<>();
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        JsonObject operation = item.getJsonObject(method);
        String name = method.toUpperCase(Locale.ROOT) + " " + template;
        if (!needsBearer(document, operation)) {
          open.add(name);
          continue;
        }
        secured.add(name);
        HttpRequest<Buffer> request =
            fx.server.client.request(
                HttpMethod.valueOf(name.split(" ")[0]), concretePath(template, operation));
        HttpResponse<Buffer> response =
            await(
                "post".equals(method) || "patch".equals(method)
                    ? request.sendJsonObject(new JsonObject())
                    : request.send());
        assertThat(response.statusCode()).as(name + ": " + response.bodyAsString()).isEqualTo(401);
        assertThat(response.getHeader("Content-Type"))
            .as(name)
            .startsWith("application/problem+json");
        OpenApiContract.assertProblem(response.body());
        OpenApiContract.assertResponseMatches(method.toUpperCase(Locale.ROOT), template, response);
      }
    }
    // the document was read, not a list: the public operations it declares are the ones skipped
    assertThat(secured)
        .contains("GET /api/sessions", "POST /api/sessions/{id}/end", "GET /api/users/profile");
    assertThat(open)
        .contains(
            "POST /api/auth/signup",
            "POST /api/payments/webhook",
            "GET /api/openapi.json",
            "GET /api/problems/{slug}",
            "POST /api/auth/refresh",
            "GET /api/legal");
  }
}
