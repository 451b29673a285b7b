package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.launcher.embedded.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's run command for real: {@code java -jar launcher/target/interviewroom.jar} in a child
 * process with a fresh data directory and none of DATABASE_URL, REDIS_URL or S3_ENDPOINT, so
 * everything starts embedded. Runs in the {@code verify} phase, after {@code package} built the
 * shaded jar (see launcher/pom.xml); {@code mvn -B verify} from the root includes it.
 */
class PackagedJarIT {
  /** DESIGN.md's promise for a fresh clone. */
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  /** Variables a child may keep: what a shell on a fresh machine has, and no configuration. */
  private static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LANG", "TMPDIR");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port = FreePort.find();
  private Process process;

  @TempDir Path work;

  @AfterEach
  void killWhatWeStarted() throws InterruptedException {
    stop();
  }

  @Test
  @DisplayName(
      "the packaged jar starts everything embedded, is ready with every component up within 60 s, and keeps users, rows and S3 objects across a restart")
  void freshCloneRunCommand() throws Exception {
    Path dataDir = work.resolve("data");
    String email = "jar-" + UUID.randomUUID() + "@example.com";
    JsonObject credentials =
        new JsonObject().put("email", email).put("password", "packaged-jar-password");

    start(dataDir, "first.log");
    JsonObject ready = awaitReady("first.log");
    assertThat(ready.getJsonObject("components").fieldNames()).contains("postgres", "redis", "s3");
    HttpResponse<String> signup =
        post("/api/auth/signup", null, credentials.copy().put("termsVersion", Legal.TERMS_VERSION));
    assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
    String token = new JsonObject(signup.body()).getString("accessToken");
    HttpResponse<String> patched =
        send("PATCH", "/api/users/profile", token, new JsonObject().put("displayName", "Survivor"));
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    String objectKey = "survivors/" + UUID.randomUUID() + ".wav";
    byte[] body = "kept across restarts".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ObjectStore.PresignedUpload upload =
        presign(
            s3Endpoint("first.log"),
            store -> store.presignPut(objectKey, "audio/wav", body.length));
    HttpRequest.Builder putRequest =
        HttpRequest.newBuilder(URI.create(upload.url()))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    // the client sets Content-Length itself, from the body
    upload
        .headers()
        .forEach(
            (name, value) -> {
              if (!"content-length".equalsIgnoreCase(name)) {
                putRequest.header(name, value);
              }
            });
    HttpResponse<String> put = http.send(putRequest.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    stop();
    assertThat(Files.list(dataDir).map(p -> p.getFileName().toString()).toList())
        .as("one data directory holds it all")
        .contains("postgres", "keys");

    start(dataDir, "second.log");
    awaitReady("second.log");
    HttpResponse<String> login = post("/api/auth/login", null, credentials);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String fresh = new JsonObject(login.body()).getString("accessToken");
    HttpResponse<String> profile = send("GET", "/api/users/profile", fresh, null);
    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
    assertThat(new JsonObject(profile.body()).getString("displayName"))
        .as("a stored row survived")
        .isEqualTo("Survivor");
    assertThat(new JsonObject(profile.body()).getInteger("credits")).isEqualTo(3);
    assertThat(send("GET", "/api/users/profile", token, null).statusCode())
        .as("the signing key persisted: a token from before the restart still verifies")
        .isEqualTo(200);
    HttpResponse<String> object =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        presign(s3Endpoint("second.log"), store -> store.presignGet(objectKey))))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(object.statusCode()).as(object.body()).isEqualTo(200);
    assertThat(object.body())
        .as("an object in the embedded S3 store survived")
        .isEqualTo("kept across restarts");
  }

  /**
   * Where the child's embedded S3 store listens (a new free port each start), from its JSON log.
   */
  private String s3Endpoint(String logName) throws IOException {
    return Files.readAllLines(work.resolve(logName)).stream()
        .filter(line -> line.startsWith("{") && line.contains("embedded s3 started"))
        .map(line -> new JsonObject(line).getString("endpoint"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no 'embedded s3 started' line in " + logName));
  }

  /** Presigned with the default embedded-store credentials, as the server itself presigns. */
  private static <T> T presign(String endpoint, java.util.function.Function<ObjectStore, T> how) {
    Vertx vertx = Vertx.vertx();
    try (ObjectStore store =
        new ObjectStore(vertx, Config.from(Map.of("S3_ENDPOINT", endpoint)).s3())) {
      // as the server does at start: finds that S3Proxy refuses the encryption header, so nothing
      // signs it
      store.ensureBucket().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return how.apply(store);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      vertx.close();
    }
  }

  @Test
  @DisplayName(
      "the jar reads NAME=value arguments, as fly.toml's process commands pass ROLE: a wrong one stops it with exit code 2")
  void argumentsReachConfig() throws Exception {
    start(work.resolve("data"), "bad-role.log", "ROLE=everything");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits instead of starting").isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readString(work.resolve("bad-role.log"))).contains("ROLE must be one of");
  }

  @Test
  @DisplayName("the jar ships none of the tests' fakes: no Stripe.js stand-in, no FakeStripe")
  void noTestStandInsShipped() throws Exception {
    Path jar =
        Path.of(System.getProperty("packaged.jar", "target/interviewroom.jar")).toAbsolutePath();
    try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
      assertThat(file.stream().map(java.util.jar.JarEntry::getName))
          .noneMatch(
              name ->
                  name.startsWith("stripe-js-standin/")
                      || name.contains("FakeStripe")
                      || name.contains("StripeJsStandIn"));
    }
  }

  private void start(Path dataDir, String logName, String... arguments) throws IOException {
    Path jar =
        Path.of(System.getProperty("packaged.jar", "target/interviewroom.jar")).toAbsolutePath();
    assertThat(jar).as("the shaded jar (mvn package builds it)").exists();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                jar.toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().retainAll(INHERITED);
    env.put("DATA_DIR", dataDir.toString());
    env.put("PORT", String.valueOf(port));
    env.put("INTERNAL_PORT", String.valueOf(FreePort.find()));
    env.put("SANDBOX_PORT", String.valueOf(FreePort.find()));
    builder.redirectErrorStream(true).redirectOutput(work.resolve(logName).toFile());
    process = builder.start();
  }

  /**
   * Polls readiness until 200 with every checked component up; fails with the child's log
   * otherwise.
   */
  private JsonObject awaitReady(String logName) throws Exception {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("the server exited early:\n%s", logTail(logName)).isTrue();
      try {
        HttpResponse<String> ready = send("GET", "/health/ready", null, null);
        last = ready.statusCode() + " " + ready.body();
        if (ready.statusCode() == 200 && everyComponentUp(new JsonObject(ready.body()))) {
          return new JsonObject(ready.body());
        }
      } catch (IOException notListeningYet) {
        last = notListeningYet.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "not ready within " + READY_WITHIN + ", last answer: " + last + "\n" + logTail(logName));
  }

  /** Providers without keys say not_configured; everything that is checked must be up. */
  private static boolean everyComponentUp(JsonObject ready) {
    JsonObject components = ready.getJsonObject("components");
    return components.fieldNames().stream()
        .map(name -> components.getJsonObject(name).getString("status"))
        .allMatch(status -> "up".equals(status) || "not_configured".equals(status));
  }

  private HttpResponse<String> post(String path, String token, JsonObject body) throws Exception {
    return send("POST", path, token, body);
  }

  private HttpResponse<String> send(String method, String path, String token, JsonObject body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * SIGTERM, as a deploy or Ctrl-C sends: the shutdown hook stops the embedded servers. Whatever is
   * still alive after that (the JVM or the postgres/redis children it spawned) is killed outright.
   */
  private void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    process = null;
    assertThat(exited).as("the server stops within 60 s of SIGTERM").isTrue();
  }

  private String logTail(String logName) {
    try {
      List<String> lines = Files.readAllLines(work.resolve(logName));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
