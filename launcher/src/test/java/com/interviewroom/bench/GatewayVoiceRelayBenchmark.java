package com.interviewroom.bench;

import static com.interviewroom.testkit.Await.await;

import com.interviewroom.bench.RelayReport.Level;
import com.interviewroom.bench.RelayReport.Mode;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The voice relay through the whole server. N simulated browsers each send a 4,800-byte binary
 * frame every 100 ms (sequence number and send time in the first 16 bytes, see {@link
 * FrameTracker}) to {@code /ws} of the real server ({@link BenchServer}: {@code ROLE=all}, real
 * Postgres and Redis, a real session and socket token per browser from {@code POST
 * /api/sessions/start}); the server relays them as {@code input_audio_buffer.append} to a fake
 * OpenAI Realtime provider ({@code EchoProvider}) that sends each one straight back as a {@code
 * response.output_audio.delta}; the server decodes it and writes it to the browser as a binary
 * frame with the same bytes, so the browser measures the round trip. The baseline ({@code direct})
 * is the same generator speaking the provider's protocol straight to the fake, in the same run.
 *
 * <p>Generator (this JVM), server and fake provider are three processes, so the server's CPU
 * ({@code getProcessCpuTime} over the measured window) and heap (live objects with the sessions
 * open, minus before they opened) are its own. Run: {@code bench/voice-relay.sh [levels]}.
 */
public final class GatewayVoiceRelayBenchmark {
  private static final Duration WARM_UP = Duration.ofMillis(Long.getLong("bench.warmUpMs", 3_000));
  private static final Duration MEASURE =
      Duration.ofMillis(Long.getLong("bench.measureMs", 10_000));

  /** A level run first and not reported, so the JIT has compiled the handshake and relay paths. */
  private static final int PRIMING_SESSIONS = 50;

  /** A browser sends one 4,800-byte frame (100 ms of 24 kHz PCM16) per period. */
  private static final long PERIOD_NANOS = 100_000_000;

  private static final int OPENING_IN_PARALLEL = 16;
  private static final int SIGNUP_CREDITS = 3;
  private static final String PROVIDER_KEY = "sk-test-fake";
  private static final String APPEND_PREFIX =
      "{\"type\":\"input_audio_buffer.append\",\"audio\":\"";
  private static final String DELTA_TYPE = "{\"type\":\"response.output_audio.delta\"";
  private static final String DELTA_FIELD = "\"delta\":\"";
  private static final String PROBLEM =
      new JsonObject().put("problemSlug", "two-sum").put("language", "python").encode();

  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient sockets =
      vertx.createWebSocketClient(
          new WebSocketClientOptions()
              .setMaxConnections(100_000)
              .setMaxFrameSize(1 << 20)
              .setMaxMessageSize(1 << 20)
              .setConnectTimeout(30_000));
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final ExecutorService opening = Executors.newFixedThreadPool(OPENING_IN_PARALLEL);
  private final ChildJvm server;
  private final ProviderFake fake;
  private final int port;

  /** The internal listener, where /metrics is served. */
  private final int internalPort;

  private final String providerUrl;

  /**
   * Bench users with credits left; each starts up to {@link #SIGNUP_CREDITS} sessions over the run.
   */
  private final Deque<User> users = new ArrayDeque<>();

  private volatile boolean measuring;

  /**
   * Cores the server keeps busy with no session open (stream workers, sweeper, JIT): the floor
   * under its CPU figures.
   */
  private double idleServerCores = Double.NaN;

  private GatewayVoiceRelayBenchmark(
      ChildJvm server, ProviderFake fake, int port, int internalPort, String providerUrl) {
    this.server = server;
    this.fake = fake;
    this.port = port;
    this.internalPort = internalPort;
    this.providerUrl = providerUrl;
  }

  public static void main(String[] args) throws Exception {
    int[] levels =
        args.length == 0
            ? new int[] {100, 500, 1000}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    Path doc = Path.of(System.getProperty("bench.out", "docs/benchmarks.md"));
    Path logs =
        Files.createDirectories(Path.of(System.getProperty("bench.logs", "launcher/target")));
    String databaseUrl = TestDatabase.freshDatabaseUrl();
    Path dataDir = Files.createTempDirectory("relay-bench-");
    int cores = Runtime.getRuntime().availableProcessors();
    List<String> fakeJvm = new ArrayList<>(List.of("-Xmx1g"));
    fakeJvm.addAll(options("bench.fakeOpts"));
    // -Dbench.provider=node: the independent GA-sequence fake of bench/voice-relay-node
    // (bench/voice-relay.sh uses it)
    try (ProviderFake fake =
        ProviderFake.start(System.getProperty("bench.provider", "java"), fakeJvm, cores, logs)) {
      String providerUrl = fake.url();
      int port = FreePort.find();
      int internalPort = FreePort.find();
      // session start asks the runner's GET /health first; this stub answers it and runs nothing
      com.sun.net.httpserver.HttpServer runnerHealth =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress("127.0.0.1", 0), 0);
      runnerHealth.createContext(
          "/health",
          exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      runnerHealth.start();
      Map<String, String> env = new java.util.HashMap<>(TestAuthLimits.RAISED);
      env.putAll(
          Map.of(
              "DATA_DIR",
              dataDir.toString(),
              "DATABASE_URL",
              databaseUrl,
              "REDIS_URL",
              TestRedis.isolatedUrl(),
              "PORT",
              String.valueOf(port),
              "INTERNAL_PORT",
              String.valueOf(internalPort),
              // code execution plays no part here: no sandbox runner in the server process
              "SANDBOX_URL",
              "http://127.0.0.1:" + runnerHealth.getAddress().getPort(),
              // up to 1,000 sockets from this one address: the per-IP cap is for real clients
              "HTTP_MAX_CONNECTIONS_PER_IP",
              "0",
              "OPENAI_API_KEY",
              PROVIDER_KEY,
              "OPENAI_REALTIME_URL",
              providerUrl));
      // as in production (Dockerfile: ZGC, 75 % of a 2 GB machine)
      List<String> serverJvm =
          new ArrayList<>(List.of("-XX:+UseZGC", "-Xmx1536m", "-XX:+ExitOnOutOfMemoryError"));
      // e.g. -Dbench.serverOpts=-XX:StartFlightRecording=filename=server.jfr profiles the server
      // (bench.fakeOpts: the fake)
      serverJvm.addAll(options("bench.serverOpts"));
      try (ChildJvm server =
          ChildJvm.start(
              "server",
              serverJvm,
              BenchServer.class.getName(),
              List.of(),
              env,
              logs.resolve("relay-bench-server.log"))) {
        String ready = server.next(Duration.ofMinutes(5));
        if (!"ready".equals(ready)) {
          throw new IllegalStateException("server did not start: " + ready);
        }
        GatewayVoiceRelayBenchmark bench =
            new GatewayVoiceRelayBenchmark(server, fake, port, internalPort, providerUrl);
        List<Level> results = bench.run(levels);
        bench.close();
        String section =
            RelayReport.section(
                header(cores, fake.description()), results, footer(cores, bench.idleServerCores));
        System.out.println(section);
        Files.writeString(
            doc,
            RelayReport.replaceSection(
                Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n", section));
        System.out.println("written to " + doc);
      } finally {
        runnerHealth.stop(0);
      }
    } finally {
      TestDatabase.drop(databaseUrl);
      deleteTree(dataDir);
    }
    System.exit(0);
  }

  /**
   * The server's data directory (signing keys, the embedded object store): nothing in it outlives
   * the run.
   */
  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Extra JVM options for a child, space-separated in a system property. */
  private static List<String> options(String property) {
    return Arrays.stream(System.getProperty(property, "").split(" "))
        .filter(o -> !o.isBlank())
        .toList();
  }

  private List<Level> run(int[] levels) throws Exception {
    System.out.println("priming with " + PRIMING_SESSIONS + " sessions (not reported)");
    runLevel(Mode.DIRECT, PRIMING_SESSIONS);
    runLevel(Mode.RELAY, PRIMING_SESSIONS);
    Cpu before = cpu();
    Thread.sleep(MEASURE.toMillis());
    Cpu after = cpu();
    idleServerCores = (after.server() - before.server()) / (double) (after.wall() - before.wall());
    System.out.printf(Locale.ROOT, "server idle: %.3f cores%n", idleServerCores);
    List<Level> results = new ArrayList<>();
    for (int n : levels) {
      results.add(runLevel(Mode.DIRECT, n));
      results.add(runLevel(Mode.RELAY, n));
    }
    return results;
  }

  // ---- one level ----

  /**
   * CPU nanoseconds of each process, busy and total jiffies of the whole machine ({@code
   * /proc/stat}), wall nanoseconds.
   */
  private record Cpu(
      long server, long fake, long generator, long machineBusy, long machineTotal, long wall) {}

  private Level runLevel(Mode mode, int n) throws Exception {
    boolean relay = mode == Mode.RELAY;
    if (relay) {
      ensureCredits(n);
    }
    long heapBefore = relay ? server.askLong("heap") : -1;
    double droppedBefore = relay ? droppedByServer() : 0;
    List<Browser> browsers = open(mode, n);
    browsers.forEach(Browser::startStreaming);
    Thread.sleep(WARM_UP.toMillis());
    Cpu before = cpu();
    measuring = true;
    Thread.sleep(MEASURE.toMillis());
    measuring = false;
    Cpu after = cpu();
    // after the window, so the collections' pauses are not in the latencies; the sessions still
    // stream
    long heapAfter = relay ? server.askLong("heap") : -1;
    await(Future.all(browsers.stream().map(Browser::stop).toList()));
    List<FrameTracker.Counts> counts = drained(browsers);
    long dropped = relay ? Math.round(droppedByServer() - droppedBefore) : 0;
    await(Future.join(browsers.stream().map(Browser::close).toList()));
    Thread.sleep(1_000);

    long[] latencies =
        counts.stream().flatMapToLong(c -> Arrays.stream(c.latenciesNanos())).sorted().toArray();
    double seconds = (after.wall() - before.wall()) / 1e9;
    Level level =
        new Level(
            n,
            mode,
            browsers.size(),
            latencies,
            counts.stream().mapToLong(FrameTracker.Counts::sent).sum(),
            counts.stream().mapToLong(FrameTracker.Counts::lost).sum(),
            counts.stream().mapToLong(FrameTracker.Counts::reordered).sum(),
            browsers.stream().mapToLong(b -> b.unexpectedCloses).sum(),
            browsers.stream().mapToLong(b -> b.errorMessages).sum(),
            dropped,
            browsers.stream().mapToLong(b -> b.skippedTicks).sum(),
            relay ? (after.server() - before.server()) / 1e6 / n / seconds : Double.NaN,
            relay ? Math.max(0, (heapAfter - heapBefore) / n) : -1,
            (after.server() - before.server()) / 1e9 / seconds,
            (after.fake() - before.fake()) / 1e9 / seconds,
            (after.generator() - before.generator()) / 1e9 / seconds,
            after.machineTotal() == before.machineTotal()
                ? Double.NaN
                : (after.machineBusy() - before.machineBusy())
                    * (double) Runtime.getRuntime().availableProcessors()
                    / (after.machineTotal() - before.machineTotal()));
    System.out.println(
        RelayReport.row(level)
            + String.format(
                Locale.ROOT,
                " opened %d, cores: server %.2f fake %.2f generator %.2f machine %.2f",
                level.opened(),
                level.serverCores(),
                level.fakeCores(),
                level.generatorCores(),
                level.machineCores()));
    return level;
  }

  /**
   * Audio frames the server dropped because a browser read too slowly (its outbound queue was
   * full), from its own {@code /metrics}; NaN when that cannot be read.
   */
  private double droppedByServer() {
    try {
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + internalPort + "/metrics"))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return metrics
          .body()
          .lines()
          .filter(l -> l.startsWith("realtime_outbound_audio_dropped_total"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /**
   * The browsers' counts once every frame is back, or once nothing more arrived for 2 s (at most 20
   * s): a frame that is merely late is not counted as lost.
   */
  private static List<FrameTracker.Counts> drained(List<Browser> browsers)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long lastReceived = -1;
    long quietSince = System.nanoTime();
    while (true) {
      Thread.sleep(250);
      List<FrameTracker.Counts> counts = browsers.stream().map(b -> await(b.counts())).toList();
      long sent = counts.stream().mapToLong(FrameTracker.Counts::sent).sum();
      long received = counts.stream().mapToLong(FrameTracker.Counts::received).sum();
      if (received != lastReceived) {
        lastReceived = received;
        quietSince = System.nanoTime();
      }
      if (received >= sent
          || System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(2)
          || System.nanoTime() > deadline) {
        return counts;
      }
    }
  }

  private Cpu cpu() throws IOException, InterruptedException {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] machine = machineJiffies();
    return new Cpu(
        server.askLong("cpu"),
        fake.cpuNanos(),
        os.getProcessCpuTime(),
        machine[0],
        machine[1],
        System.nanoTime());
  }

  /**
   * Busy (not idle, not waiting for I/O) and total jiffies over every core, from the first line of
   * /proc/stat; zeros elsewhere.
   */
  private static long[] machineJiffies() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** Opens {@code n} browsers, a few at a time; one that fails is reported and left out. */
  private List<Browser> open(Mode mode, int n) throws InterruptedException {
    List<Callable<Browser>> tasks = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      tasks.add(
          () -> {
            try {
              Browser b = new Browser(mode);
              b.connect(mode == Mode.RELAY ? startSession() : null);
              return b;
            } catch (Exception e) {
              if (failures.incrementAndGet() <= 5) {
                System.err.println("a browser did not open: " + e);
              }
              return null;
            }
          });
    }
    List<Browser> open = new ArrayList<>();
    for (var f : opening.invokeAll(tasks)) {
      try {
        if (f.get() != null) {
          open.add(f.get());
        }
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    return open;
  }

  // ---- users and sessions, through the REST API ----

  /**
   * Signs up as many users as the next level needs (each signup comes with {@value #SIGNUP_CREDITS}
   * credits).
   */
  private void ensureCredits(int sessions) throws Exception {
    int have;
    synchronized (users) {
      have = users.stream().mapToInt(u -> u.credits).sum();
    }
    int missing = (int) Math.ceil(Math.max(0, sessions - have) / (double) SIGNUP_CREDITS);
    List<Callable<String>> signups = new ArrayList<>();
    for (int i = 0; i < missing; i++) {
      signups.add(this::signup);
    }
    long t0 = System.nanoTime();
    for (var f : opening.invokeAll(signups)) {
      synchronized (users) {
        users.add(new User(f.get(), SIGNUP_CREDITS));
      }
    }
    if (missing > 0) {
      System.out.printf(
          Locale.ROOT, "signed up %d users in %.1f s%n", missing, (System.nanoTime() - t0) / 1e9);
    }
  }

  private String signup() throws Exception {
    JsonObject body =
        post(
            "/api/auth/signup",
            null,
            new JsonObject()
                .put("email", "relay-" + UUID.randomUUID() + "@example.com")
                .put("password", "relay-bench-password-1")
                .put("termsVersion", Legal.TERMS_VERSION)
                .encode(),
            201);
    return body.getString("accessToken");
  }

  /** A new session for a user with a credit left; returns its one-time socket token. */
  private String startSession() throws Exception {
    String bearer;
    synchronized (users) {
      User next = users.peekFirst();
      if (next == null) {
        throw new IllegalStateException("no bench user has a credit left");
      }
      if (--next.credits == 0) {
        users.removeFirst();
      }
      bearer = next.bearer;
    }
    return post("/api/sessions/start", bearer, PROBLEM, 201).getString("wsToken");
  }

  /** A signed-up user: its access token and the credits it has not spent yet. */
  private static final class User {
    final String bearer;
    int credits;

    User(String bearer, int credits) {
      this.bearer = bearer;
      this.credits = credits;
    }
  }

  private JsonObject post(String path, String bearer, String body, int expected) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          path + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  // ---- one browser ----

  /**
   * One simulated browser: its socket, frames and counters live on one event loop of the generator.
   */
  private final class Browser {
    private final Mode mode;
    private final Context context =
        ((VertxInternal) vertx).createEventLoopContext(); // spreads browsers over the loops
    private final FrameTracker frames = new FrameTracker();
    private final Promise<Void> ready = Promise.promise();
    private WebSocket ws;
    private long timer = -1;
    private boolean stopped;
    private boolean closing;
    volatile long unexpectedCloses;
    volatile long errorMessages;

    /**
     * Frames not sent because this browser's loop was a period or more late (see {@link #tick}).
     */
    volatile long skippedTicks;

    private long nextTickNanos;

    Browser(Mode mode) {
      this.mode = mode;
    }

    /**
     * Connects and waits for the server's {@code session.ready} (relay) or the provider's handshake
     * (direct).
     */
    void connect(String token) throws Exception {
      WebSocketConnectOptions options =
          mode == Mode.RELAY
              ? new WebSocketConnectOptions()
                  .setHost("127.0.0.1")
                  .setPort(port)
                  .setURI("/ws")
                  .setSubProtocols(List.of("interview.v1", token))
              : new WebSocketConnectOptions()
                  .setAbsoluteURI(providerUrl)
                  .addHeader("Authorization", "Bearer " + PROVIDER_KEY);
      context.runOnContext(
          v -> sockets.connect(options).onSuccess(this::wire).onFailure(ready::tryFail));
      ready.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private void wire(WebSocket socket) {
      ws = socket;
      socket.closeHandler(
          v -> {
            if (!closing) {
              unexpectedCloses++;
              ready.tryFail(
                  new IllegalStateException(
                      "closed with " + socket.closeStatusCode() + " " + socket.closeReason()));
            }
          });
      if (mode == Mode.RELAY) {
        socket.binaryMessageHandler(frame -> frames.onEcho(frame, System.nanoTime(), measuring));
        socket.textMessageHandler(text -> onServerMessage(new JsonObject(text)));
      } else {
        socket.textMessageHandler(this::onProviderMessage);
        ready.tryComplete();
      }
    }

    private void onServerMessage(JsonObject message) {
      switch (message.getString("type", "")) {
        case "session.ready" -> ready.tryComplete();
        case "error" -> {
          errorMessages++;
          if ("provider_unavailable".equals(message.getString("code"))) {
            ready.tryFail(new IllegalStateException("provider_unavailable"));
          }
        }
        default -> {} // timer, status
      }
    }

    private void onProviderMessage(String text) {
      long now = System.nanoTime(); // decoding is the generator's work, not part of the round trip
      if (text.startsWith(DELTA_TYPE)) {
        // the fake's echo, read without a JSON parse so the generator leaves the cores to the
        // others
        int start = text.indexOf(DELTA_FIELD) + DELTA_FIELD.length();
        frames.onEcho(
            Buffer.buffer(
                Base64.getDecoder().decode(text.substring(start, text.indexOf('"', start)))),
            now,
            measuring);
        return;
      }
      JsonObject message = new JsonObject(text);
      switch (message.getString("type", "")) {
        case "response.output_audio.delta" ->
            frames.onEcho(
                Buffer.buffer(Base64.getDecoder().decode(message.getString("delta"))),
                now,
                measuring);
        case "error" -> errorMessages++;
        default -> {} // session.created
      }
    }

    /** Starts at a random point of the 100 ms period, as unsynchronised browsers would. */
    void startStreaming() {
      context.runOnContext(
          v ->
              timer =
                  vertx.setTimer(
                      1 + ThreadLocalRandom.current().nextInt(100),
                      first -> {
                        nextTickNanos = System.nanoTime();
                        tick();
                      }));
    }

    /**
     * One frame per 100 ms on a fixed schedule, but a tick missed because this event loop was late
     * is dropped, as a browser's {@code setInterval} (and Node's) drops it. Vert.x's {@code
     * setPeriodic} runs at a fixed rate and catches up instead: after a stall it sent the backlog
     * at once, beyond the server's audio byte burst, and the excess came back as {@code
     * rate_limited} and lost frames, which were the generator's doing and not the relay's.
     */
    private void tick() {
      if (stopped) {
        return;
      }
      send();
      long now = System.nanoTime();
      nextTickNanos += PERIOD_NANOS;
      if (nextTickNanos <= now) {
        long missed = (now - nextTickNanos) / PERIOD_NANOS + 1;
        skippedTicks += missed;
        nextTickNanos += missed * PERIOD_NANOS;
      }
      timer =
          vertx.setTimer(Math.max(1, (nextTickNanos - now + 999_999) / 1_000_000), id -> tick());
    }

    private void send() {
      if (stopped || ws.isClosed()) {
        return;
      }
      Buffer frame = frames.nextFrame(System.nanoTime());
      if (mode == Mode.RELAY) {
        ws.writeBinaryMessage(frame);
      } else {
        // the same compact text the server writes for each frame
        // (OpenAiRealtimeProvider.appendMessage)
        ws.writeTextMessage(
            APPEND_PREFIX + Base64.getEncoder().encodeToString(frame.getBytes()) + "\"}");
      }
    }

    Future<Void> stop() {
      return onContext(
          () -> {
            stopped = true;
            vertx.cancelTimer(timer);
            return null;
          });
    }

    Future<FrameTracker.Counts> counts() {
      return onContext(frames::counts);
    }

    Future<Void> close() {
      return onContext(
              () -> {
                closing = true;
                return ws;
              })
          .compose(socket -> socket.isClosed() ? Future.succeededFuture() : socket.close());
    }

    private <T> Future<T> onContext(java.util.function.Supplier<T> action) {
      Promise<T> done = Promise.promise();
      context.runOnContext(v -> done.complete(action.get()));
      return done.future();
    }
  }

  private void close() {
    opening.shutdownNow();
    await(sockets.close());
    await(vertx.close());
  }

  // ---- the report's words ----

  private static String header(int cores, String fake) {
    return String.format(
        Locale.ROOT,
        """
        Measured %s by `bench/voice-relay.sh` (GatewayVoiceRelayBenchmark) on %d cores, Java %s, %s %s. \
        Each simulated browser sends a 4,800-byte binary frame every 100 ms (sequence number and send time in the first \
        16 bytes) on a fixed schedule, and like a browser's `setInterval` it skips a tick its event loop missed rather than \
        sending the backlog at once (the count is in the notes below); %s; the browser measures the round trip.
        `relay`: browser ⇄ `/ws` of the real server (`ROLE=all`, a session and socket token per browser from \
        `POST /api/sessions/start`, Postgres and Redis from `TEST_DATABASE_URL`/`TEST_REDIS_URL`) ⇄ fake provider; the \
        server turns each binary frame into base64 JSON and each delta back into a binary frame. \
        `direct`: the same generator speaking the provider's JSON protocol straight to the fake (the no-relay baseline). \
        Generator, server and fake provider are three processes on the same machine; %d s of warm-up, then %d s measured \
        per level, after an unreported priming level of %d sessions. Frames counts the round trips measured; lost and \
        reordered count every frame of the level. The server runs generational ZGC, as in production (Dockerfile). \
        Server CPU is the server process's CPU time in the window; heap per session is the server's live objects \
        (class histogram) with the sessions open, minus before they opened, divided by the sessions.""",
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        cores,
        Runtime.version(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        fake,
        WARM_UP.toSeconds(),
        MEASURE.toSeconds(),
        PRIMING_SESSIONS);
  }

  private static String footer(int cores, double idleServerCores) {
    String load;
    try {
      load =
          String.join(
              " / ",
              Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    } catch (IOException | RuntimeException e) {
      load = "unknown";
    }
    return String.format(
            Locale.ROOT,
            "With no session open the server kept %.3f cores busy (included in its CPU figures). ",
            idleServerCores)
        + "Load average when the run ended: "
        + load
        + " (1 / 5 / 15 min); other processes on this shared machine "
        + "compete for the same "
        + cores
        + " cores.";
  }
}
