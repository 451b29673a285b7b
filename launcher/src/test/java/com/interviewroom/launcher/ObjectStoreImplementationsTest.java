package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.launcher.embedded.EmbeddedObjectStore;
import com.interviewroom.launcher.embedded.FreePort;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store calls recordings rely on, against every S3 implementation available: the embedded
 * S3Proxy (always), moto's S3 server (a second, independent implementation of the S3 API, run as a
 * child process when {@code moto_server} is installed: {@code pip install 'moto[server]'}), and
 * whatever {@code S3_ENDPOINT} names (MinIO, real S3) when it is set, with {@code S3_BUCKET},
 * {@code S3_REGION}, {@code S3_ACCESS_KEY} and {@code S3_SECRET_KEY}. An implementation that is not
 * available is skipped, and says so.
 */
class ObjectStoreImplementationsTest {
  private static final String KEY = "interviewroom";
  private static final String SECRET = "interviewroom-test-secret";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Vertx vertx;
  private static Path dir;
  private static EmbeddedObjectStore s3proxy;
  private static Process moto;
  private static String motoEndpoint;

  /**
   * @param verifiesSignatures the store checks presigned signatures (moto accepts any: the refusal
   *     tests do not apply to it)
   */
  record Target(String name, Config.S3 s3, boolean verifiesSignatures) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("stores");
    s3proxy = EmbeddedObjectStore.start(dir, 0, KEY, SECRET);
    motoEndpoint = startMoto();
  }

  /** moto's server on a free loopback port, or null when it is not installed. */
  private static String startMoto() throws Exception {
    int port = FreePort.find();
    try {
      moto =
          new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("moto.log").toFile())
              .start();
    } catch (IOException notInstalled) {
      return null;
    }
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline && moto.isAlive()) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return "http://127.0.0.1:" + port;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    return null;
  }

  @AfterAll
  static void stop() throws Exception {
    if (moto != null) {
      moto.destroy();
      moto.waitFor(10, TimeUnit.SECONDS);
    }
    s3proxy.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Stream<Target> targets() {
    List<Target> targets = new ArrayList<>();
    String bucket = "stores-" + UUID.randomUUID().toString().substring(0, 8);
    targets.add(
        new Target(
            "s3proxy", new Config.S3(s3proxy.endpoint(), bucket, "us-east-1", KEY, SECRET), true));
    targets.add(
        new Target(
            "moto",
            motoEndpoint == null
                ? null
                : new Config.S3(motoEndpoint, bucket, "us-east-1", "test", "test"),
            false));
    String endpoint = System.getenv("S3_ENDPOINT");
    Config.S3 configured =
        endpoint == null || endpoint.isBlank()
            ? null
            : Config.from(Map.copyOf(System.getenv())).s3();
    targets.add(new Target("S3_ENDPOINT", configured, true));
    return targets.stream();
  }

  private static ObjectStore store(Target target) {
    Assumptions.assumeTrue(
        target.s3() != null, target.name() + " is not available here (see the class comment)");
    ObjectStore store = new ObjectStore(vertx, target.s3());
    await(store.ensureBucket());
    return store;
  }

  /** A 100 ms stereo WAV file, as the recorder writes them. */
  private static byte[] wav() {
    int frames = 2_400;
    byte[] wav = new byte[44 + frames * 4];
    com.interviewroom.realtime.recording.WavChunk.writeHeader(wav, frames, 2, 24_000);
    for (int i = 44; i < wav.length; i++) {
      wav[i] = (byte) (i * 31);
    }
    return wav;
  }

  private static String key() {
    return "u/" + UUID.randomUUID() + "/s/" + UUID.randomUUID() + "/1765000000000/chunk-00000.wav";
  }

  private static HttpResponse<byte[]> put(
      ObjectStore.PresignedUpload upload, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(upload.url()))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    upload
        .headers()
        .forEach(
            (name, value) -> {
              // the client sets Content-Length from the body; the test sets the type it means to
              // send
              if (!"content-length".equalsIgnoreCase(name)
                  && !"content-type".equalsIgnoreCase(name)) {
                request.header(name, value);
              }
            });
    request.header("Content-Type", contentType);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  @DisplayName(
      "a chunk uploaded by the realtime node downloads from its presigned GET byte for byte, as audio/wav, and parses as WAV")
  void uploadAndDownload(Target target) throws Exception {
    try (ObjectStore store = store(target)) {
      String key = key();
      byte[] wav = wav();
      store.putBlocking(key, wav, wav.length, "audio/wav");
      HttpResponse<byte[]> got =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(store.presignGet(key))).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(wav);
      assertThat(got.headers().firstValue("Content-Type")).hasValue("audio/wav");
      try (AudioInputStream in =
          AudioSystem.getAudioInputStream(new ByteArrayInputStream(got.body()))) {
        assertThat(in.getFormat().getChannels()).isEqualTo(2);
        assertThat(in.getFrameLength()).isEqualTo(2_400);
      }
      assertThat(await(store.deleteUnder(key, null, 10))).isEqualTo(1);
      assertThat(
              HTTP.send(
                      HttpRequest.newBuilder(URI.create(store.presignGet(key))).GET().build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(404);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  @DisplayName(
      "a presigned PUT stores exactly the announced type and length; any other type or length is refused by the store")
  void presignedPutConditions(Target target) throws Exception {
    try (ObjectStore store = store(target)) {
      byte[] wav = wav();
      String key = key();
      ObjectStore.PresignedUpload upload = store.presignPut(key, "audio/wav", wav.length);
      assertThat(upload.headers()).containsKeys("content-type", "content-length");
      assertThat(upload.headers().get("content-type")).isEqualTo("audio/wav");
      assertThat(upload.headers().get("content-length")).isEqualTo(String.valueOf(wav.length));
      if (target.verifiesSignatures()) {
        assertThat(put(upload, "text/html", wav).statusCode())
            .as("another content type")
            .isEqualTo(403);
        assertThat(
                put(upload, "audio/wav", java.util.Arrays.copyOf(wav, wav.length + 1)).statusCode())
            .as("one byte more")
            .isEqualTo(403);
        assertThat(
                put(upload, "audio/wav", java.util.Arrays.copyOf(wav, wav.length - 1)).statusCode())
            .as("one byte less")
            .isEqualTo(403);
      }
      assertThat(put(upload, "audio/wav", wav).statusCode()).isEqualTo(200);
      HttpResponse<byte[]> got =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(store.presignGet(key))).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.body()).isEqualTo(wav);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  @DisplayName(
      "the store client refuses, before any request, a content type other than audio/wav and an object over RECORDING_MAX_OBJECT_BYTES")
  void typeAndSizeRestricted(Target target) {
    try (ObjectStore store = store(target)) {
      byte[] wav = wav();
      assertThatThrownBy(() -> store.putBlocking(key(), wav, wav.length, "text/html"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.presignPut(key(), "application/octet-stream", 10))
          .isInstanceOf(IllegalArgumentException.class);
      int cap = Config.Recording.DEFAULTS.maxObjectBytes();
      assertThatThrownBy(() -> store.presignPut(key(), "audio/wav", cap + 1L))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.putBlocking(key(), new byte[cap + 1], cap + 1, "audio/wav"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  @DisplayName(
      "server-side encryption is requested where the store accepts it (moto, S3) and detected as refused by S3Proxy")
  void serverSideEncryption(Target target) {
    try (ObjectStore store = store(target)) {
      if (target.name().equals("s3proxy")) {
        assertThat(store.encryptionRequested())
            .as("S3Proxy answers 501 to x-amz-server-side-encryption")
            .isFalse();
      } else if (target.name().equals("moto")) {
        assertThat(store.encryptionRequested()).isTrue();
      }
    }
  }
}
