package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.edge.retention.RetentionJob;
import com.interviewroom.launcher.embedded.EmbeddedObjectStore;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.testkit.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The retention job deletes stored objects with their rows (issue 17), against the embedded S3Proxy
 * store.
 */
class RetentionObjectsTest {
  private static final String KEY = "interviewroom";
  private static final String SECRET = "interviewroom-test-secret";
  private static Path dir;
  private static EmbeddedObjectStore embedded;
  private static Vertx vertx;
  private static ObjectStore store;
  private static S3Client s3;
  private static String databaseUrl;
  private static Database db;
  private static Config.S3 cfg;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("retention-s3");
    embedded = EmbeddedObjectStore.start(dir, 0, KEY, SECRET);
    cfg =
        new Config.S3(
            embedded.endpoint(),
            "retention-" + UUID.randomUUID().toString().substring(0, 8),
            "us-east-1",
            KEY,
            SECRET);
    vertx = Vertx.vertx();
    store = new ObjectStore(vertx, cfg);
    await(store.ensureBucket());
    s3 =
        S3Client.builder()
            .endpointOverride(URI.create(cfg.endpoint()))
            .region(Region.of(cfg.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            // S3Proxy checks x-amz-content-sha256 and knows no trailing (aws-chunked) checksums
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .build();
    databaseUrl = TestDatabase.freshDatabaseUrl();
    db = Database.connect(vertx, databaseUrl, 4);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    store.close();
    await(db.close());
    await(vertx.close());
    embedded.close();
    TestDatabase.drop(databaseUrl);
  }

  private static UUID user(int deletedDaysAgo) {
    return await(
        db.asService(
            sql ->
                sql.preparedQuery(
                        """
            INSERT INTO users (email, deleted_at)
            VALUES ($1, CASE WHEN $2::int < 0 THEN NULL ELSE now() - make_interval(days => $2::int) END) RETURNING id""")
                    .execute(Tuple.of("o-" + UUID.randomUUID() + "@example.com", deletedDaysAgo))
                    .map(rows -> rows.iterator().next().getUUID("id"))));
  }

  private static void put(String key) {
    s3.putObject(
        b -> b.bucket(cfg.bucket()).key(key).contentType("audio/wav"),
        RequestBody.fromString("RIFF...."));
  }

  /**
   * The objects under {@code prefix}; S3Proxy's file-system store also lists its directories (keys
   * ending in /).
   */
  private static List<String> keys(String prefix) {
    return s3.listObjectsV2(b -> b.bucket(cfg.bucket()).prefix(prefix)).contents().stream()
        .map(o -> o.key())
        .filter(key -> !key.endsWith("/"))
        .toList();
  }

  private static RetentionJob job(Clock clock) {
    return new RetentionJob(db, store, new SimpleMeterRegistry(), Config.Retention.DEFAULTS, clock);
  }

  @Test
  @DisplayName(
      "an account past its restore window is purged with every object under u/{userId}/; other users' objects stay")
  void accountObjectsGoWithTheAccount() {
    UUID gone = user(Config.Retention.DEFAULTS.accountRestoreDays() + 1);
    UUID waiting = user(1);
    UUID active = user(-1);
    for (UUID id : List.of(gone, waiting, active)) {
      put(ObjectStore.userPrefix(id) + "s/" + UUID.randomUUID() + "/1765000000/candidate.wav");
      put(ObjectStore.userPrefix(id) + "s/" + UUID.randomUUID() + "/1765000000/interviewer.wav");
    }

    RetentionJob.Purged purged = await(job(Clock.systemUTC()).run());

    assertThat(purged.accounts()).isEqualTo(1);
    assertThat(purged.objects()).isEqualTo(2);
    assertThat(keys(ObjectStore.userPrefix(gone))).isEmpty();
    assertThat(keys(ObjectStore.userPrefix(waiting))).hasSize(2);
    assertThat(keys(ObjectStore.userPrefix(active))).hasSize(2);
    long users =
        await(
            db.asService(
                sql ->
                    sql.preparedQuery("SELECT count(*) AS n FROM users WHERE id = $1")
                        .execute(Tuple.of(gone))
                        .map(rows -> rows.iterator().next().getLong("n"))));
    assertThat(users).isZero();
  }

  @Test
  @DisplayName("objects older than RETENTION_DAYS are deleted; younger ones stay")
  void oldObjectsGo() {
    UUID owner = user(-1);
    String key =
        ObjectStore.userPrefix(owner) + "s/" + UUID.randomUUID() + "/1765000000/candidate.wav";
    put(key);
    assertThat(await(job(Clock.systemUTC()).run()).objects()).isZero();
    assertThat(keys(key)).containsExactly(key);

    // the store's clock cannot be turned back, so the job's is turned forward past the window
    Clock later =
        Clock.offset(Clock.systemUTC(), Duration.ofDays(Config.Retention.DEFAULTS.days() + 1));
    assertThat(await(job(later).run()).objects()).isGreaterThanOrEqualTo(1);
    assertThat(keys(ObjectStore.USER_PREFIX)).isEmpty();
  }

  /**
   * A session of {@code user} with a recording that began {@code daysAgo} days ago: two chunk rows
   * and their objects.
   */
  private static String recording(UUID user, int daysAgo) {
    await(ProblemBankSeeder.seed(db, ProblemBank.load()));
    UUID session =
        await(
            db.asService(
                sql ->
                    sql.preparedQuery(
                            """
            INSERT INTO sessions (user_id, problem_id, language, status, started_at)
            SELECT $1, id, 'python', 'completed', now() - make_interval(days => $2) FROM problems ORDER BY slug LIMIT 1 RETURNING id""")
                        .execute(Tuple.of(user, daysAgo))
                        .map(rows -> rows.iterator().next().getUUID("id"))));
    String prefix = ObjectStore.userPrefix(user) + "s/" + session + "/1765000000000/";
    UUID recording =
        await(
            db.asService(
                sql ->
                    sql.preparedQuery(
                            """
            INSERT INTO recordings (session_id, user_id, key_prefix, started_at, status)
            VALUES ($1, $2, $3, now() - make_interval(days => $4), 'complete') RETURNING id""")
                        .execute(Tuple.of(session, user, prefix, daysAgo))
                        .map(rows -> rows.iterator().next().getUUID("id"))));
    for (int i = 0; i < 2; i++) {
      String key = prefix + "chunk-0000" + i + ".wav";
      put(key);
      int index = i;
      await(
          db.asService(
              sql ->
                  sql.preparedQuery(
                          """
              INSERT INTO recording_chunks (recording_id, idx, object_key, start_ms, duration_ms, bytes)
              VALUES ($1, $2, $3, $4, 30000, 2880044)""")
                      .execute(Tuple.of(recording, index, key, index * 30_000L))));
    }
    return prefix;
  }

  private static long count(String sql, UUID id) {
    return await(
        db.asService(
            c ->
                c.preparedQuery(sql)
                    .execute(Tuple.of(id))
                    .map(rows -> rows.iterator().next().getLong(0))));
  }

  @Test
  @DisplayName(
      "raw audio past RECORDING_RETENTION_DAYS goes with its objects (zero rows, zero objects), a younger recording stays, and an account purge takes its recordings")
  void recordingsHaveTheirOwnWindow() {
    UUID owner = user(-1);
    String old = recording(owner, Config.Recording.DEFAULTS.retentionDays() + 1);
    String young = recording(owner, Config.Recording.DEFAULTS.retentionDays() - 1);
    UUID gone = user(Config.Retention.DEFAULTS.accountRestoreDays() + 1);
    String deletedAccount = recording(gone, 1);

    RetentionJob.Purged purged =
        await(
            new RetentionJob(
                    db,
                    store,
                    new SimpleMeterRegistry(),
                    Config.Retention.DEFAULTS,
                    Config.Recording.DEFAULTS.retentionDays(),
                    Clock.systemUTC(),
                    RetentionJob.INTERVAL)
                .run());

    assertThat(purged.recordings()).isEqualTo(1);
    assertThat(purged.objects())
        .as("two of the old recording, two of the purged account")
        .isEqualTo(4);
    assertThat(keys(old)).isEmpty();
    assertThat(keys(deletedAccount)).isEmpty();
    assertThat(keys(young)).hasSize(2);
    assertThat(count("SELECT count(*) FROM recordings WHERE user_id = $1", owner)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM recordings WHERE user_id = $1", gone)).isZero();
    assertThat(
            count(
                """
        SELECT count(*) FROM recording_chunks c JOIN recordings r ON r.id = c.recording_id WHERE r.user_id = $1""",
                owner))
        .as("the young recording's two chunks only")
        .isEqualTo(2);
  }
}
