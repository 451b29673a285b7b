package com.interviewroom.realtime.transcript;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The SQL of {@link TranscriptBatcher}: a batch of transcript items into {@code transcripts}. */
final class TranscriptStore {
  private TranscriptStore() {}

  /** One multi-row upsert, the text redacted; a turn keeps its earliest start. */
  static Future<Void> upsert(Database db, List<TranscriptItem> items) {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO transcripts (session_id, item_id, role, text, turn_started_at) VALUES ");
    List<Object> params = new ArrayList<>(items.size() * 5);
    for (int i = 0; i < items.size(); i++) {
      TranscriptItem it = items.get(i);
      int p = i * 5;
      sql.append(i == 0 ? "" : ", ")
          .append("($")
          .append(p + 1)
          .append(", $")
          .append(p + 2)
          .append(", $")
          .append(p + 3)
          .append(", $")
          .append(p + 4)
          .append(", $")
          .append(p + 5)
          .append(")");
      params.add(it.sessionId());
      params.add(it.itemId());
      params.add(it.role());
      params.add(PiiRedactor.redact(it.text()));
      params.add(it.turnStartedAt().atOffset(ZoneOffset.UTC));
    }
    sql.append(
        " ON CONFLICT (session_id, item_id) DO UPDATE SET text = EXCLUDED.text,"
            + " role = EXCLUDED.role, turn_started_at = LEAST(transcripts.turn_started_at, EXCLUDED.turn_started_at)");
    return db.asService(conn -> conn.preparedQuery(sql.toString()).execute(Tuple.from(params)))
        .mapEmpty();
  }
}
