package com.interviewroom.edge.agents;

import com.interviewroom.common.http.Problems;
import com.interviewroom.session.model.SessionStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of {@link EvaluationInputs}: the session, its problem, transcript and snapshots. */
final class EvaluationInputsRepository {
  private static final String SESSION =
      """
      SELECT s.status, s.language, s.started_at, s.created_at, coalesce((s.usage->>'hintsGiven')::int, 0) AS hints, s.problem_id,
             p.slug, p.title, p.difficulty, p.description, p.function_signature, p.compare_mode, p.input_generator
      FROM sessions s JOIN problems p ON p.id = s.problem_id WHERE s.id = $1""";
  private static final String TRANSCRIPT =
      "SELECT item_id, role, text FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at, created_at";
  private static final String SNAPSHOTS =
      """
      SELECT id, snapshot_type, code, language, execution_result, created_at FROM code_snapshots
      WHERE session_id = $1 ORDER BY created_at, id""";

  private EvaluationInputsRepository() {}

  static Future<EvaluationInputs> load(SqlClient sql, UUID sessionId) {
    Tuple id = Tuple.of(sessionId);
    return sql.preparedQuery(SESSION)
        .execute(id)
        .compose(
            sessions -> {
              if (sessions.size() == 0) {
                return Future.failedFuture(Problems.notFound("No such session."));
              }
              Row s = sessions.iterator().next();
              if (SessionStatus.of(s.getString("status")).isLive()) {
                // a final evaluation of an interview still running would be stored and the real one
                // skipped
                return Future.failedFuture(
                    Problems.conflict(
                        "session_not_ended",
                        "The session has not ended yet; it is evaluated once it has."));
              }
              return sql.preparedQuery(TRANSCRIPT)
                  .execute(id)
                  .compose(
                      turns ->
                          sql.preparedQuery(SNAPSHOTS)
                              .execute(id)
                              .map(
                                  snaps -> {
                                    List<EvaluationInputs.Turn> transcript = new ArrayList<>();
                                    turns.forEach(
                                        r ->
                                            transcript.add(
                                                new EvaluationInputs.Turn(
                                                    r.getString("item_id"),
                                                    r.getString("role"),
                                                    r.getString("text"))));
                                    List<EvaluationInputs.Snapshot> snapshots = new ArrayList<>();
                                    snaps.forEach(
                                        r ->
                                            snapshots.add(
                                                new EvaluationInputs.Snapshot(
                                                    r.getUUID("id"),
                                                    r.getString("snapshot_type"),
                                                    r.getString("code"),
                                                    r.getString("language"),
                                                    r.getJsonObject("execution_result"),
                                                    r.getOffsetDateTime("created_at"))));
                                    JsonObject problem =
                                        new JsonObject()
                                            .put("id", s.getUUID("problem_id").toString())
                                            .put("slug", s.getString("slug"))
                                            .put("title", s.getString("title"))
                                            .put("difficulty", s.getString("difficulty"))
                                            .put("description", s.getString("description"))
                                            .put("function", s.getJsonObject("function_signature"))
                                            .put("compare", s.getString("compare_mode"))
                                            .put(
                                                "inputGenerator",
                                                s.getJsonObject("input_generator"));
                                    OffsetDateTime started =
                                        s.getOffsetDateTime("started_at") != null
                                            ? s.getOffsetDateTime("started_at")
                                            : s.getOffsetDateTime("created_at");
                                    return new EvaluationInputs(
                                        sessionId,
                                        s.getString("language"),
                                        problem,
                                        transcript,
                                        snapshots,
                                        s.getInteger("hints"),
                                        started);
                                  }));
            });
  }
}
