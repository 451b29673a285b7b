package com.interviewroom.edge;

import static com.interviewroom.edge.EdgeServer.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Function;

/**
 * A signed-up user of an {@link EdgeServer}, with one-line calls for the session and problem tests.
 */
public record TestUser(EdgeServer server, UUID id, String authorization) {

  public static TestUser signup(EdgeServer server) {
    JsonObject session = server.signup();
    return new TestUser(
        server,
        UUID.fromString(session.getJsonObject("user").getString("id")),
        EdgeServer.bearer(session));
  }

  public HttpResponse<Buffer> get(String path) {
    return await(
        server
            .client
            .request(HttpMethod.GET, path)
            .putHeader("Authorization", authorization)
            .send());
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(
        server
            .client
            .request(HttpMethod.POST, path)
            .putHeader("Authorization", authorization)
            .sendJsonObject(body));
  }

  public HttpResponse<Buffer> postEmpty(String path) {
    return await(
        server
            .client
            .request(HttpMethod.POST, path)
            .putHeader("Authorization", authorization)
            .send());
  }

  /** Starts a session on {@code slug} and returns its id; fails the test on anything but 201. */
  public UUID start(String slug) {
    HttpResponse<Buffer> response =
        post(
            "/api/sessions/start",
            new JsonObject().put("problemSlug", slug).put("language", "python"));
    if (response.statusCode() != 201) {
      throw new AssertionError(
          "start failed: " + response.statusCode() + " " + response.bodyAsString());
    }
    return UUID.fromString(response.bodyAsJsonObject().getString("sessionId"));
  }

  public int credits() {
    return serviceQuery(
        "SELECT credits FROM profiles WHERE user_id = $1",
        Tuple.of(id),
        rows -> rows.iterator().next().getInteger("credits"));
  }

  /** Sets the balance through the ledger (an admin adjustment), as support would. */
  public void setCredits(int target) {
    int delta = target - credits();
    if (delta != 0) {
      serviceQuery(
          "INSERT INTO credit_transactions (user_id, delta, reason) VALUES ($1, $2, 'admin_adjustment')",
          Tuple.of(id, delta),
          rows -> null);
    }
  }

  public <T> T serviceQuery(String sql, Tuple args, Function<RowSet<Row>, T> map) {
    return await(server.db.asService(conn -> conn.preparedQuery(sql).execute(args).map(map)));
  }
}
