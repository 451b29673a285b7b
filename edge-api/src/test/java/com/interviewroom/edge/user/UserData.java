package com.interviewroom.edge.user;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.edge.EdgeServer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Rows in every user table for one user, written as the service role (as workers and webhooks
 * would).
 */
final class UserData {
  private UserData() {}

  /**
   * Inserts a session with a transcript, a snapshot, an evaluation, a payment, a subscription and a
   * ledger row; returns the session id.
   */
  static UUID fill(EdgeServer server, UUID userId) {
    String slug = "p-" + UUID.randomUUID();
    return await(
        server
            .db
            .asService(
                sql ->
                    sql.preparedQuery(
                            """
            INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes)
            VALUES ($1, 'T', 'easy', 'arrays', 'd', '{"name":"f","params":[],"returns":"int"}', 30) RETURNING id""")
                        .execute(Tuple.of(slug))
                        .map(rows -> rows.iterator().next().getUUID("id"))
                        .compose(
                            problemId ->
                                sql.preparedQuery(
                                        """
                INSERT INTO sessions (user_id, problem_id, language, status) VALUES ($1, $2, 'python', 'completed') RETURNING id""")
                                    .execute(Tuple.of(userId, problemId))
                                    .map(rows -> rows.iterator().next().getUUID("id")))
                        .compose(
                            sessionId ->
                                sql.preparedQuery(
                                        """
                WITH t AS (INSERT INTO transcripts (session_id, item_id, role, text) VALUES ($1, 'item-1', 'user', 'hello there')),
                     c AS (INSERT INTO code_snapshots (session_id, code, language, snapshot_type) VALUES ($1, 'print(1)', 'python', 'final')),
                     e AS (INSERT INTO evaluations (session_id, status, overall_score) VALUES ($1, 'completed', 3.5)),
                     p AS (INSERT INTO payments (user_id, package_id, amount_cents, status, credits)
                           VALUES ($2, 'starter', 900, 'succeeded', 5) RETURNING id),
                     s AS (INSERT INTO subscriptions (user_id, plan, status) VALUES ($2, 'pro', 'active')),
                     v AS (INSERT INTO events (user_id, session_id, kind) VALUES ($2, $1, 'session.ended')),
                     i AS (INSERT INTO user_identities (user_id, provider, subject, email)
                           VALUES ($2, 'github', $2::text, 'linked@example.com'))
                INSERT INTO credit_transactions (user_id, delta, reason, session_id, payment_id)
                SELECT $2, 5, 'purchase', $1, id FROM p""")
                                    .execute(Tuple.of(sessionId, userId))
                                    .map(done -> sessionId))
                        .compose(
                            sessionId ->
                                sql.preparedQuery(
                                        """
                INSERT INTO recordings (session_id, user_id, key_prefix, started_at) VALUES ($1, $2, $3, now())""")
                                    // a recording row without chunks: presigning needs a store,
                                    // which this server may not have
                                    .execute(
                                        Tuple.of(
                                            sessionId,
                                            userId,
                                            "u/" + userId + "/s/" + sessionId + "/1765000000000/"))
                                    .map(done -> sessionId))
                        .compose(
                            sessionId ->
                                sql.preparedQuery(
                                        """
                INSERT INTO cost_entries (event_key, session_id, provider, model, day, usage, usd, price_version)
                VALUES ($1, $2, 'sandbox', 'sandbox', current_date, '{}', 0, 'fixture')""")
                                    .execute(Tuple.of("fixture:" + sessionId, sessionId))
                                    .map(done -> sessionId)))
            // only the owner role writes grants (V12): as the CLI would
            .compose(
                sessionId ->
                    server
                        .db
                        .pool()
                        .preparedQuery(
                            "INSERT INTO admins (user_id, granted_by) VALUES ($1, 'user-data-fixture')")
                        .execute(Tuple.of(userId))
                        .map(done -> sessionId))
            // what the operator console keeps of the session (V15), as its failure detector writes
            // it
            .compose(
                sessionId ->
                    server
                        .db
                        .pool()
                        .preparedQuery(
                            """
                WITH f AS (INSERT INTO failures (session_id, kind, severity, dedup_key) VALUES ($1, 'socket_drops', 'low', $2)),
                     h AS (INSERT INTO session_health (session_id, score, breakdown, failure_count) VALUES ($1, 95, '{}', 1))
                INSERT INTO alert_deliveries (dedup_key, session_id, text) VALUES ($2, $1, 'fixture alert')""")
                        .execute(Tuple.of(sessionId, "fixture:" + sessionId))
                        .map(done -> sessionId)));
  }

  /**
   * Rows per user table that belong to {@code userId} or to one of {@code sessionIds}, counted as
   * the service role.
   */
  static Map<String, Long> rowsOf(EdgeServer server, UUID userId, List<UUID> sessionIds) {
    return await(
        server.db.asService(
            sql ->
                sql.query(
                        """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.column_name IN ('user_id', 'session_id')
               OR (c.table_schema = 'public' AND c.table_name = 'users' AND c.column_name = 'id')
             ORDER BY 1, 2""")
                    .execute()
                    .compose(
                        columns -> {
                          Map<String, Long> counts = new LinkedHashMap<>();
                          io.vertx.core.Future<Void> chain = io.vertx.core.Future.succeededFuture();
                          for (Row column : columns) {
                            String table = column.getString("table_name");
                            String name = column.getString("column_name");
                            String where =
                                name.equals("session_id") ? name + " = ANY($1)" : name + " = $1";
                            Object key =
                                name.equals("session_id")
                                    ? sessionIds.toArray(UUID[]::new)
                                    : userId;
                            chain =
                                chain.compose(
                                    done ->
                                        sql.preparedQuery(
                                                "SELECT count(*) AS n FROM "
                                                    + table
                                                    + " WHERE "
                                                    + where)
                                            .execute(Tuple.of(key))
                                            .map(
                                                rows -> {
                                                  counts.merge(
                                                      table,
                                                      rows.iterator().next().getLong("n"),
                                                      Long::sum);
                                                  return null;
                                                }));
                          }
                          return chain.map(done -> counts);
                        })));
  }

  /** A count query with one parameter, as the service role. */
  static long count(EdgeServer server, String sql, Object param) {
    return await(
        server.db.asService(
            c ->
                c.preparedQuery(sql)
                    .execute(Tuple.of(param))
                    .map(rows -> rows.iterator().next().getLong("n"))));
  }

  /** Moves the deletion of {@code userId} {@code days} into the past. */
  static void backdateDeletion(EdgeServer server, UUID userId, int days) {
    await(
        server.db.asService(
            c ->
                c.preparedQuery(
                        "UPDATE users SET deleted_at = now() - make_interval(days => $2) WHERE id = $1 AND deleted_at IS NOT NULL")
                    .execute(Tuple.of(userId, days))
                    .map(
                        rows -> {
                          if (rows.rowCount() != 1) {
                            throw new IllegalStateException("no deleted account " + userId);
                          }
                          return null;
                        })));
  }
}
