package com.interviewroom.architecture.violations.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

/** Where SQL belongs: the rule must not report this one. */
public final class ScoreRepository {
  public Future<RowSet<Row>> all(SqlClient client) {
    return client.query("SELECT score FROM evaluations").execute();
  }
}
