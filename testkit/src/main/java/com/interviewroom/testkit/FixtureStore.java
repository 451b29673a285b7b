package com.interviewroom.testkit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Rows a test needs but does not test, inserted with SQL (run it as the service role: the schema's
 * rules still apply).
 */
public final class FixtureStore {
  private FixtureStore() {}

  /**
   * A user ({@code prefix-<uuid>@example.com}), a problem of their own (slug {@code prefix-<uuid>})
   * and a completed Python session of theirs on it that ran for the last ten minutes: the session's
   * id.
   */
  public static Future<UUID> completedSession(SqlClient sql, String prefix) {
    return sql.preparedQuery("INSERT INTO users (email) VALUES ($1) RETURNING id")
        .execute(Tuple.of(prefix + "-" + UUID.randomUUID() + "@example.com"))
        .compose(
            users ->
                sql.preparedQuery(
                        """
                INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes)
                VALUES ($1, 'Valid Parentheses', 'easy', 'stack', 'Check brackets.', '{}'::jsonb, 30) RETURNING id""")
                    .execute(Tuple.of(prefix + "-" + UUID.randomUUID()))
                    .compose(
                        problems ->
                            sql.preparedQuery(
                                    """
                    INSERT INTO sessions (user_id, problem_id, status, language, started_at, ended_at)
                    VALUES ($1, $2, 'completed', 'python', now() - interval '10 minutes', now()) RETURNING id""")
                                .execute(Tuple.of(id(users), id(problems)))))
        .map(FixtureStore::id);
  }

  private static UUID id(RowSet<Row> rows) {
    return rows.iterator().next().getUUID("id");
  }
}
