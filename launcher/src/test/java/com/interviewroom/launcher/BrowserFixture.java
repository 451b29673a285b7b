package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole system in-process ({@link Launcher#start}: edge, realtime gateway, local interviewer,
 * sandbox, workers, heuristic evaluator) on a free port, and Debian's headless Chromium driven by
 * chromedriver, with a fake microphone that plays a WAV generated here: a voiced, syllable-like
 * signal for {@link #SPEECH_SECONDS} s, then {@link #SILENCE_SECONDS} s of silence, looped.
 */
final class BrowserFixture implements AutoCloseable {
  static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  static final String CHROMEDRIVER =
      System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
  static final double SPEECH_SECONDS = 2.0;
  static final double SILENCE_SECONDS = 4.0;
  static final Duration WAIT =
      Duration.ofSeconds(30); // generous: the machine running the suite may be busy

  final RunningSystem running;
  final String base;
  final Path dir;
  final String databaseUrl;
  final int port;

  /** Where the browsers' downloads go. */
  final Path downloads;

  private final ChromeDriverService service;
  private final Path wav;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private BrowserFixture(Path dir, Function<String, Map<String, String>> extraEnv)
      throws Exception {
    this.dir = dir;
    this.downloads = Files.createDirectories(dir.resolve("downloads"));
    this.databaseUrl = TestDatabase.freshDatabaseUrl();
    this.port = FreePort.find();
    Map<String, String> env = new HashMap<>(TestAuthLimits.RAISED);
    env.putAll(
        Map.of(
            "DATA_DIR", dir.resolve("data").toString(),
            "DATABASE_URL", databaseUrl,
            "REDIS_URL", TestRedis.isolatedUrl(),
            "PORT", String.valueOf(port),
            "INTERNAL_PORT", String.valueOf(FreePort.find()),
            "SANDBOX_PORT", String.valueOf(FreePort.find()),
            // not the defaults, so the privacy page is seen to state what the server enforces
            "RETENTION_DAYS", "75",
            "ACCOUNT_RESTORE_DAYS", "21"));
    env.putAll(extraEnv.apply("http://localhost:" + port));
    this.running = Launcher.start(Config.from(env));
    this.base = "http://localhost:" + port;
    this.wav = dir.resolve("speech.wav");
    Files.write(wav, speechWav());
    this.service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    service.start();
  }

  static BrowserFixture start(Path dir) throws Exception {
    return start(dir, base -> Map.of());
  }

  /** With more environment, e.g. the {@code STRIPE_*} settings of a fake Stripe. */
  static BrowserFixture start(Path dir, Map<String, String> extraEnv) throws Exception {
    return start(dir, base -> extraEnv);
  }

  /**
   * With more environment, given the system's base URL (a fake provider registers its callback
   * there).
   */
  static BrowserFixture start(Path dir, Function<String, Map<String, String>> extraEnv)
      throws Exception {
    assertThat(Path.of(CHROMIUM))
        .as("Debian's chromium (apt-get install chromium chromium-driver)")
        .exists();
    assertThat(Path.of(CHROMEDRIVER)).as("Debian's chromium-driver").exists();
    return new BrowserFixture(dir, extraEnv);
  }

  /** A fresh browser (new profile: no cookies, no storage) with the window size given. */
  ChromeDriver browser(int width, int height) {
    return browser(width, height, true);
  }

  /** micAllowed false: the browser refuses the microphone, as when a candidate clicks Block. */
  ChromeDriver browser(int width, int height, boolean micAllowed) {
    return browser(width, height, micAllowed, service);
  }

  /**
   * A second browser open at the same time as another: with its own chromedriver, since quitting a
   * driver stops the driver service it was started with (and every session on it).
   */
  ChromeDriver secondBrowser(int width, int height) {
    return browser(
        width,
        height,
        true,
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build());
  }

  private ChromeDriver browser(
      int width, int height, boolean micAllowed, ChromeDriverService service) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        micAllowed ? "--use-fake-ui-for-media-stream" : "--deny-permission-prompts",
        "--use-fake-device-for-media-stream",
        "--use-file-for-fake-audio-capture=" + wav.toAbsolutePath(),
        "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // files the page downloads land here, without a prompt
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toAbsolutePath().toString(),
            "download.prompt_for_download",
            false));
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (org.openqa.selenium.SessionNotCreatedException e) {
      // a browser that just quit can still hold the driver for a moment; one more try
      sleep(1_000);
      driver = new ChromeDriver(service, options);
    }
    BASE.set(base);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /** The origin the browser is on (the tests open pages by path). */
  static String baseOf(WebDriver driver) {
    String url = driver.getCurrentUrl();
    return url.startsWith("http") ? url.replaceAll("^(https?://[^/]+).*$", "$1") : BASE.get();
  }

  /** The fixture's origin for browsers that have not opened a page yet. */
  static final ThreadLocal<String> BASE = new ThreadLocal<>();

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits as a person would: an element the page re-rendered meanwhile is looked up again, not an
   * error.
   */
  static WebDriverWait waitFor(WebDriver driver) {
    WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  static <T> T until(WebDriver driver, Function<WebDriver, T> condition) {
    return waitFor(driver).until(condition);
  }

  static Object js(WebDriver driver, String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Waits for the element (pages render after their module loads). */
  static WebElement el(WebDriver driver, String css) {
    return until(
        driver,
        d -> {
          List<WebElement> found = d.findElements(By.cssSelector(css));
          return found.isEmpty() ? null : found.get(0);
        });
  }

  static WebElement find(SearchContext ctx, String css) {
    return ctx.findElement(By.cssSelector(css));
  }

  /** Console errors and CSP violations the page logged (the log is drained by reading it). */
  static List<String> consoleProblems(WebDriver driver) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(
            e ->
                e.getLevel().intValue() >= Level.SEVERE.intValue()
                    || e.getMessage().contains("Content Security Policy"))
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * With -Dbrowser.screenshots=DIR, saves a PNG of the page there (for looking at the pages;
   * docs/web.md).
   */
  static void screenshot(WebDriver driver, String name) {
    String target = System.getProperty("browser.screenshots");
    if (target == null || target.isBlank()) {
      return;
    }
    try {
      Files.createDirectories(Path.of(target));
      Files.write(
          Path.of(target, name + ".png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String uniqueEmail() {
    return "browser-" + UUID.randomUUID() + "@example.com";
  }

  HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String bearer, JsonObject body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Signs up over HTTP (accepting the current terms) with the first-run setup done, for tests about
   * something other than sign-up and onboarding: their login goes straight to the dashboard.
   */
  JsonObject signupOverApi(String email, String password) throws IOException, InterruptedException {
    JsonObject created = newcomerOverApi(email, password);
    HttpResponse<String> patched =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/users/profile"))
                .header("Authorization", "Bearer " + created.getString("accessToken"))
                .header("Content-Type", "application/json")
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("onboardingCompleted", true).encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    return created;
  }

  /** Signs up over HTTP without the first-run setup: the first login goes to /onboarding. */
  JsonObject newcomerOverApi(String email, String password)
      throws IOException, InterruptedException {
    JsonObject body = new JsonObject().put("email", email).put("password", password);
    HttpResponse<String> legal = get("/api/legal", "application/json");
    if (legal.statusCode() == 200) {
      body.put("termsVersion", new JsonObject(legal.body()).getString("termsVersion"));
    }
    HttpResponse<String> created = post("/api/auth/signup", null, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body());
  }

  HttpResponse<String> getWithBearer(String path, String bearer)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + bearer)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Waits for the session's evaluation to be completed (the heuristic evaluator, within a minute).
   */
  JsonObject awaitEvaluation(String sessionId, String bearer) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject evaluation =
          new JsonObject(
              getWithBearer("/api/sessions/" + sessionId + "/evaluation", bearer).body());
      if ("completed".equals(evaluation.getString("status"))) {
        return evaluation;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no completed evaluation for " + sessionId);
  }

  /** One statement against the system's database. */
  void sql(String statement, Object... args) throws Exception {
    Database db = Database.connect(running.vertx(), databaseUrl, 1);
    try {
      db.pool()
          .preparedQuery(statement)
          .execute(Tuple.from(args))
          .toCompletionStage()
          .toCompletableFuture()
          .get();
    } finally {
      db.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /** The rows of one query against the system's database. */
  List<io.vertx.sqlclient.Row> rows(String query, Object... args) throws Exception {
    Database db = Database.connect(running.vertx(), databaseUrl, 1);
    try {
      List<io.vertx.sqlclient.Row> rows = new java.util.ArrayList<>();
      db.pool()
          .preparedQuery(query)
          .execute(Tuple.from(args))
          .toCompletionStage()
          .toCompletableFuture()
          .get()
          .forEach(rows::add);
      return rows;
    } finally {
      db.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Override
  public void close() {
    try {
      service.stop();
    } finally {
      try {
        running.close();
      } finally {
        TestDatabase.drop(databaseUrl);
      }
    }
  }

  /**
   * 48 kHz mono PCM16 WAV: a voiced signal (a 120–160 Hz glide with twelve harmonics, four
   * "syllables" a second) at a speaking level, then silence.
   */
  static byte[] speechWav() {
    int rate = 48_000;
    int speech = (int) (rate * SPEECH_SECONDS);
    int total = speech + (int) (rate * SILENCE_SECONDS);
    ByteBuffer pcm = ByteBuffer.allocate(total * 2).order(ByteOrder.LITTLE_ENDIAN);
    double phase = 0;
    for (int i = 0; i < total; i++) {
      double t = (double) i / rate;
      double sample = 0;
      if (i < speech) {
        double f0 = 140 + 20 * Math.sin(2 * Math.PI * 0.7 * t);
        phase += 2 * Math.PI * f0 / rate;
        for (int k = 1; k <= 12; k++) {
          sample += Math.sin(k * phase) / k;
        }
        double syllable = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
        double fade = Math.min(1, Math.min(t, SPEECH_SECONDS - t) / 0.05);
        sample *= 0.28 * syllable * fade;
      }
      pcm.putShort(
          (short)
              Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(sample * 32_767))));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    header
        .put("RIFF".getBytes())
        .putInt(36 + total * 2)
        .put("WAVE".getBytes())
        .put("fmt ".getBytes())
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) 1)
        .putInt(rate)
        .putInt(rate * 2)
        .putShort((short) 2)
        .putShort((short) 16)
        .put("data".getBytes())
        .putInt(total * 2);
    out.writeBytes(header.array());
    out.writeBytes(pcm.array());
    return out.toByteArray();
  }
}
