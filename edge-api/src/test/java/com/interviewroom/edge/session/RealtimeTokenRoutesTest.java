package com.interviewroom.edge.session;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.Audiences;
import com.interviewroom.common.auth.VerifiedToken;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.TestUser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RealtimeTokenRoutesTest extends EdgeTest.WithProblemBank {
  private static HttpResponse<Buffer> token(TestUser user, Object sessionId) {
    return user.post("/api/realtime/token", new JsonObject().put("sessionId", sessionId));
  }

  @Test
  @DisplayName(
      "a scheduled or active session of the caller gets a fresh one-time realtime token (≤ 60 s, its own audience), no-store")
  void issues() {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    HttpResponse<Buffer> scheduled = token(user, id.toString());
    assertThat(scheduled.statusCode()).isEqualTo(200);
    assertThat(scheduled.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = scheduled.bodyAsJsonObject();
    assertThat(body.getLong("expiresIn")).isBetween(1L, 60L);
    VerifiedToken token =
        await(server.context.verifier().verify(body.getString("token"), Audiences.REALTIME));
    assertThat(token.userId()).isEqualTo(user.id());
    assertThat(token.claim("sid")).isEqualTo(id.toString());
    assertThat(token.expiresAt()).isBefore(Instant.now().plus(Duration.ofSeconds(61)));
    assertThat(
            await(
                server
                    .context
                    .verifier()
                    .verify(body.getString("token"), Audiences.API)
                    .otherwiseEmpty()))
        .isNull();

    TestSessions.activate(server, id);
    JsonObject again = token(user, id.toString()).bodyAsJsonObject();
    VerifiedToken second =
        await(server.context.verifier().verify(again.getString("token"), Audiences.REALTIME));
    assertThat(second.jwtId()).isNotEqualTo(token.jwtId());
  }

  @Test
  @DisplayName(
      "an ended session gets 409, another user's session 404, a malformed id or a non-UUID string 400")
  void refuses() {
    TestUser owner = TestUser.signup(server);
    TestUser intruder = TestUser.signup(server);
    UUID id = owner.start("two-sum");
    HttpResponse<Buffer> foreign = token(intruder, id.toString());
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.bodyAsJsonObject().getString("code")).isEqualTo("session_not_found");
    assertThat(token(owner, UUID.randomUUID().toString()).statusCode()).isEqualTo(404);
    assertThat(token(owner, 12).statusCode()).isEqualTo(400);
    for (String malformed : new String[] {"nope", id + "x", "../" + id, ""}) {
      HttpResponse<Buffer> refused = token(owner, malformed);
      assertThat(refused.statusCode()).as(malformed).isEqualTo(400);
      assertThat(
              refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo("sessionId");
    }
    HttpResponse<Buffer> missing =
        owner.post("/api/realtime/token", new JsonObject().putNull("sessionId"));
    assertThat(missing.statusCode()).isEqualTo(400);
    owner.postEmpty("/api/sessions/" + id + "/end");
    HttpResponse<Buffer> ended = token(owner, id.toString());
    assertThat(ended.statusCode()).isEqualTo(409);
    assertThat(ended.bodyAsJsonObject().getString("code")).isEqualTo("session_ended");
    assertThat(
            await(
                    server
                        .client
                        .post("/api/realtime/token")
                        .sendJsonObject(new JsonObject().put("sessionId", id.toString())))
                .statusCode())
        .isEqualTo(401);
  }
}
