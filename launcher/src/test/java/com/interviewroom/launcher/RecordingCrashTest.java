package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.launcher.embedded.EmbeddedObjectStore;
import com.interviewroom.realtime.recording.Recorder;
import com.interviewroom.realtime.recording.Recorders;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.testkit.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A realtime node that stops mid-interview loses at most the chunk in progress: the chunks it had
 * finished are in the store (the embedded S3Proxy) and in the database, byte for byte what was
 * said; the next node continues the same recording after them. The node's clock is the test's, so
 * chunk boundaries fall where the test says.
 */
class RecordingCrashTest {
  private static final String KEY = "interviewroom";
  private static final String SECRET = "interviewroom-test-secret";
  private static final int FRAME_MS = 100;

  private Path dir;
  private EmbeddedObjectStore embedded;
  private Config.S3 cfg;
  private String databaseUrl;
  private final List<Vertx> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  /** A clock the test moves. */
  private static final class ManualClock extends Clock {
    final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  /** One realtime node: its own Vert.x, pool, store client and recorders. */
  private record Node(
      Vertx vertx, Database db, ObjectStore store, Recorders recorders, Context context) {}

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("recording-crash");
    embedded = EmbeddedObjectStore.start(dir, 0, KEY, SECRET);
    cfg =
        new Config.S3(
            embedded.endpoint(),
            "crash-" + UUID.randomUUID().toString().substring(0, 8),
            "us-east-1",
            KEY,
            SECRET);
    databaseUrl = TestDatabase.freshDatabaseUrl();
  }

  @AfterEach
  void stop() throws Exception {
    for (Vertx vertx : nodes) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    embedded.close();
    TestDatabase.drop(databaseUrl);
  }

  private Node node(ManualClock clock) {
    Vertx vertx = Vertx.vertx();
    nodes.add(vertx);
    Database db = Database.connect(vertx, databaseUrl, 4);
    ObjectStore store = new ObjectStore(vertx, cfg);
    await(store.ensureBucket());
    Recorders recorders =
        Recorders.create(
            vertx,
            Config.Recording.DEFAULTS.withChunkSeconds(1),
            store,
            db,
            new SimpleMeterRegistry(),
            clock,
            dir.resolve("spool-" + nodes.size()));
    return new Node(vertx, db, store, recorders, vertx.getOrCreateContext());
  }

  /** Runs {@code work} on the node's event loop, as the gateway does, and waits for it. */
  private static <T> T onLoop(Node node, java.util.function.Supplier<T> work) {
    Promise<T> done = Promise.promise();
    node.context()
        .runOnContext(
            v -> {
              try {
                done.complete(work.get());
              } catch (RuntimeException e) {
                done.fail(e);
              }
            });
    return await(done.future());
  }

  /** 100 ms of the candidate, every sample {@code value}. */
  private static Buffer frame(int value) {
    Buffer pcm = Buffer.buffer(FRAME_MS * 48);
    for (int i = 0; i < FRAME_MS * 24; i++) {
      pcm.appendShortLE((short) value);
    }
    return pcm;
  }

  /**
   * Frame {@code n} of the talk carries the value {@code n + 1}: each stored sample says when it
   * was spoken.
   */
  private static void talk(
      Node node, ManualClock clock, Recorder recorder, int fromFrame, int frames) {
    for (int n = fromFrame; n < fromFrame + frames; n++) {
      clock.millis.addAndGet(FRAME_MS);
      int value = n + 1;
      onLoop(
          node,
          () -> {
            recorder.candidate(frame(value));
            return null;
          });
    }
  }

  private List<Row> chunkRows(Database db, UUID sessionId) {
    return await(
        db.asService(
            sql ->
                sql.preparedQuery(
                        """
            SELECT c.idx, c.object_key, c.start_ms, c.duration_ms, c.bytes, r.key_prefix
              FROM recording_chunks c JOIN recordings r ON r.id = c.recording_id
             WHERE r.session_id = $1 ORDER BY c.idx""")
                    .execute(Tuple.of(sessionId))
                    .map(
                        rows -> {
                          List<Row> out = new ArrayList<>();
                          rows.forEach(out::add);
                          return out;
                        })));
  }

  private List<Row> awaitChunks(Database db, UUID sessionId, int count)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    List<Row> rows = chunkRows(db, sessionId);
    while (rows.size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      rows = chunkRows(db, sessionId);
    }
    return rows;
  }

  private List<String> objects(String prefix) {
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(cfg.endpoint()))
            .region(Region.of(cfg.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .build()) {
      return s3.listObjectsV2(b -> b.bucket(cfg.bucket()).prefix(prefix)).contents().stream()
          .map(o -> o.key())
          .filter(key -> !key.endsWith("/"))
          .sorted()
          .toList();
    }
  }

  private UUID[] session(Database db, Instant activatedAt) {
    await(ProblemBankSeeder.seed(db, ProblemBank.load()));
    return await(
        db.asService(
            sql ->
                sql.preparedQuery("INSERT INTO users (email) VALUES ($1) RETURNING id")
                    .execute(Tuple.of("crash-" + UUID.randomUUID() + "@example.com"))
                    .compose(
                        users -> {
                          UUID user = users.iterator().next().getUUID("id");
                          return sql.preparedQuery(
                                  """
                  INSERT INTO sessions (user_id, problem_id, language, status, started_at)
                  SELECT $1, id, 'python', 'active', $2 FROM problems ORDER BY slug LIMIT 1 RETURNING id""")
                              .execute(Tuple.of(user, activatedAt.atOffset(ZoneOffset.UTC)))
                              .map(
                                  sessions ->
                                      new UUID[] {user, sessions.iterator().next().getUUID("id")});
                        })));
  }

  /** The left channel of a stored chunk, read back through a presigned GET. */
  private short[] candidateChannel(ObjectStore store, String key) throws Exception {
    HttpResponse<byte[]> download =
        http.send(
            HttpRequest.newBuilder(URI.create(store.presignGet(key))).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    byte[] wav = download.body();
    try (var in =
        javax.sound.sampled.AudioSystem.getAudioInputStream(
            new java.io.ByteArrayInputStream(wav))) {
      assertThat(in.getFormat().getChannels()).isEqualTo(2);
      byte[] pcm = in.readAllBytes();
      short[] left = new short[pcm.length / 4];
      for (int f = 0; f < left.length; f++) {
        left[f] = (short) ((pcm[f * 4] & 0xff) | (pcm[f * 4 + 1] << 8));
      }
      return left;
    }
  }

  @Test
  @DisplayName(
      "a node that stops 3.5 s into an interview leaves chunks 0-2 intact in the store and the database (only the chunk in progress is lost); the next node continues after them")
  void crashLosesAtMostTheChunkInProgress() throws Exception {
    ManualClock clock = new ManualClock();
    Node first = node(clock);
    UUID[] ids = session(first.db(), clock.instant());
    UUID userId = ids[0];
    UUID sessionId = ids[1];
    Recorder recorder = onLoop(first, () -> first.recorders().open(sessionId, userId, true));

    talk(first, clock, recorder, 0, 35);
    List<Row> stored = awaitChunks(first.db(), sessionId, 3);
    assertThat(stored).extracting(r -> r.getInteger("idx")).containsExactly(0, 1, 2);

    // the crash: the node's event loops, pool and sockets go away; nobody closes the recorder
    first.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    nodes.remove(first.vertx());

    ManualClock later = new ManualClock();
    later.millis.set(clock.millis.get() + 5_000);
    Node second = node(later);
    List<Row> afterCrash = chunkRows(second.db(), sessionId);
    assertThat(afterCrash).hasSize(3);
    String prefix = afterCrash.get(0).getString("key_prefix");
    assertThat(prefix).matches("u/" + userId + "/s/" + sessionId + "/\\d+/");
    assertThat(objects(prefix))
        .containsExactly(
            prefix + "chunk-00000.wav", prefix + "chunk-00001.wav", prefix + "chunk-00002.wav");
    for (Row row : afterCrash) {
      int second0 = row.getInteger("idx");
      assertThat(row.getLong("start_ms")).isEqualTo(second0 * 1_000L);
      assertThat(row.getInteger("duration_ms")).isEqualTo(1_000);
      assertThat(row.getInteger("bytes")).isEqualTo(44 + 24_000 * 4);
      short[] left = candidateChannel(second.store(), row.getString("object_key"));
      assertThat(left).hasSize(24_000);
      for (int f = 0; f < left.length; f++) {
        // frame n covers [n*100, n*100+100) ms of the timeline and carries n + 1
        int expected = second0 * 10 + f / (FRAME_MS * 24) + 1;
        if (left[f] != expected) {
          throw new AssertionError(
              "chunk " + second0 + " frame " + f + ": " + left[f] + " instead of " + expected);
        }
      }
    }

    Recorder resumed = onLoop(second, () -> second.recorders().open(sessionId, userId, true));
    talk(second, later, resumed, 100, 5);
    await(onLoop(second, resumed::close));
    List<Row> all = chunkRows(second.db(), sessionId);
    assertThat(all).extracting(r -> r.getInteger("idx")).containsExactly(0, 1, 2, 3);
    Row fourth = all.get(3);
    assertThat(fourth.getString("object_key")).isEqualTo(prefix + "chunk-00003.wav");
    assertThat(fourth.getLong("start_ms"))
        .as("after the crash gap, on the session's timeline")
        .isGreaterThanOrEqualTo(8_500L);
    assertThat(fourth.getInteger("duration_ms")).isEqualTo(500);
    String status =
        await(
            second
                .db()
                .asService(
                    sql ->
                        sql.preparedQuery("SELECT status FROM recordings WHERE session_id = $1")
                            .execute(Tuple.of(sessionId))
                            .map(rows -> rows.iterator().next().getString("status"))));
    assertThat(status).isEqualTo("complete");
  }
}
