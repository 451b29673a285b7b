package com.interviewroom.architecture.violations.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Routes that run their own SQL instead of asking a repository. */
public final class ScoreRoutes {
  public Future<RowSet<Row>> score(SqlClient client, String sessionId) {
    return client
        .preparedQuery("SELECT score FROM evaluations WHERE session_id = $1")
        .execute(Tuple.of(sessionId));
  }
}
