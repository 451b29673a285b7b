package com.interviewroom.edge.openapi;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.edge.EdgeServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The served document and real responses of the routes on this branch, checked against it. */
class OpenApiContractTest {
  /** Every route of DESIGN.md's REST contract, plus the seed's billing routes. */
  private static final List<String> CONTRACT = List.of(
      "POST /api/auth/signup", "POST /api/auth/login",
      "GET /api/users/profile", "PATCH /api/users/profile", "GET /api/users/data-export", "DELETE /api/users/data",
      "GET /api/problems", "GET /api/problems/{slug}", "GET /api/problems/random",
      "POST /api/sessions/start", "GET /api/sessions", "GET /api/sessions/{id}", "POST /api/sessions/{id}/end",
      "POST /api/sessions/{id}/code", "POST /api/sessions/{id}/execute", "GET /api/sessions/{id}/evaluation",
      "POST /api/realtime/token", "GET /api/billing/plans", "POST /api/payments/create-intent", "POST /api/payments/webhook",
      "POST /api/subscriptions/create", "POST /api/subscriptions/cancel", "GET /api/subscriptions/portal");

  private static EdgeServer server;

  @BeforeAll
  static void start() {
    server = EdgeServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    HttpResponse<Buffer> response = await(server.client.post(path).sendJsonObject(body));
    OpenApiContract.assertResponseMatches("POST", path, response);
    return response;
  }

  @Test
  @DisplayName("GET /api/openapi.json serves the OpenAPI 3.1 document, describing every route of the REST contract")
  void servedDocument() {
    HttpResponse<Buffer> response = await(server.client.get("/api/openapi.json").send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject served = response.bodyAsJsonObject();
    assertThat(served).isEqualTo(OpenApiContract.DOCUMENT);
    assertThat(served.getString("openapi")).startsWith("3.1");
    OpenApiContract.assertResponseMatches("GET", "/api/openapi.json", response);
    JsonObject paths = served.getJsonObject("paths");
    for (String route : CONTRACT) {
      String[] parts = route.split(" ");
      assertThat(paths.getJsonObject(parts[1])).as(route).isNotNull();
      assertThat(paths.getJsonObject(parts[1]).getJsonObject(parts[0].toLowerCase())).as(route).isNotNull();
    }
  }

  @Test
  @DisplayName("every secured operation declares its 401 and 429 problems, and every error response is problem+json")
  void errorsDeclared() {
    JsonObject paths = OpenApiContract.DOCUMENT.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        JsonObject operation = paths.getJsonObject(path).getJsonObject(method);
        JsonObject responses = operation.getJsonObject("responses");
        boolean secured = !operation.containsKey("security");
        if (secured) {
          assertThat(responses.fieldNames()).as(method + " " + path).contains("401", "429");
        }
        responses.fieldNames().stream().filter(status -> status.startsWith("4") || status.startsWith("5"))
            .forEach(status -> assertThat(responses.getJsonObject(status).getJsonObject("content").fieldNames())
                .as(method + " " + path + " " + status).containsExactly("application/problem+json"));
      }
    }
  }

  @Test
  @DisplayName("signup, login and their 400/401/409 problems match the document")
  void authResponses() {
    String email = "contract-" + UUID.randomUUID() + "@example.com";
    JsonObject credentials = new JsonObject().put("email", email).put("password", "contract password");
    assertThat(post("/api/auth/signup", credentials).statusCode()).isEqualTo(201);
    assertThat(post("/api/auth/signup", credentials).statusCode()).isEqualTo(409);
    assertThat(post("/api/auth/login", credentials).statusCode()).isEqualTo(200);
    assertThat(post("/api/auth/login", credentials.copy().put("password", "wrong password")).statusCode()).isEqualTo(401);
    assertThat(post("/api/auth/signup", new JsonObject().put("email", "nope")).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("GET /api/me and its 401 match the document")
  void me() {
    JsonObject session = server.signup();
    HttpResponse<Buffer> ok = await(server.client.get("/api/me").putHeader("Authorization", EdgeServer.bearer(session)).send());
    assertThat(ok.statusCode()).isEqualTo(200);
    OpenApiContract.assertResponseMatches("GET", "/api/me", ok);
    HttpResponse<Buffer> refused = await(server.client.get("/api/me").putHeader("Authorization", "Bearer nonsense").send());
    assertThat(refused.statusCode()).isEqualTo(401);
    OpenApiContract.assertResponseMatches("GET", "/api/me", refused);
  }

  @Test
  @DisplayName("an unknown route is a 404 problem document")
  void unknownRoute() {
    HttpResponse<Buffer> response = await(server.client.get("/api/no-such-thing").send());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    OpenApiContract.assertProblem(response.body());
  }

  @Test
  @DisplayName("the validator itself refuses a body that breaks the schema and an undeclared status")
  void validatorCanFail() {
    assertThatThrownBy(() -> OpenApiContract.assertResponseMatches("GET", "/api/me", 200, new JsonObject().put("id", "x")))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> OpenApiContract.assertResponseMatches("GET", "/api/me", 418, new JsonObject()))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> OpenApiContract.assertProblem(new JsonObject().put("status", 400)))
        .isInstanceOf(AssertionError.class);
    assertThat(OpenApiContract.template("/api/sessions/" + UUID.randomUUID() + "/end")).isEqualTo("/api/sessions/{id}/end");
  }
}
