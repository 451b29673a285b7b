package com.interviewroom.schema.cost;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

/** The SQL of {@link CostLedger}: an entry and the day's totals, in one statement. */
final class CostEntryStore {
  private static final String RECORD =
      """
      WITH entry AS (
        INSERT INTO cost_entries (event_key, session_id, provider, model, day, usage, usd, price_version)
        VALUES ($1, (SELECT id FROM sessions WHERE id = $2), $3, $4, $5, $6::jsonb, $7::numeric, $8)
        ON CONFLICT (event_key) DO NOTHING
        RETURNING day, provider
      ), added AS (
        INSERT INTO costs AS c (day, provider, kind, quantity, usd, entries)
        SELECT e.day, e.provider, k.kind, k.quantity::numeric, k.usd::numeric, 1
        FROM entry e CROSS JOIN unnest($9::text[], $10::text[], $11::text[]) AS k(kind, quantity, usd)
        ON CONFLICT (day, provider, kind) DO UPDATE
          SET quantity = c.quantity + EXCLUDED.quantity, usd = c.usd + EXCLUDED.usd,
              entries = c.entries + 1, updated_at = now()
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM entry) AS inserted, (SELECT count(*) FROM added) AS kinds""";

  private final Database db;

  CostEntryStore(Database db) {
    this.db = db;
  }

  /**
   * Adds the entry and, only if its key is new, its kinds to the day's totals; true when added.
   * {@code args}: event key, session, provider, model, day, usage, usd, price version, and the
   * kinds, quantities and usd per kind as three text arrays.
   */
  Future<Boolean> add(Tuple args) {
    return db.asService(conn -> conn.preparedQuery(RECORD).execute(args))
        .map(rows -> rows.iterator().next().getLong("inserted") > 0);
  }
}
