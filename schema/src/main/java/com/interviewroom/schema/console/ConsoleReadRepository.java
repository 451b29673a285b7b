package com.interviewroom.schema.console;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the operator console reads, as {@code app_console} (V15: column grants and policies; a
 * soft-deleted account's sessions are not shown). Every statement is bounded by a time range or a
 * session id and served by an index (docs/database.md, "Operator console"); the benchmark in {@code
 * bench/admin-analytics.sh} holds them to p95 200 ms over 100,000 sessions.
 */
public final class ConsoleReadRepository {
  private static final String LIST =
      """
      SELECT s.id, s.status, s.provider, s.language, s.created_at, s.started_at, s.ended_at, s.duration_seconds,
             s.end_reason, p.slug, p.title, coalesce(h.score, 100) AS health, coalesce(h.failure_count, 0) AS failures
      FROM sessions s JOIN problems p ON p.id = s.problem_id LEFT JOIN session_health h ON h.session_id = s.id
      WHERE s.created_at >= $1 AND s.created_at < $2""";
  private static final String SESSION =
      """
      SELECT s.id, s.user_id, s.status, s.provider, s.language, s.created_at, s.started_at, s.ended_at, s.duration_seconds,
             s.end_reason, s.credit_refunded, p.slug, p.title, p.difficulty, h.score, h.breakdown
      FROM sessions s JOIN problems p ON p.id = s.problem_id LEFT JOIN session_health h ON h.session_id = s.id
      WHERE s.id = $1""";
  private static final String TRANSCRIPT =
      """
      SELECT item_id, role, text, turn_started_at FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at, item_id LIMIT 2000""";
  private static final String EVENTS =
      "SELECT id, kind, payload, created_at FROM events WHERE session_id = $1 ORDER BY id LIMIT 500";
  private static final String FAILURES =
      """
      SELECT id, kind, severity, status, evidence, detected_at, updated_at FROM failures WHERE session_id = $1 ORDER BY detected_at, id""";
  private static final String EVALUATION =
      "SELECT status, overall_score, recommendation, error FROM evaluations WHERE session_id = $1";
  private static final String SUMMARY =
      """
      SELECT count(*) AS sessions,
             count(*) FILTER (WHERE s.status = 'completed') AS completed,
             count(*) FILTER (WHERE s.status IN ('completed', 'abandoned', 'errored')) AS ended,
             count(*) FILTER (WHERE s.status = 'errored') AS errored,
             count(h.session_id) AS with_failures,
             avg(coalesce(h.score, 100)) AS average_health
      FROM sessions s LEFT JOIN session_health h ON h.session_id = s.id
      WHERE s.created_at >= $1 AND s.created_at < $2""";
  private static final String PROVIDER_MIX =
      """
      SELECT coalesce(provider, 'none') AS provider, count(*) AS sessions FROM sessions
      WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 2 DESC""";
  private static final String SCORES =
      """
      SELECT avg(e.overall_score) AS average_score, count(*) AS evaluated
      FROM evaluations e JOIN sessions s ON s.id = e.session_id
      WHERE e.status = 'completed' AND s.created_at >= $1 AND s.created_at < $2""";
  private static final String FAILURE_TOTALS =
      """
      SELECT severity, count(*) AS failures, count(*) FILTER (WHERE status = 'open') AS open
      FROM failures WHERE detected_at >= $1 AND detected_at < $2 GROUP BY severity""";
  private static final String TRENDS =
      """
      SELECT (detected_at AT TIME ZONE 'UTC')::date AS day, kind, count(*) AS failures
      FROM failures WHERE detected_at >= $1 AND detected_at < $2 GROUP BY 1, 2 ORDER BY 1, 2""";
  private static final String PATTERNS =
      """
      WITH f AS (SELECT kind, session_id, provider, problem_id FROM failures WHERE detected_at >= $1 AND detected_at < $2)
      SELECT kind, 'total' AS dimension, NULL::text AS key, count(*) AS failures, count(DISTINCT session_id) AS sessions FROM f GROUP BY kind
      UNION ALL
      SELECT kind, 'problem', problem_id::text, count(*), count(DISTINCT session_id) FROM f GROUP BY kind, problem_id
      UNION ALL
      SELECT kind, 'provider', coalesce(provider, 'none'), count(*), count(DISTINCT session_id) FROM f GROUP BY kind, provider""";
  private static final String PROBLEM_NAMES =
      "SELECT id::text AS id, slug, title FROM problems WHERE id::text = ANY($1::text[])";

  private final Database db;

  public ConsoleReadRepository(Database db) {
    this.db = db;
  }

  /** A page of sessions, newest first, and the cursor of the next page (null on the last). */
  public Future<JsonObject> sessions(SessionFilter f) {
    StringBuilder sql = new StringBuilder(LIST);
    Tuple args = Tuple.of(f.from(), f.to());
    // only the filters given are in the statement, so the planner sees what it has to work with
    if (f.healthMin() > 0 || f.healthMax() < 100) {
      args.addInteger(f.healthMin()).addInteger(f.healthMax());
      sql.append(" AND coalesce(h.score, 100) BETWEEN $")
          .append(args.size() - 1)
          .append(" AND $")
          .append(args.size());
    }
    if (f.hasFailures() != null) {
      sql.append(f.hasFailures() ? " AND h.session_id IS NOT NULL" : " AND h.session_id IS NULL");
    }
    if (f.provider() != null) {
      if ("none".equals(f.provider())) {
        sql.append(" AND s.provider IS NULL");
      } else {
        args.addString(f.provider());
        sql.append(" AND s.provider = $").append(args.size());
      }
    }
    if (f.status() != null) {
      args.addString(f.status());
      sql.append(" AND s.status = $").append(args.size());
    }
    if (f.afterCreatedAt() != null) {
      args.addOffsetDateTime(f.afterCreatedAt()).addUUID(f.afterId());
      sql.append(" AND (s.created_at, s.id) < ($")
          .append(args.size() - 1)
          .append(", $")
          .append(args.size())
          .append(")");
    }
    args.addInteger(f.limit() + 1);
    sql.append(" ORDER BY s.created_at DESC, s.id DESC LIMIT $").append(args.size());
    return db.asConsole(null, conn -> conn.preparedQuery(sql.toString()).execute(args))
        .map(
            rows -> {
              JsonArray items = new JsonArray();
              Row last = null;
              int n = 0;
              for (Row r : rows) {
                if (n++ == f.limit()) {
                  break;
                }
                last = r;
                items.add(
                    new JsonObject()
                        .put("id", r.getUUID("id").toString())
                        .put("status", r.getString("status"))
                        .put("provider", r.getString("provider"))
                        .put("language", r.getString("language"))
                        .put(
                            "problem",
                            new JsonObject()
                                .put("slug", r.getString("slug"))
                                .put("title", r.getString("title")))
                        .put("createdAt", text(r.getOffsetDateTime("created_at")))
                        .put("startedAt", text(r.getOffsetDateTime("started_at")))
                        .put("endedAt", text(r.getOffsetDateTime("ended_at")))
                        .put("durationSeconds", r.getInteger("duration_seconds"))
                        .put("endReason", r.getString("end_reason"))
                        .put("health", r.getInteger("health"))
                        .put("failures", r.getInteger("failures")));
              }
              String next =
                  rows.size() > f.limit() && last != null
                      ? Cursor.encode(last.getOffsetDateTime("created_at"), last.getUUID("id"))
                      : null;
              return new JsonObject().put("items", items).put("nextCursor", next);
            });
  }

  /**
   * One session with its transcript, events, failures, health and evaluation; null when unknown (or
   * not shown).
   */
  public Future<JsonObject> session(UUID id) {
    return db.asConsole(
        null,
        conn ->
            conn.preparedQuery(SESSION)
                .execute(Tuple.of(id))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(null);
                      }
                      Row s = rows.iterator().next();
                      JsonObject health =
                          s.getValue("breakdown") instanceof JsonObject b
                              ? b
                              : HealthScore.of(List.of()).breakdown();
                      JsonObject session =
                          new JsonObject()
                              .put("id", id.toString())
                              .put("userId", s.getUUID("user_id").toString())
                              .put("status", s.getString("status"))
                              .put("provider", s.getString("provider"))
                              .put("language", s.getString("language"))
                              .put(
                                  "problem",
                                  new JsonObject()
                                      .put("slug", s.getString("slug"))
                                      .put("title", s.getString("title"))
                                      .put("difficulty", s.getString("difficulty")))
                              .put("createdAt", text(s.getOffsetDateTime("created_at")))
                              .put("startedAt", text(s.getOffsetDateTime("started_at")))
                              .put("endedAt", text(s.getOffsetDateTime("ended_at")))
                              .put("durationSeconds", s.getInteger("duration_seconds"))
                              .put("endReason", s.getString("end_reason"))
                              .put("creditRefunded", s.getBoolean("credit_refunded"))
                              .put(
                                  "health",
                                  s.getInteger("score") == null
                                      ? HealthScore.PERFECT
                                      : s.getInteger("score"))
                              .put("healthBreakdown", health);
                      return conn.preparedQuery(TRANSCRIPT)
                          .execute(Tuple.of(id))
                          .map(t -> session.put("transcript", transcript(t)))
                          .compose(v -> conn.preparedQuery(EVENTS).execute(Tuple.of(id)))
                          .map(e -> session.put("events", events(e)))
                          .compose(v -> conn.preparedQuery(FAILURES).execute(Tuple.of(id)))
                          .map(fs -> session.put("failures", failures(fs)))
                          .compose(v -> conn.preparedQuery(EVALUATION).execute(Tuple.of(id)))
                          .map(ev -> session.put("evaluation", evaluation(ev)));
                    }));
  }

  public Future<JsonObject> summary(OffsetDateTime from, OffsetDateTime to) {
    Tuple range = Tuple.of(from, to);
    return db.asConsole(
        null,
        conn ->
            Future.all(
                    List.of(
                        conn.preparedQuery(SUMMARY).execute(range),
                            conn.preparedQuery(PROVIDER_MIX).execute(range),
                        conn.preparedQuery(SCORES).execute(range),
                            conn.preparedQuery(FAILURE_TOTALS).execute(range)))
                .map(
                    all -> {
                      Row s = all.<RowSet<Row>>resultAt(0).iterator().next();
                      long sessions = s.getLong("sessions");
                      long ended = s.getLong("ended");
                      JsonArray mix = new JsonArray();
                      for (Row r : all.<RowSet<Row>>resultAt(1)) {
                        mix.add(
                            new JsonObject()
                                .put("provider", r.getString("provider"))
                                .put("sessions", r.getLong("sessions"))
                                .put("share", share(r.getLong("sessions"), sessions)));
                      }
                      Row scores = all.<RowSet<Row>>resultAt(2).iterator().next();
                      JsonObject bySeverity =
                          new JsonObject().put("low", 0L).put("medium", 0L).put("high", 0L);
                      long failures = 0;
                      long open = 0;
                      for (Row r : all.<RowSet<Row>>resultAt(3)) {
                        bySeverity.put(r.getString("severity"), r.getLong("failures"));
                        failures += r.getLong("failures");
                        open += r.getLong("open");
                      }
                      return new JsonObject()
                          .put("from", text(from))
                          .put("to", text(to))
                          .put("sessions", sessions)
                          .put("completed", s.getLong("completed"))
                          .put("errored", s.getLong("errored"))
                          .put("completionRate", share(s.getLong("completed"), ended))
                          .put("sessionsWithFailures", s.getLong("with_failures"))
                          .put("failureRate", share(s.getLong("with_failures"), sessions))
                          .put("averageHealth", round(s.getNumeric("average_health")))
                          .put("averageScore", round(scores.getNumeric("average_score")))
                          .put("evaluated", scores.getLong("evaluated"))
                          .put("providerMix", mix)
                          .put(
                              "failures",
                              new JsonObject()
                                  .put("total", failures)
                                  .put("open", open)
                                  .put("bySeverity", bySeverity));
                    }));
  }

  public Future<JsonObject> trends(OffsetDateTime from, OffsetDateTime to) {
    return db.asConsole(null, conn -> conn.preparedQuery(TRENDS).execute(Tuple.of(from, to)))
        .map(
            rows -> {
              Map<String, JsonObject> days = new LinkedHashMap<>();
              for (Row r : rows) {
                String day = r.getLocalDate("day").toString();
                JsonObject entry =
                    days.computeIfAbsent(
                        day,
                        d ->
                            new JsonObject()
                                .put("day", d)
                                .put("total", 0L)
                                .put("byKind", new JsonObject()));
                entry.getJsonObject("byKind").put(r.getString("kind"), r.getLong("failures"));
                entry.put("total", entry.getLong("total") + r.getLong("failures"));
              }
              return new JsonObject()
                  .put("from", text(from))
                  .put("to", text(to))
                  .put("days", new JsonArray(new ArrayList<>(days.values())));
            });
  }

  /** The top failure kinds, and for each the problems and providers its failures cluster on. */
  public Future<JsonObject> patterns(OffsetDateTime from, OffsetDateTime to, int top) {
    return db.asConsole(
        null,
        conn ->
            conn.preparedQuery(PATTERNS)
                .execute(Tuple.of(from, to))
                .compose(
                    rows -> {
                      Map<String, JsonObject> kinds = new HashMap<>();
                      Map<String, List<JsonObject>> problems = new HashMap<>();
                      Map<String, List<JsonObject>> providers = new HashMap<>();
                      List<String> problemIds = new ArrayList<>();
                      for (Row r : rows) {
                        String kind = r.getString("kind");
                        JsonObject counts =
                            new JsonObject()
                                .put("failures", r.getLong("failures"))
                                .put("sessions", r.getLong("sessions"));
                        switch (r.getString("dimension")) {
                          case "total" -> kinds.put(kind, counts.put("kind", kind));
                          case "problem" -> {
                            String pid = r.getString("key");
                            problems
                                .computeIfAbsent(kind, k -> new ArrayList<>())
                                .add(counts.put("problemId", pid));
                            if (pid != null && !problemIds.contains(pid)) {
                              problemIds.add(pid);
                            }
                          }
                          default ->
                              providers
                                  .computeIfAbsent(kind, k -> new ArrayList<>())
                                  .add(counts.put("provider", r.getString("key")));
                        }
                      }
                      return conn.preparedQuery(PROBLEM_NAMES)
                          .execute(Tuple.of(problemIds.toArray(String[]::new)))
                          .map(
                              names -> {
                                Map<String, Row> byId = new HashMap<>();
                                names.forEach(n -> byId.put(n.getString("id"), n));
                                long total =
                                    kinds.values().stream()
                                        .mapToLong(k -> k.getLong("failures"))
                                        .sum();
                                JsonArray out = new JsonArray();
                                kinds.values().stream()
                                    .sorted(
                                        (a, b) ->
                                            Long.compare(
                                                        b.getLong("failures"),
                                                        a.getLong("failures"))
                                                    != 0
                                                ? Long.compare(
                                                    b.getLong("failures"), a.getLong("failures"))
                                                : a.getString("kind")
                                                    .compareTo(b.getString("kind")))
                                    .limit(top)
                                    .forEach(
                                        k -> {
                                          String kind = k.getString("kind");
                                          long count = k.getLong("failures");
                                          k.put("share", share(count, total));
                                          k.put(
                                              "problems",
                                              topOf(
                                                  problems.getOrDefault(kind, List.of()),
                                                  count,
                                                  5,
                                                  p -> {
                                                    Row name = byId.get(p.getString("problemId"));
                                                    p.remove("problemId");
                                                    p.put(
                                                            "slug",
                                                            name == null
                                                                ? null
                                                                : name.getString("slug"))
                                                        .put(
                                                            "title",
                                                            name == null
                                                                ? null
                                                                : name.getString("title"));
                                                  }));
                                          k.put(
                                              "providers",
                                              topOf(
                                                  providers.getOrDefault(kind, List.of()),
                                                  count,
                                                  5,
                                                  p -> {}));
                                          out.add(k);
                                        });
                                return new JsonObject()
                                    .put("from", text(from))
                                    .put("to", text(to))
                                    .put("totalFailures", total)
                                    .put("patterns", out);
                              });
                    }));
  }

  private static JsonArray topOf(
      List<JsonObject> items,
      long kindTotal,
      int limit,
      java.util.function.Consumer<JsonObject> decorate) {
    JsonArray out = new JsonArray();
    items.stream()
        .sorted((a, b) -> Long.compare(b.getLong("failures"), a.getLong("failures")))
        .limit(limit)
        .forEach(
            item -> {
              decorate.accept(item);
              out.add(item.put("share", share(item.getLong("failures"), kindTotal)));
            });
    return out;
  }

  private static JsonArray transcript(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(
        r ->
            out.add(
                new JsonObject()
                    .put("itemId", r.getString("item_id"))
                    .put("role", r.getString("role"))
                    .put("text", r.getString("text"))
                    .put("at", text(r.getOffsetDateTime("turn_started_at")))));
    return out;
  }

  private static JsonArray events(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(
        r ->
            out.add(
                new JsonObject()
                    .put("id", r.getLong("id"))
                    .put("kind", r.getString("kind"))
                    .put("payload", r.getValue("payload"))
                    .put("at", text(r.getOffsetDateTime("created_at")))));
    return out;
  }

  static JsonArray failures(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(failure(r)));
    return out;
  }

  static JsonObject failure(Row r) {
    JsonObject f =
        new JsonObject()
            .put("id", r.getLong("id"))
            .put("kind", r.getString("kind"))
            .put("severity", r.getString("severity"))
            .put("status", r.getString("status"))
            .put("evidence", r.getValue("evidence"))
            .put("detectedAt", text(r.getOffsetDateTime("detected_at")))
            .put("updatedAt", text(r.getOffsetDateTime("updated_at")));
    if (r.getColumnIndex("session_id") >= 0) {
      f.put("sessionId", r.getUUID("session_id").toString());
    }
    return f;
  }

  private static JsonObject evaluation(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row r = rows.iterator().next();
    return new JsonObject()
        .put("status", r.getString("status"))
        .put("overallScore", round(r.getNumeric("overall_score")))
        .put("recommendation", r.getString("recommendation"))
        .put("error", r.getString("error"));
  }

  static String text(OffsetDateTime at) {
    return at == null ? null : at.toInstant().toString();
  }

  private static Double share(long part, long whole) {
    return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
  }

  private static Double round(io.vertx.sqlclient.data.Numeric n) {
    return n == null
        ? null
        : new BigDecimal(n.toString()).setScale(2, java.math.RoundingMode.HALF_UP).doubleValue();
  }

  /** The keyset cursor: opaque to clients, {@code <epoch micros>_<uuid>} in base64url. */
  public static final class Cursor {
    private Cursor() {}

    public static String encode(OffsetDateTime createdAt, UUID id) {
      long micros = createdAt.toEpochSecond() * 1_000_000 + createdAt.getNano() / 1_000;
      return java.util.Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((micros + "_" + id).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** {@code [createdAt, id]}, or null when the text is not a cursor of ours. */
    public static Object[] decode(String text) {
      try {
        String raw =
            new String(
                java.util.Base64.getUrlDecoder().decode(text),
                java.nio.charset.StandardCharsets.US_ASCII);
        int sep = raw.indexOf('_');
        long micros = Long.parseLong(raw.substring(0, sep));
        OffsetDateTime at =
            java.time.Instant.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L)
                .atOffset(java.time.ZoneOffset.UTC);
        return new Object[] {at, UUID.fromString(raw.substring(sep + 1))};
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
