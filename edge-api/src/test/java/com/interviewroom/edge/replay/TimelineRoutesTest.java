package com.interviewroom.edge.replay;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.TestUser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimelineRoutesTest extends EdgeTest.WithProblemBank {
  /** A session with lines and snapshots inserted out of order, at minutes after its start. */
  private static UUID heldSession(TestUser user) {
    UUID session = user.start("two-sum");
    user.serviceQuery(
        """
        UPDATE sessions SET status = 'completed', started_at = now() - interval '30 minutes', ended_at = now() WHERE id = $1""",
        Tuple.of(session),
        rows -> null);
    user.serviceQuery(
        """
        INSERT INTO transcripts (session_id, item_id, role, text, turn_started_at) VALUES
          ($1, 'item_c', 'user', 'third', now() - interval '10 minutes'),
          ($1, 'item_a', 'assistant', 'first <b>not markup</b>', now() - interval '29 minutes'),
          ($1, 'item_s', 'system', 'an instruction to the model', now() - interval '28 minutes'),
          ($1, 'item_b', 'user', 'second', now() - interval '20 minutes')""",
        Tuple.of(session),
        rows -> null);
    user.serviceQuery(
        """
        INSERT INTO code_snapshots (session_id, code, language, snapshot_type, execution_result, created_at) VALUES
          ($1, 'v2', 'python', 'execution',
           '{"verdict": "accepted", "stdout": "printed", "tests": [{"id": "ex1", "hidden": false, "passed": true, "input": [1], "expected": 2},
                                                                   {"id": "h0", "hidden": true, "passed": false, "input": [3]}]}',
           now() - interval '15 minutes'),
          ($1, 'v1', 'python', 'auto', NULL, now() - interval '25 minutes'),
          ($1, 'v3', 'python', 'final', NULL, now())""",
        Tuple.of(session),
        rows -> null);
    return session;
  }

  @Test
  @DisplayName(
      "the owner reads the transcript (no system lines) and every snapshot in time order, runs as verdict and outcomes only")
  void ordered() {
    TestUser user = TestUser.signup(server);
    UUID session = heldSession(user);
    HttpResponse<Buffer> response = user.get("/api/sessions/" + session + "/timeline");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject timeline = response.bodyAsJsonObject();
    assertThat(timeline.getString("startedAt")).isNotNull();
    assertThat(timeline.getBoolean("truncated")).isFalse();
    assertThat(timeline.getBoolean("recorded")).isFalse();
    JsonArray lines = timeline.getJsonArray("transcript");
    assertThat(lines.stream().map(l -> ((JsonObject) l).getString("text")).toList())
        .containsExactly("first <b>not markup</b>", "second", "third");
    JsonArray snapshots = timeline.getJsonArray("snapshots");
    assertThat(snapshots.stream().map(s -> ((JsonObject) s).getString("code")).toList())
        .containsExactly("v1", "v2", "v3");
    JsonObject run = snapshots.getJsonObject(1).getJsonObject("run");
    assertThat(run.getString("verdict")).isEqualTo("accepted");
    assertThat(run.getBoolean("gradedAtEnd")).isFalse();
    assertThat(run.getInteger("passed")).isEqualTo(1);
    assertThat(run.getInteger("total")).isEqualTo(2);
    assertThat(run.getJsonArray("tests").getJsonObject(1))
        .isEqualTo(new JsonObject().put("id", "h0").put("hidden", true).put("passed", false));
    assertThat(snapshots.getJsonObject(0).getValue("run")).isNull();
    assertThat(response.bodyAsString())
        .doesNotContain("printed")
        .doesNotContain("\"input\"")
        .doesNotContain("expected")
        .doesNotContain("an instruction to the model");
  }

  @Test
  @DisplayName(
      "another user's session, a missing one and a malformed id are the same 404; a query parameter is a 400")
  void ownerOnly() {
    TestUser owner = TestUser.signup(server);
    TestUser stranger = TestUser.signup(server);
    UUID session = heldSession(owner);
    for (String path :
        new String[] {
          "/api/sessions/" + session + "/timeline",
          "/api/sessions/" + UUID.randomUUID() + "/timeline",
          "/api/sessions/not-a-uuid/timeline"
        }) {
      HttpResponse<Buffer> response = stranger.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("session_not_found");
    }
    assertThat(owner.get("/api/sessions/" + session + "/timeline?from=0").statusCode())
        .isEqualTo(400);
    assertThat(
            await(server.client.get("/api/sessions/" + session + "/timeline").send()).statusCode())
        .isEqualTo(401);
  }
}
