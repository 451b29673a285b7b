package com.interviewroom.realtime.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.VoiceDb;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TranscriptBatcherTest {
  private static Vertx vertx;
  private static VoiceDb voiceDb;

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx();
    voiceDb = new VoiceDb(vertx);
  }

  @AfterAll
  static void down() {
    vertx.close().await();
  }

  private static List<Row> rows(Loop loop, UUID sessionId) {
    return loop.await(
        () ->
            voiceDb
                .db
                .pool()
                .preparedQuery(
                    "SELECT item_id, role, text FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at")
                .execute(Tuple.of(sessionId))
                .map(
                    rs -> {
                      List<Row> out = new ArrayList<>();
                      rs.forEach(out::add);
                      return out;
                    }));
  }

  @DisplayName(
      "items are written in one upsert, ordered by turn start, redacted, and a newer version replaces the row")
  @Test
  void upsertsInTurnOrder() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 1_000, 1_000);
    Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    loop.run(
        () -> {
          // the assistant's answer arrives before the late user transcription it answers
          batcher.add(
              new TranscriptItem(
                  session, "a1", "assistant", "Good, what is the complexity?", t0.plusSeconds(5)));
          batcher.add(
              new TranscriptItem(
                  session,
                  "u1",
                  "user",
                  "I'd use a hash map, email me at a@b.io",
                  t0.plusSeconds(1)));
        });
    loop.await(batcher::flush);
    loop.run(
        () ->
            batcher.add(
                new TranscriptItem(
                    session, "u1", "user", "I'd use a hash map in O(n) time", t0.plusSeconds(1))));
    loop.await(batcher::close);
    List<Row> rows = rows(loop, session);
    assertThat(rows).extracting(r -> r.getString("item_id")).containsExactly("u1", "a1");
    assertThat(rows.get(0).getString("text")).isEqualTo("I'd use a hash map in O(n) time");
  }

  @DisplayName(
      "a flush waits for items that arrived while another write was in flight, so a session's end sees its last line")
  @Test
  void flushCoversItemsAddedDuringAWrite() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 1_000, 1_000);
    Instant t0 = Instant.now();
    loop.await(
        () -> {
          batcher.add(new TranscriptItem(session, "a1", "assistant", "Walk me through it.", t0));
          batcher.flush();
          batcher.add(
              new TranscriptItem(
                  session, "u1", "user", "First I sort the array.", t0.plusSeconds(2)));
          return batcher.flush();
        });
    assertThat(rows(loop, session))
        .extracting(r -> r.getString("item_id"))
        .containsExactly("a1", "u1");
    loop.await(batcher::close);
  }

  @DisplayName("PII never reaches the table")
  @Test
  void redactsBeforeWriting() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 1_000, 1_000);
    loop.run(
        () ->
            batcher.add(
                new TranscriptItem(
                    session,
                    "u1",
                    "user",
                    "mail jane@example.com or call 555-123-4567; n is up to 10^9",
                    Instant.now())));
    loop.await(batcher::close);
    assertThat(rows(loop, session).get(0).getString("text"))
        .isEqualTo("mail [email] or call [phone]; n is up to 10^9");
  }

  @DisplayName("a failed write keeps the batch and the retry writes each item exactly once")
  @Test
  void failedWriteIsRetried() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 1_000, 1_000);
    loop.await(
        () -> voiceDb.db.pool().query("REVOKE INSERT ON transcripts FROM app_service").execute());
    try {
      loop.run(
          () -> {
            for (int i = 0; i < 5; i++) {
              batcher.add(
                  new TranscriptItem(
                      session, "i" + i, "user", "turn " + i, Instant.now().plusMillis(i)));
            }
          });
      loop.await(batcher::flush);
      assertThat(batcher.pendingCount()).isEqualTo(5);
      assertThat(rows(loop, session)).isEmpty();
    } finally {
      loop.await(
          () -> voiceDb.db.pool().query("GRANT INSERT ON transcripts TO app_service").execute());
    }
    Loop.eventually(
        Duration.ofSeconds(10),
        () -> {
          loop.await(batcher::flush); // the first tries wait out the backoff of the failed write
          return batcher.pendingCount() == 0;
        },
        "the retried write");
    assertThat(rows(loop, session))
        .extracting(r -> r.getString("item_id"))
        .containsExactly("i0", "i1", "i2", "i3", "i4");
    loop.await(batcher::close);
  }

  @DisplayName(
      "a long outage: more rows than one statement can carry are kept, retried with backoff, and all written exactly once")
  @Test
  void longOutage() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    // the size bound asks for a write on every add; the backoff (2 s) is what keeps them from
    // reaching the database
    TranscriptBatcher batcher =
        new TranscriptBatcher(
            vertx,
            voiceDb.db,
            Duration.ofMillis(100),
            200,
            20_000,
            Duration.ofSeconds(2),
            Duration.ofSeconds(2));
    Instant t0 = Instant.parse("2026-02-01T09:00:00Z");
    int total = 16_000;
    loop.await(
        () -> voiceDb.db.pool().query("REVOKE INSERT ON transcripts FROM app_service").execute());
    try {
      for (int from = 0; from < total; from += 500) {
        int start = from;
        loop.run(
            () -> {
              for (int i = start; i < start + 500; i++) {
                batcher.add(
                    new TranscriptItem(
                        session,
                        "i" + i,
                        i % 2 == 0 ? "user" : "assistant",
                        "turn " + i,
                        t0.plusMillis(i)));
              }
            });
      }
      Loop.eventually(Duration.ofSeconds(10), () -> batcher.failedWrites() >= 1, "a failed write");
      for (int i = 0; i < 20; i++) {
        loop.run(() -> batcher.add(new TranscriptItem(session, "late", "user", "still down", t0)));
        Loop.sleep(20);
      }
      assertThat(loop.await(() -> Future.succeededFuture(batcher.pendingCount())))
          .isGreaterThan(15_000);
      assertThat(loop.await(() -> Future.succeededFuture(batcher.failedWrites())))
          .as("no write per add while backing off")
          .isLessThanOrEqualTo(2L);
    } finally {
      loop.await(
          () -> voiceDb.db.pool().query("GRANT INSERT ON transcripts TO app_service").execute());
    }
    Loop.eventually(
        Duration.ofSeconds(60),
        () -> loop.await(() -> Future.succeededFuture(batcher.pendingCount())) == 0,
        "every kept row written");
    Row counts =
        loop.await(
            () ->
                voiceDb
                    .db
                    .pool()
                    .preparedQuery(
                        "SELECT count(*), count(DISTINCT item_id) FROM transcripts WHERE session_id = $1")
                    .execute(Tuple.of(session))
                    .map(rs -> rs.iterator().next()));
    assertThat(counts.getLong(0)).isEqualTo(total + 1L);
    assertThat(counts.getLong(1)).isEqualTo(total + 1L);
    loop.await(batcher::close);
  }

  @DisplayName(
      "a flush while another write runs covers what was added since: a closing session's items are in the table when it completes")
  @Test
  void flushDuringWrite() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 1_000, 1_000);
    loop.await(
        () -> {
          batcher.add(new TranscriptItem(session, "first", "user", "one", Instant.now()));
          batcher.flush();
          batcher.add(
              new TranscriptItem(
                  session, "second", "assistant", "two", Instant.now().plusMillis(1)));
          return batcher.flush();
        });
    assertThat(rows(loop, session))
        .extracting(r -> r.getString("item_id"))
        .containsExactly("first", "second");
    loop.await(batcher::close);
  }

  @DisplayName(
      "memory is bounded: past the cap new items are refused, and the size bound triggers an early write")
  @Test
  void bounded() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    TranscriptBatcher batcher = new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 3, 4);
    loop.run(
        () -> {
          for (int i = 0; i < 3; i++) {
            assertThat(
                    batcher.add(new TranscriptItem(session, "i" + i, "user", "t", Instant.now())))
                .isTrue();
          }
        });
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> rows(loop, session).size() == 3,
        "the early write at the size bound");
    TranscriptBatcher tiny = new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 100, 2);
    loop.run(
        () -> {
          assertThat(tiny.add(new TranscriptItem(session, "x1", "user", "t", Instant.now())))
              .isTrue();
          assertThat(tiny.add(new TranscriptItem(session, "x2", "user", "t", Instant.now())))
              .isTrue();
          assertThat(tiny.add(new TranscriptItem(session, "x3", "user", "t", Instant.now())))
              .isFalse();
          assertThat(tiny.add(new TranscriptItem(session, "x2", "user", "newer", Instant.now())))
              .as("same key replaces")
              .isTrue();
        });
    loop.await(tiny::close);
    loop.await(batcher::close);
  }

  @DisplayName(
      "an acknowledged item's future completes only once its row is in the table, long before the next tick")
  @Test
  void durableItemCompletesAfterItsWrite() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    // the periodic tick is an hour away: only the acknowledged item's own write can store it
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofHours(1), 1_000, 1_000);
    List<String> seenWhenDone =
        loop.await(
            () ->
                batcher
                    .addDurable(
                        new TranscriptItem(
                            session, "u1", "user", "I would use two pointers.", Instant.now()))
                    .compose(
                        v ->
                            voiceDb
                                .db
                                .pool()
                                .preparedQuery(
                                    "SELECT item_id FROM transcripts WHERE session_id = $1")
                                .execute(Tuple.of(session)))
                    .map(
                        rs -> {
                          List<String> ids = new ArrayList<>();
                          rs.forEach(r -> ids.add(r.getString("item_id")));
                          return ids;
                        }),
            Duration.ofSeconds(5));
    assertThat(seenWhenDone).containsExactly("u1");
    loop.await(batcher::close);
  }

  @DisplayName(
      "while the database refuses writes an acknowledged item stays unacknowledged, and is acknowledged once the retry stores it")
  @Test
  void durableItemWaitsOutAFailedWrite() {
    Loop loop = new Loop(vertx);
    UUID session = loop.await(voiceDb::chargedSession).sessionId();
    TranscriptBatcher batcher =
        new TranscriptBatcher(
            vertx,
            voiceDb.db,
            Duration.ofMillis(100),
            1_000,
            1_000,
            Duration.ofMillis(100),
            Duration.ofMillis(200));
    java.util.concurrent.atomic.AtomicBoolean acknowledged =
        new java.util.concurrent.atomic.AtomicBoolean();
    loop.await(
        () -> voiceDb.db.pool().query("REVOKE INSERT ON transcripts FROM app_service").execute());
    try {
      loop.run(
          () ->
              batcher
                  .addDurable(
                      new TranscriptItem(
                          session, "a1", "assistant", "Walk me through it.", Instant.now()))
                  .onSuccess(v -> acknowledged.set(true)));
      Loop.sleep(600); // several failed writes
      assertThat(acknowledged).as("acknowledged while the row is not stored").isFalse();
    } finally {
      loop.await(
          () -> voiceDb.db.pool().query("GRANT INSERT ON transcripts TO app_service").execute());
    }
    Loop.eventually(
        Duration.ofSeconds(10), acknowledged::get, "the acknowledgement after the retried write");
    assertThat(rows(loop, session)).extracting(r -> r.getString("item_id")).containsExactly("a1");
    loop.await(batcher::close);
  }
}
