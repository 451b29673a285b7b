package com.interviewroom.realtime.support;

import com.interviewroom.schema.Database;
import com.interviewroom.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** A fresh migrated database plus rows for a user with one charged, active session. */
public final class VoiceDb {
  public final Database db;

  public record Charged(UUID userId, UUID sessionId) {}

  public VoiceDb(Vertx vertx) {
    this.db = Database.connect(vertx, TestDatabase.freshDatabaseUrl(), 4);
  }

  /**
   * A user, a problem and an active session whose credit was spent (the way session start does it).
   */
  public Future<Charged> chargedSession() {
    String suffix = UUID.randomUUID().toString();
    return db.pool()
        .withTransaction(
            c ->
                c.preparedQuery(
                        "INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id")
                    .execute(Tuple.of("v-" + suffix + "@example.com"))
                    .compose(
                        u ->
                            c.preparedQuery(
                                    """
                    INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes)
                    VALUES ($1, 'Two Sum', 'easy', 'arrays', 'd', '{"name":"f","params":[],"returns":"int"}', 30) RETURNING id""")
                                .execute(Tuple.of("p-" + suffix))
                                .compose(
                                    p ->
                                        c.preparedQuery(
                                                """
                        INSERT INTO sessions (user_id, problem_id, language, status, started_at, deadline_at, credit_charged)
                        VALUES ($1, $2, 'python', 'active', now(), now() + interval '30 minutes', true) RETURNING id""")
                                            .execute(
                                                Tuple.of(
                                                    id(u.iterator().next()),
                                                    id(p.iterator().next())))
                                            .compose(
                                                s ->
                                                    c.preparedQuery(
                                                            "INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES ($1, -1, 'session_start', $2)")
                                                        .execute(
                                                            Tuple.of(
                                                                id(u.iterator().next()),
                                                                id(s.iterator().next())))
                                                        .map(
                                                            x ->
                                                                new Charged(
                                                                    id(u.iterator().next()),
                                                                    id(s.iterator().next())))))));
  }

  public Future<Row> session(UUID sessionId) {
    return db.pool()
        .preparedQuery(
            "SELECT status, provider, usage, credit_refunded FROM sessions WHERE id = $1")
        .execute(Tuple.of(sessionId))
        .map(rows -> rows.iterator().next());
  }

  /** The stored transcript text of one item, or null when there is no row. */
  public Future<String> transcriptText(UUID sessionId, String itemId) {
    return db.pool()
        .preparedQuery("SELECT text FROM transcripts WHERE session_id = $1 AND item_id = $2")
        .execute(Tuple.of(sessionId, itemId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  public Future<Long> refunds(UUID sessionId) {
    return db.pool()
        .preparedQuery(
            "SELECT count(*) FROM credit_transactions WHERE session_id = $1 AND reason = 'refund'")
        .execute(Tuple.of(sessionId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Integer> credits(UUID userId) {
    return db.pool()
        .preparedQuery("SELECT credits FROM profiles WHERE user_id = $1")
        .execute(Tuple.of(userId))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  private static UUID id(Row row) {
    return row.getUUID(0);
  }
}
