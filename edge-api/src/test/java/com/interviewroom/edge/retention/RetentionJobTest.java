package com.interviewroom.edge.retention;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.edge.EdgeServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The retention job over 100,000+ backdated rows (issue 17). */
class RetentionJobTest {
  static final int OLD_TRANSCRIPTS = 100_000;
  static final int OLD_SNAPSHOTS = 20_000;
  static final int OLD_SESSIONS = 1_000;
  static final int RECENT_TRANSCRIPTS = 5_000;
  static final int RECENT_SNAPSHOTS = 2_000;
  static final int RECENT_SESSIONS = 100;
  private static EdgeServer server;
  private static Config.Retention settings;

  @BeforeAll
  static void start() {
    server = EdgeServer.start();
    settings = server.context.config().retention();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * One user; {@link #OLD_SESSIONS} sessions with an evaluation, {@link #OLD_TRANSCRIPTS}
   * transcripts and {@link #OLD_SNAPSHOTS} snapshots, all a day past the retention window; {@link
   * #RECENT_SESSIONS} sessions with evaluations, transcripts and snapshots a day inside it. One
   * generate_series statement per table.
   */
  @BeforeEach
  void fill() {
    await(
        server.db.asService(
            sql ->
                sql.query("DELETE FROM sessions")
                    .execute()
                    .compose(
                        done ->
                            sql.preparedQuery(
                                    """
                WITH u AS (INSERT INTO users (email) VALUES ($1) RETURNING id),
                     p AS (INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes)
                           VALUES ($2, 'T', 'easy', 'arrays', 'd', '{"name":"f","params":[],"returns":"int"}', 30) RETURNING id)
                INSERT INTO sessions (user_id, problem_id, language, status, end_reason)
                SELECT u.id, p.id, 'python', 'completed', CASE WHEN g <= $3::int THEN 'old' ELSE 'recent' END
                  FROM u, p, generate_series(1, $3::int + $4::int) g""")
                                .execute(
                                    Tuple.of(
                                        "r-" + UUID.randomUUID() + "@example.com",
                                        "p-" + UUID.randomUUID(),
                                        OLD_SESSIONS,
                                        RECENT_SESSIONS)))
                    .compose(
                        done ->
                            fillAge(
                                sql, "old", settings.days() + 1, OLD_TRANSCRIPTS, OLD_SNAPSHOTS))
                    .compose(
                        done ->
                            fillAge(
                                sql,
                                "recent",
                                settings.days() - 1,
                                RECENT_TRANSCRIPTS,
                                RECENT_SNAPSHOTS))));
  }

  /**
   * Sessions are told apart by their end_reason column ('old' or 'recent'), set only for this
   * fixture.
   */
  private static Future<Void> fillAge(
      SqlConnection sql, String age, int daysAgo, int transcripts, int snapshots) {
    String ids =
        "(SELECT array_agg(id) AS a, count(*) AS n FROM sessions WHERE end_reason = '" + age + "')";
    return sql.preparedQuery(
            """
            INSERT INTO transcripts (session_id, item_id, role, text, created_at)
            SELECT s.a[1 + g % s.n], $3::text || g, 'user', 'said ' || g, now() - make_interval(days => $1::int, secs => g)
              FROM {ids} s, generate_series(1, $2::int) g"""
                .replace("{ids}", ids))
        .execute(Tuple.of(daysAgo, transcripts, age))
        .compose(
            done ->
                sql.preparedQuery(
                        """
                INSERT INTO code_snapshots (session_id, code, language, snapshot_type, created_at)
                SELECT s.a[1 + g % s.n], 'print(' || g || ')', 'python', 'auto', now() - make_interval(days => $1::int, secs => g)
                  FROM {ids} s, generate_series(1, $2::int) g"""
                            .replace("{ids}", ids))
                    .execute(Tuple.of(daysAgo, snapshots)))
        .compose(
            done ->
                sql.preparedQuery(
                        """
                INSERT INTO evaluations (session_id, status, created_at)
                SELECT id, 'completed', now() - make_interval(days => $1::int) FROM sessions WHERE end_reason = $2""")
                    .execute(Tuple.of(daysAgo, age)))
        .mapEmpty();
  }

  private static Map<String, Long> counts(String age) {
    String old = "created_at < now() - make_interval(days => " + settings.days() + ")";
    String where = "old".equals(age) ? old : "NOT (" + old + ")";
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : RetentionJob.TABLES) {
      counts.put(
          table,
          await(
              server.db.asService(
                  sql ->
                      sql.query("SELECT count(*) AS n FROM " + table + " WHERE " + where)
                          .execute()
                          .map(rows -> rows.iterator().next().getLong("n")))));
    }
    return counts;
  }

  private static Map<String, Long> expected(int transcripts, int snapshots, int sessions) {
    return Map.of(
        "transcripts",
        (long) transcripts,
        "code_snapshots",
        (long) snapshots,
        "evaluations",
        (long) sessions);
  }

  /**
   * A run also reports the recordings it purged (RetentionObjectsTest has some; this fixture none).
   */
  private static Map<String, Long> noRecordings(Map<String, Long> rows) {
    Map<String, Long> all = new java.util.HashMap<>(rows);
    all.put("recordings", 0L);
    return all;
  }

  private static RetentionJob job(MeterRegistry registry, Config.Retention with) {
    return new RetentionJob(server.db, null, registry, with, Clock.systemUTC());
  }

  @Test
  @DisplayName(
      "one run purges 121,000 backdated rows in batches, leaves zero old rows and every recent row, and counts them")
  void purgesOldRowsOnly() {
    assertThat(counts("old")).isEqualTo(expected(OLD_TRANSCRIPTS, OLD_SNAPSHOTS, OLD_SESSIONS));
    MeterRegistry registry = new SimpleMeterRegistry();
    long started = System.nanoTime();
    RetentionJob.Purged purged = await(job(registry, settings).run());
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(purged.skipped()).isFalse();
    assertThat(purged.rows())
        .isEqualTo(noRecordings(expected(OLD_TRANSCRIPTS, OLD_SNAPSHOTS, OLD_SESSIONS)));
    assertThat(counts("old")).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    assertThat(counts("recent"))
        .isEqualTo(expected(RECENT_TRANSCRIPTS, RECENT_SNAPSHOTS, RECENT_SESSIONS));
    assertThat(registry.get(RetentionJob.METRIC).tag("kind", "transcripts").counter().count())
        .isEqualTo(OLD_TRANSCRIPTS);
    assertThat(registry.get(RetentionJob.METRIC).tag("kind", "evaluations").counter().count())
        .isEqualTo(OLD_SESSIONS);
    System.out.println(
        "retention run over "
            + (OLD_TRANSCRIPTS + OLD_SNAPSHOTS + OLD_SESSIONS)
            + " old rows took "
            + millis
            + " ms");

    // a second run finds nothing
    assertThat(await(job(registry, settings).run()).total()).isZero();
  }

  @Test
  @DisplayName(
      "a run is bounded: at most RETENTION_MAX_BATCHES_PER_RUN statements of RETENTION_BATCH_SIZE rows per table")
  void boundedPerRun() {
    Config.Retention small =
        new Config.Retention(settings.days(), settings.accountRestoreDays(), 1_000, 5);
    RetentionJob.Purged purged = await(job(new SimpleMeterRegistry(), small).run());
    assertThat(purged.rows()).isEqualTo(noRecordings(expected(5_000, 5_000, OLD_SESSIONS)));
    assertThat(counts("old"))
        .isEqualTo(expected(OLD_TRANSCRIPTS - 5_000, OLD_SNAPSHOTS - 5_000, 0));
  }

  @Test
  @DisplayName(
      "while another instance holds the lock a run does nothing; two runs at once never double-purge or deadlock")
  void oneInstanceAtATime() {
    SqlConnection holder = await(server.db.pool().getConnection());
    try {
      await(
          holder
              .begin()
              .compose(
                  tx ->
                      holder
                          .preparedQuery("SELECT pg_advisory_xact_lock($1)")
                          .execute(Tuple.of(RetentionJob.LOCK_KEY))));
      RetentionJob.Purged skipped = await(job(new SimpleMeterRegistry(), settings).run());
      assertThat(skipped.skipped()).isTrue();
      assertThat(skipped.total()).isZero();
      assertThat(counts("old")).isEqualTo(expected(OLD_TRANSCRIPTS, OLD_SNAPSHOTS, OLD_SESSIONS));
    } finally {
      await(holder.close());
    }

    RetentionJob a = job(new SimpleMeterRegistry(), settings);
    RetentionJob b = job(new SimpleMeterRegistry(), settings);
    Future<RetentionJob.Purged> first = a.run();
    Future<RetentionJob.Purged> second = b.run();
    await(Future.all(first, second));
    Map<String, Long> together = new LinkedHashMap<>();
    for (RetentionJob.Purged purged : java.util.List.of(first.result(), second.result())) {
      purged.rows().forEach((table, n) -> together.merge(table, n, Long::sum));
    }
    // each row deleted exactly once between them, and nothing old is left
    assertThat(together)
        .isEqualTo(noRecordings(expected(OLD_TRANSCRIPTS, OLD_SNAPSHOTS, OLD_SESSIONS)));
    assertThat(counts("old")).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    assertThat(counts("recent"))
        .isEqualTo(expected(RECENT_TRANSCRIPTS, RECENT_SNAPSHOTS, RECENT_SESSIONS));
  }
}
