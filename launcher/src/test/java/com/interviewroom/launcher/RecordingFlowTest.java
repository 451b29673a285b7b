package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static com.interviewroom.testkit.Eventually.poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Recordings through the whole system ({@link Launcher#start(Config)}: the embedded S3Proxy store,
 * the local simulated interviewer): an interview over a real socket leaves WAV chunks in the store,
 * its owner downloads them from the presigned URLs of {@code GET /api/sessions/{id}/recording} and
 * of the data export, nobody else learns the recording exists, and a user who turned {@code
 * recordAudio} off is not recorded. Chunks are one second long here.
 */
class RecordingFlowTest extends SystemTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int TONE = 8_000;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  Map<String, String> extraEnv() {
    return Map.of("RECORDING_CHUNK_SECONDS", "1");
  }

  @Test
  @DisplayName(
      "an interview leaves stereo WAV chunks in the embedded store: the owner downloads them from presigned URLs (CORS open), the candidate on the left, the interviewer on the right; another user gets 404")
  void interviewIsRecorded() throws Exception {
    String bearer = api.signup("rec").getString("accessToken");
    String userId = api.getJson("/api/me", bearer).getString("id");
    String sessionId = interview(bearer, 3_000);

    HttpResponse<String> recording =
        poll(
            "the recording's last chunk",
            () -> api.get("/api/sessions/" + sessionId + "/recording", bearer),
            r -> r.statusCode() == 200 && new JsonObject(r.body()).getLong("durationMs") >= 3_000);
    JsonObject body = new JsonObject(recording.body());
    assertThat(recording.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(body.getString("sessionId")).isEqualTo(sessionId);
    assertThat(body.getString("contentType")).isEqualTo("audio/wav");
    assertThat(body.getInteger("sampleRate")).isEqualTo(24_000);
    assertThat(body.getInteger("channels")).isEqualTo(2);
    assertThat(body.getJsonArray("channelLayout")).containsExactly("candidate", "interviewer");
    Instant startedAt = Instant.parse(body.getString("startedAt"));
    Instant expiresAt = Instant.parse(body.getString("expiresAt"));
    assertThat(Duration.between(Instant.now(), expiresAt))
        .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
    assertThat(startedAt).isBefore(Instant.now());

    JsonArray chunks = body.getJsonArray("chunks");
    assertThat(chunks.size()).as("3 s of talk in 1 s chunks").isGreaterThanOrEqualTo(3);
    long loudestCandidate = 0;
    long loudestInterviewer = 0;
    long previousEnd = 0;
    for (int i = 0; i < chunks.size(); i++) {
      JsonObject chunk = chunks.getJsonObject(i);
      assertThat(chunk.getInteger("index")).isEqualTo(i);
      assertThat(chunk.getLong("startMs"))
          .as("chunks follow each other on the timeline")
          .isGreaterThanOrEqualTo(previousEnd);
      previousEnd = chunk.getLong("startMs") + chunk.getLong("durationMs");
      URI url = URI.create(chunk.getString("url"));
      assertThat(url.getPath())
          .as("the key convention")
          .matches(
              "/interviewroom/u/"
                  + userId
                  + "/s/"
                  + sessionId
                  + "/\\d+/chunk-%05d\\.wav".formatted(i));
      HttpResponse<byte[]> download =
          http.send(
              HttpRequest.newBuilder(url)
                  .header("Origin", "http://localhost:" + port)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.headers().firstValue("Content-Type")).hasValue("audio/wav");
      assertThat(download.headers().firstValue("Access-Control-Allow-Origin"))
          .as("fetch() from the web app may read it")
          .isPresent();
      assertThat(download.body()).hasSize(chunk.getInteger("bytes"));
      short[][] samples = stereo(download.body(), chunk.getLong("durationMs"));
      loudestCandidate = Math.max(loudestCandidate, peak(samples[0]));
      loudestInterviewer = Math.max(loudestInterviewer, peak(samples[1]));
    }
    assertThat(previousEnd).isEqualTo(body.getLong("durationMs"));
    assertThat(loudestCandidate)
        .as("our tone, on the left")
        .isBetween((long) (TONE * 0.99), (long) TONE);
    assertThat(loudestInterviewer)
        .as("the simulated interviewer's voice, on the right")
        .isPositive();

    assertThat(rows("SELECT status FROM recordings WHERE session_id = $1", sessionId))
        .containsExactly("complete");
    try (var spooled = java.nio.file.Files.list(dataDir.resolve("recording-spool"))) {
      assertThat(spooled).as("every chunk's spool file is removed once it is uploaded").isEmpty();
    }

    String stranger = api.signup("rec").getString("accessToken");
    HttpResponse<String> refused = api.get("/api/sessions/" + sessionId + "/recording", stranger);
    assertThat(refused.statusCode()).isEqualTo(404);
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(refused.body()).doesNotContain(userId);

    JsonObject export = api.getJson("/api/users/data-export", bearer);
    JsonArray exported = export.getJsonArray("recordings");
    assertThat(exported.size()).isEqualTo(1);
    assertThat(exported.getJsonObject(0).getString("sessionId")).isEqualTo(sessionId);
    String link =
        exported.getJsonObject(0).getJsonArray("chunks").getJsonObject(0).getString("url");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(link)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .statusCode())
        .as("the export's link downloads")
        .isEqualTo(200);
    assertThat(api.getJson("/api/users/data-export", stranger).getJsonArray("recordings"))
        .isEmpty();
  }

  @Test
  @DisplayName("a user who set recordAudio to false is not recorded: no row, no object, 404")
  void recordingOffPerUser() throws Exception {
    String bearer = api.signup("rec").getString("accessToken");
    HttpResponse<String> patched =
        api.send("PATCH", "/api/users/profile", bearer, new JsonObject().put("recordAudio", false));
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(new JsonObject(patched.body()).getBoolean("recordAudio")).isFalse();
    String sessionId = interview(bearer, 1_500);
    Thread.sleep(1_500);
    assertThat(api.get("/api/sessions/" + sessionId + "/recording", bearer).statusCode())
        .isEqualTo(404);
    assertThat(rows("SELECT status FROM recordings WHERE session_id = $1", sessionId)).isEmpty();
  }

  /**
   * Starts two-sum, talks a 440 Hz tone for {@code talkMs} in 100 ms frames at real-time pace,
   * ends; the session id.
   */
  private String interview(String bearer, int talkMs) throws Exception {
    HttpResponse<String> started =
        api.send(
            "POST",
            "/api/sessions/start",
            bearer,
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    JsonObject start = new JsonObject(started.body());
    List<JsonObject> messages = new CopyOnWriteArrayList<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket ws =
        await(
            wsClient
                .connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setURI("/ws")
                        .setSubProtocols(List.of("interview.v1", start.getString("wsToken"))))
                .onSuccess(
                    socket -> {
                      socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
                      socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
                    }));
    poll(
        "session.ready",
        () -> messages,
        m -> m.stream().anyMatch(j -> "session.ready".equals(j.getString("type"))));
    Buffer frame = Buffer.buffer(4_800);
    for (int i = 0; i < 2_400; i++) {
      frame.appendShortLE((short) Math.round(TONE * Math.sin(2 * Math.PI * 440 * i / 24_000.0)));
    }
    long next = System.nanoTime();
    for (int sent = 0; sent < talkMs; sent += 100) {
      next += TimeUnit.MILLISECONDS.toNanos(100);
      await(ws.writeBinaryMessage(frame));
      Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
    }
    await(ws.writeTextMessage(new JsonObject().put("type", "session.end").encode()));
    assertThat(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo((short) 1000);
    return start.getString("sessionId");
  }

  /**
   * The two channels of a WAV file, checked to be 24 kHz 16-bit little-endian stereo of the stated
   * length.
   */
  private static short[][] stereo(byte[] wav, long durationMs) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
      AudioFormat format = in.getFormat();
      assertThat(format.getSampleRate()).isEqualTo(24_000f);
      assertThat(format.getChannels()).isEqualTo(2);
      assertThat(format.getSampleSizeInBits()).isEqualTo(16);
      assertThat(format.isBigEndian()).isFalse();
      assertThat(in.getFrameLength() / 24).isEqualTo(durationMs);
      byte[] pcm = in.readAllBytes();
      short[][] channels = new short[2][pcm.length / 4];
      for (int f = 0; f < pcm.length / 4; f++) {
        for (int c = 0; c < 2; c++) {
          channels[c][f] = (short) ((pcm[f * 4 + c * 2] & 0xff) | (pcm[f * 4 + c * 2 + 1] << 8));
        }
      }
      return channels;
    }
  }

  private static long peak(short[] samples) {
    long peak = 0;
    for (short s : samples) {
      peak = Math.max(peak, Math.abs((long) s));
    }
    return peak;
  }

  private List<String> rows(String sql, String sessionId) {
    return await(
        db.asService(
            c ->
                c.preparedQuery(sql)
                    .execute(Tuple.of(UUID.fromString(sessionId)))
                    .map(
                        rows -> {
                          List<String> out = new java.util.ArrayList<>();
                          rows.forEach(row -> out.add(row.getString(0)));
                          return out;
                        })));
  }
}
