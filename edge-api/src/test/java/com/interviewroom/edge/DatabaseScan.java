package com.interviewroom.edge;

import static com.interviewroom.edge.EdgeServer.await;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Searches everything an {@link EdgeServer}'s database holds for a string (a raw id that must never
 * be stored).
 */
public final class DatabaseScan {
  private DatabaseScan() {}

  /**
   * "table.column" of every text-like column of every table holding {@code needle}, cast to text.
   */
  public static List<String> columnsContaining(EdgeServer server, String needle) {
    return await(
        server.db.asService(
            sql ->
                sql.query(
                        """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')""")
                    .execute()
                    .compose(
                        columns -> {
                          List<String> hits = new ArrayList<>();
                          Future<Void> chain = Future.succeededFuture();
                          for (Row column : columns) {
                            String where =
                                column.getString("table_name")
                                    + "."
                                    + column.getString("column_name");
                            String query =
                                "SELECT count(*) AS n FROM "
                                    + column.getString("table_name")
                                    + " WHERE strpos(\""
                                    + column.getString("column_name")
                                    + "\"::text, $1) > 0";
                            chain =
                                chain.compose(
                                    done ->
                                        sql.preparedQuery(query)
                                            .execute(Tuple.of(needle))
                                            .map(
                                                rows -> {
                                                  if (rows.iterator().next().getLong("n") > 0) {
                                                    hits.add(where);
                                                  }
                                                  return null;
                                                }));
                          }
                          return chain.map(done -> hits);
                        })));
  }

  /**
   * The whole database as {@code pg_dump} writes it (schema and every row, all schemas, the
   * migration history included), or null when no {@code pg_dump} can read this server (the embedded
   * PostgreSQL may be newer than the client): then {@link #columnsContaining} is the check.
   */
  public static String dump(EdgeServer server) {
    try {
      Process process =
          new ProcessBuilder("pg_dump", "--no-owner", "--dbname=" + server.databaseUrl)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
