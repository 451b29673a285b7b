package com.interviewroom.edge.web;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.EdgeVerticle;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.openapi.OpenApiContract;
import com.interviewroom.edge.session.TestSessions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cross-cutting input rules of the edge: the body size limit, and routes that take no input
 * refusing any.
 */
class RequestInputTest extends EdgeTest.WithProblemBank {
  private static UUID activeSession(TestUser user) {
    UUID id = user.start("two-sum");
    TestSessions.activate(server, id);
    return id;
  }

  private static HttpResponse<Buffer> send(
      TestUser user, HttpMethod method, String path, Buffer body) {
    var request =
        server
            .client
            .request(method, path)
            .putHeader("Authorization", user.authorization())
            .putHeader("Content-Type", "application/json");
    return await(body == null ? request.send() : request.sendBuffer(body));
  }

  /** A valid JSON object whose encoding is just over the body limit. */
  private static Buffer overLimit(JsonObject fields) {
    int padding = (int) EdgeVerticle.BODY_LIMIT_BYTES + 1024;
    return Buffer.buffer(fields.put("code", "a".repeat(padding)).encode());
  }

  private static void assertTooLarge(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("payload_too_large");
    assertThat(response.bodyAsJsonObject().getString("requestId")).isNotBlank();
  }

  @Test
  @DisplayName(
      "a body over the 128 KB limit is a 413 problem on the snapshot route and on the profile, and changes nothing")
  void bodyLimit() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    String code = "/api/sessions/" + id + "/code";
    HttpResponse<Buffer> snapshot =
        send(
            user,
            HttpMethod.POST,
            code,
            overLimit(
                new JsonObject()
                    .put("language", "python")
                    .put("snapshotType", "manual")
                    .put("timestampMs", 1)));
    assertTooLarge(snapshot);
    OpenApiContract.assertResponseMatches("POST", "/api/sessions/{id}/code", snapshot);
    HttpResponse<Buffer> profile =
        send(user, HttpMethod.PATCH, "/api/users/profile", overLimit(new JsonObject()));
    assertTooLarge(profile);
    OpenApiContract.assertResponseMatches("PATCH", "/api/users/profile", profile);

    int stored =
        user.serviceQuery(
            "SELECT count(*) AS n FROM code_snapshots WHERE session_id = $1",
            Tuple.of(id),
            rows -> rows.iterator().next().getInteger("n"));
    assertThat(stored).isZero();
    // just under the limit the same route reads the body and applies its own 50 KB rule
    HttpResponse<Buffer> under =
        send(
            user,
            HttpMethod.POST,
            code,
            Buffer.buffer(
                new JsonObject()
                    .put("code", "a".repeat(100_000))
                    .put("language", "python")
                    .put("snapshotType", "manual")
                    .put("timestampMs", 1)
                    .encode()));
    assertThat(under.statusCode()).isEqualTo(413);
    assertThat(under.bodyAsJsonObject().getString("code")).isEqualTo("code_too_large");
  }

  @Test
  @DisplayName("a chunked body (no Content-Length) is cut off at the limit too")
  void chunkedBodyLimit() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    HttpClient http = server.vertx.createHttpClient();
    try {
      Buffer body =
          overLimit(
              new JsonObject()
                  .put("language", "python")
                  .put("snapshotType", "manual")
                  .put("timestampMs", 1));
      HttpClientResponse response =
          await(
              http.request(
                      new RequestOptions()
                          .setMethod(HttpMethod.POST)
                          .setHost("127.0.0.1")
                          .setPort(server.port())
                          .setURI("/api/sessions/" + id + "/code")
                          .putHeader("Authorization", user.authorization())
                          .putHeader("Content-Type", "application/json"))
                  .compose(
                      request -> {
                        request.setChunked(true);
                        for (int offset = 0; offset < body.length(); offset += 16 * 1024) {
                          request.write(
                              body.slice(offset, Math.min(body.length(), offset + 16 * 1024)));
                        }
                        return request.end().compose(done -> request.response());
                      }));
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    } finally {
      await(http.close());
    }
  }

  @Test
  @DisplayName(
      "routes that take no input refuse any query parameter or body field with one 400 naming each")
  void noInputRoutes() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    List<String[]> routes =
        List.of(
            new String[] {"GET", "/api/problems/two-sum", "/api/problems/{slug}"},
            new String[] {"GET", "/api/sessions/" + id, "/api/sessions/{id}"},
            new String[] {"POST", "/api/sessions/" + id + "/end", "/api/sessions/{id}/end"},
            new String[] {"GET", "/api/users/profile", "/api/users/profile"},
            new String[] {"GET", "/api/users/data-export", "/api/users/data-export"},
            new String[] {"DELETE", "/api/users/data", "/api/users/data"},
            new String[] {"GET", "/api/me", "/api/me"});
    for (String[] route : routes) {
      HttpMethod method = HttpMethod.valueOf(route[0]);
      HttpResponse<Buffer> query = send(user, method, route[1] + "?verbose=1&page=2", null);
      assertThat(query.statusCode()).as(route[1] + " with a query").isEqualTo(400);
      assertThat(fields(query)).as(route[1]).containsExactly("page", "verbose");
      OpenApiContract.assertResponseMatches(route[0], route[2], query);

      HttpResponse<Buffer> body =
          send(user, method, route[1], Buffer.buffer(new JsonObject().put("force", true).encode()));
      assertThat(body.statusCode()).as(route[1] + " with a body").isEqualTo(400);
      assertThat(fields(body)).as(route[1]).containsExactly("force");

      HttpResponse<Buffer> notJson = send(user, method, route[1], Buffer.buffer("force=true"));
      assertThat(notJson.statusCode()).as(route[1] + " with a form body").isEqualTo(400);
      assertThat(fields(notJson)).as(route[1]).containsExactly("body");
    }
    HttpResponse<Buffer> both =
        send(
            user,
            HttpMethod.POST,
            "/api/sessions/" + id + "/end?now=1",
            Buffer.buffer(new JsonObject().put("reason", "done").encode()));
    assertThat(fields(both)).containsExactlyInAnyOrder("now", "reason");

    // nothing was done by the refused calls; an empty JSON object is no input and is fine
    String status =
        user.serviceQuery(
            "SELECT status FROM sessions WHERE id = $1",
            Tuple.of(id),
            rows -> rows.iterator().next().getString("status"));
    assertThat(status).isEqualTo("active");
    assertThat(
            send(user, HttpMethod.POST, "/api/sessions/" + id + "/end", Buffer.buffer("{}"))
                .statusCode())
        .isEqualTo(200);
    assertThat(send(user, HttpMethod.GET, "/api/users/profile", Buffer.buffer("")).statusCode())
        .isEqualTo(200);
    assertThat(user.get("/api/problems/two-sum").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("PATCH /api/users/profile refuses unknown query parameters too")
  void patchRefusesQuery() {
    TestUser user = TestUser.signup(server);
    HttpResponse<Buffer> response =
        send(
            user,
            HttpMethod.PATCH,
            "/api/users/profile?admin=true",
            Buffer.buffer(new JsonObject().put("displayName", "Ada").encode()));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(fields(response)).containsExactly("admin");
    String name =
        user.serviceQuery(
            "SELECT display_name FROM profiles WHERE user_id = $1",
            Tuple.of(user.id()),
            rows -> rows.iterator().next().getString("display_name"));
    assertThat(name).isNull();
  }

  private static List<String> fields(HttpResponse<Buffer> response) {
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("validation_failed");
    return response.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field"))
        .toList();
  }
}
