package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.js;
import static com.interviewroom.launcher.BrowserFixture.screenshot;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A candidate's interview, in Chromium with a fake microphone, against the whole system. */
class InterviewBrowserTest extends BrowserTest {
  @Test
  @DisplayName(
      "golden path: sign up, 3 credits, choose a problem, hear the greeting, speak (silence is not sent), type, run, submit, end, read the summary, practise again")
  void goldenPath() throws Exception {
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      driver.get(fixture.base + "/");
      el(driver, ".hero a.btn-primary").click();
      el(driver, "input[name=email]").sendKeys(BrowserFixture.uniqueEmail());
      el(driver, "input[name=password]").sendKeys("correct horse battery");
      el(driver, "input[name=terms]").click();
      el(driver, ".auth-form button[type=submit]").click();
      // a new account starts with the set-up (AccountBrowserTest walks through it); this story
      // skips it
      until(driver, d -> d.getCurrentUrl().endsWith("/onboarding"));
      el(driver, "[data-action=skip-setup]").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));
      until(driver, d -> find(d, "[data-stat=credits]").getText().equals("3"));
      assertThat(el(driver, ".empty h2").getText()).isEqualTo("No interviews yet");
      screenshot(driver, "dashboard-empty");

      // choose: difficulty → (any category) → a random problem's preview → start
      el(driver, ".page-head a.btn-primary").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/practice"));
      el(driver, "input[name=difficulty][value=easy]").click();
      el(driver, "form.choose button[type=submit]").click();
      WebElement preview = until(driver, d -> find(d, ".preview h2"));
      assertThat(preview.getText()).isNotBlank();
      screenshot(driver, "practice-preview");
      el(driver, ".preview .actions .btn-primary").click();
      until(driver, d -> d.getCurrentUrl().matches(".*/interview/[0-9a-f-]{36}$"));
      String sessionId = driver.getCurrentUrl().replaceAll(".*/interview/", "");

      // the room: timer from the server, the greeting actually played by the playback worklet
      until(
          driver,
          d ->
              find(d, ".timer-text").getText().matches("\\d\\d:\\d\\d")
                  && !find(d, ".timer-text").getText().equals("00:00"));
      until(driver, d -> number(d, "return window.interviewRoom.audio.samplesPlayed") > 24_000);

      // the fake microphone speaks for 2 s then is silent for 4 s, looping: the server hears a
      // turn...
      until(
          driver,
          d -> number(d, "return document.querySelectorAll('.transcript .said-user').length") >= 1);
      // the microphone speaks over the greeting: the server's barge-in empties the playback queue
      // at once
      until(driver, d -> number(d, "return window.interviewRoom.audio.playbackClears") >= 1);
      until(driver, d -> number(d, "return window.interviewRoom.audio.samplesQueued") == 0);
      // ...and the silence never leaves the browser: fewer binary frames on the wire than 100 ms
      // frames captured
      driver.manage().logs().get(LogType.PERFORMANCE); // drain
      long capturedBefore = number(driver, "return window.interviewRoom.audio.framesCaptured");
      Thread.sleep(6_000);
      long captured =
          number(driver, "return window.interviewRoom.audio.framesCaptured") - capturedBefore;
      long binarySent = binaryFramesSent(driver);
      assertThat(captured).as("100 ms frames captured in 6 s").isBetween(50L, 70L);
      assertThat(binarySent)
          .as("frames sent in one 6 s speech+silence cycle")
          .isBetween(15L, (long) (captured * 0.6));

      // type in the editor, run, submit
      WebElement editor = editorContent(driver);
      editor.click();
      editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), Keys.ENTER, "# thinking aloud");
      until(driver, d -> editorContent(d).getText().contains("# thinking aloud"));
      el(driver, ".toolbar-actions .btn-secondary").click();
      until(driver, d -> find(d, ".output-status").getText().contains("Completed in"));
      assertThat(driver.findElements(By.cssSelector("table.tests tbody tr"))).isNotEmpty();
      assertThat(el(driver, "table.tests thead").getText())
          .contains("Input", "Expected", "Actual", "Result");
      screenshot(driver, "interview-run");
      el(driver, ".toolbar-actions .btn-primary").click();
      until(
          driver,
          d ->
              find(d, ".output-status").getText().contains("Completed in")
                  && !d.findElements(By.cssSelector(".hidden-count")).isEmpty());
      assertThat(el(driver, ".hidden-count").getText())
          .matches("Hidden tests: \\d+ of \\d+ passed");

      // end, behind a confirmation
      el(driver, ".topbar .btn-danger").click();
      WebElement dialog = until(driver, d -> find(d, "dialog[open]"));
      dialog.findElement(By.cssSelector(".btn-danger")).click();
      until(driver, d -> d.getCurrentUrl().endsWith("/sessions/" + sessionId + "/summary"));
      assertThat(number(driver, "return document.querySelectorAll('dialog').length")).isZero();

      // the summary: pending, then the heuristic evaluation's scores, recommendation and report
      new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(250))
          .until(d -> !d.findElements(By.cssSelector(".overall")).isEmpty());
      assertThat(el(driver, ".overall").getAttribute("aria-label"))
          .matches("Overall score \\d+\\.\\d out of 10");
      List<WebElement> gauges = driver.findElements(By.cssSelector(".gauge-track[role=meter]"));
      assertThat(gauges).hasSizeGreaterThanOrEqualTo(4);
      assertThat(gauges)
          .allSatisfy(g -> assertThat(g.getAttribute("aria-label")).matches(".+: \\d+ out of 10"));
      assertThat(el(driver, ".recommendation").getText()).isIn("Strong yes", "Yes", "Maybe", "No");
      assertThat(el(driver, ".report .markdown").getText()).containsIgnoringCase("heuristic");
      screenshot(driver, "summary");
      el(driver, ".page-head a.btn-primary").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/practice"));
      assertThat(consoleProblems(driver)).isEmpty();
    } finally {
      screenshot(driver, "last-goldenPath");
      System.err.println(
          "DIAG "
              + js(driver, "return JSON.stringify(window.interviewRoom)")
              + " "
              + text(driver, ".transcript"));
      driver
          .manage()
          .logs()
          .get(LogType.BROWSER)
          .getAll()
          .forEach(e -> System.err.println("BROWSER " + e.getMessage()));
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "a reload mid-interview keeps the login, the code and the timer; a dropped connection shows the banner, reconnects with a fresh token and loses no keystroke")
  void reloadAndReconnect() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, "correct horse battery").getString("accessToken");
    String sessionId = startSession(bearer);
    try (TcpProxy proxy = new TcpProxy(fixture.port)) {
      String base = "http://localhost:" + proxy.port();
      ChromeDriver driver = fixture.browser(1280, 900);
      try {
        logIn(driver, base, email, "correct horse battery");
        driver.get(base + "/interview/" + sessionId);
        until(
            driver,
            d ->
                find(d, ".timer-text").getText().matches("\\d\\d:\\d\\d")
                    && !find(d, ".timer-text").getText().equals("--:--"));
        WebElement editor = editorContent(driver);
        editor.click();
        editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), Keys.ENTER, "# before reload");
        Thread.sleep(500);
        int before = seconds(el(driver, ".timer-text").getText());

        driver.navigate().refresh();
        until(driver, d -> d.getCurrentUrl().endsWith("/interview/" + sessionId));
        until(
            driver,
            d ->
                !d.findElements(By.cssSelector(".editor-host")).isEmpty()
                    && editorContent(d).getText().contains("# before reload"));
        until(
            driver,
            d ->
                find(d, ".timer-text").getText().matches("\\d\\d:\\d\\d")
                    && !find(d, ".timer-text").getText().equals("--:--"));
        int after = seconds(el(driver, ".timer-text").getText());
        assertThat(after)
            .as("the timer resumes from the server's deadline")
            .isBetween(before - 30, before);
        until(
            driver,
            d ->
                number(d, "return window.interviewRoom.socket.connects") >= 1
                    && find(d, ".banner").getAttribute("hidden") != null);

        long tokensBefore = number(driver, "return window.interviewRoom.socket.tokensFetched");
        proxy.dropAll();
        until(driver, d -> find(d, ".banner:not([hidden])").getText().contains("Connection lost"));
        screenshot(driver, "interview-reconnecting");
        editor = editorContent(driver);
        editor.click();
        editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), Keys.ENTER, "# typed while offline");
        until(
            driver,
            d ->
                number(d, "return window.interviewRoom.socket.tokensFetched") > tokensBefore
                    && d.findElements(By.cssSelector(".room > .banner:not([hidden])")).isEmpty());

        el(driver, ".topbar .btn-danger").click();
        until(driver, d -> find(d, "dialog[open]"))
            .findElement(By.cssSelector(".btn-danger"))
            .click();
        until(driver, d -> d.getCurrentUrl().endsWith("/sessions/" + sessionId + "/summary"));
      } finally {
        screenshot(driver, "last-reloadAndReconnect");
        driver.quit();
      }
    }
    JsonObject session =
        new JsonObject(fixture.getWithBearer("/api/sessions/" + sessionId, bearer).body());
    assertThat(session.getJsonObject("latestSnapshot").getString("code"))
        .as("the final snapshot")
        .contains("# before reload", "# typed while offline");
  }

  @Test
  @DisplayName(
      "hostile content: program output with HTML and ANSI codes, and an evaluation report with HTML and script, execute nothing and inject no element")
  void hostileContent() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, "correct horse battery").getString("accessToken");
    String sessionId = startSession(bearer);
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      logIn(driver, email, "correct horse battery");
      driver.get(fixture.base + "/interview/" + sessionId);
      WebElement editor = until(driver, d -> editorContent(d));
      editor.click();
      editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
      // CodeMirror indents each new line itself
      editor.sendKeys(
          "class Solution:",
          Keys.ENTER,
          "def twoSum(self, nums, target):",
          Keys.ENTER,
          "print(\"<img src=x onerror=window.__pwned=1>\\x1b[31mred\\x1b[0m <script>window.__pwned=2</script>\")",
          Keys.ENTER,
          "return [0, 1]");
      el(driver, ".toolbar-actions .btn-secondary").click();
      until(driver, d -> find(d, ".output-status").getText().contains("Completed in"));
      WebElement console = el(driver, ".stream-stdout .console");
      assertThat(console.getText())
          .contains("<img src=x onerror=window.__pwned=1>", "<script>window.__pwned=2</script>");
      assertThat(console.findElement(By.cssSelector("span.ansi-fg-1")).getText()).isEqualTo("red");
      assertThat(console.getText()).doesNotContain("\u001b", "[31m");
      assertThat(
              number(
                  driver, "return document.querySelectorAll('.output img, .output script').length"))
          .isZero();
      assertThat(js(driver, "return window.__pwned === undefined")).isEqualTo(true);
      screenshot(driver, "interview-hostile-output");

      // a print loop: the panel keeps the first 1,000 lines and says how many it left out
      editor = editorContent(driver);
      editor.click();
      editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
      editor.sendKeys(
          "class Solution:",
          Keys.ENTER,
          "def twoSum(self, nums, target):",
          Keys.ENTER,
          "print(\"\\n\".join(str(i) for i in range(3000)))",
          Keys.ENTER,
          "return [0, 1]");
      el(driver, ".toolbar-actions .btn-secondary").click();
      until(driver, d -> !d.findElements(By.cssSelector(".stream-stdout p.muted")).isEmpty());
      assertThat(el(driver, ".stream-stdout p.muted").getText())
          .contains("more lines not shown (first 1000 lines)");
      assertThat(
              number(
                  driver,
                  "return document.querySelector('.stream-stdout .console').textContent.split('\\n').length"))
          .isLessThanOrEqualTo(1000);
    } finally {
      driver.quit();
    }

    // the evaluator's report is Markdown from a model: give it HTML, script and javascript: links
    fixture.post("/api/sessions/" + sessionId + "/end", bearer, new JsonObject());
    fixture.awaitEvaluation(sessionId, bearer);
    fixture.sql(
        "UPDATE evaluations SET report_markdown = $2, strengths = $3::jsonb WHERE session_id = $1::uuid",
        sessionId,
        "## Report\n\n**bold claim**\n\n<script>window.__pwned=3</script>\n\n<img src=x onerror=\"window.__pwned=4\">\n\n"
            + "[click me](javascript:window.__pwned=5)\n\n<a href=\"javascript:window.__pwned=6\">or me</a>\n\n<iframe src=\"/\"></iframe>\n\n"
            + "<p style=\"background:url(x)\" onmouseover=\"window.__pwned=7\">styled</p>",
        new io.vertx.core.json.JsonArray().add("<img src=x onerror=window.__pwned=8>"));
    driver = fixture.browser(1280, 900);
    try {
      logIn(driver, email, "correct horse battery");
      driver.get(fixture.base + "/sessions/" + sessionId + "/summary");
      WebElement report = el(driver, ".report .markdown");
      assertThat(report.findElement(By.cssSelector("strong")).getText()).isEqualTo("bold claim");
      assertThat(
              number(
                  driver,
                  "return document.querySelectorAll('.summary script, .summary img, .summary iframe, .report [style], .summary [onmouseover]').length"))
          .isZero();
      assertThat(
              number(
                  driver,
                  "return [...document.querySelectorAll('.summary a')].filter(a => /^javascript:/i.test(a.getAttribute('href') || '')).length"))
          .isZero();
      assertThat(el(driver, ".two-col").getText()).contains("<img src=x onerror=window.__pwned=8>");
      for (WebElement link : report.findElements(By.cssSelector("a"))) {
        link.click();
      }
      assertThat(js(driver, "return window.__pwned === undefined")).isEqualTo(true);
      assertThat(consoleProblems(driver)).noneMatch(m -> m.contains("Content Security Policy"));
    } finally {
      screenshot(driver, "last-hostile-summary");
      driver
          .manage()
          .logs()
          .get(LogType.BROWSER)
          .getAll()
          .forEach(e -> System.err.println("BROWSER " + e.getMessage()));
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "the microphone: mute stops every frame without dropping the socket, unmute resumes; a refused microphone says what to do and offers Retry while the interview goes on")
  void microphoneMuteAndDenial() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, "correct horse battery").getString("accessToken");
    String sessionId = startSession(bearer);
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      logIn(driver, email, "correct horse battery");
      driver.get(fixture.base + "/interview/" + sessionId);
      until(driver, d -> number(d, "return window.interviewRoom.audio.framesSent") > 0);
      WebElement mute = el(driver, ".mic-button");
      mute.click();
      assertThat(mute.getAttribute("aria-pressed")).isEqualTo("true");
      assertThat(mute.getText()).contains("Unmute");
      long sent = number(driver, "return window.interviewRoom.audio.framesSent");
      Thread.sleep(7_000); // longer than one speech + silence cycle of the fake microphone
      assertThat(number(driver, "return window.interviewRoom.audio.framesSent"))
          .as("nothing leaves a muted microphone")
          .isEqualTo(sent);
      assertThat(number(driver, "return window.interviewRoom.socket.connects")).isEqualTo(1);
      mute.click();
      assertThat(mute.getAttribute("aria-pressed")).isEqualTo("false");
      until(driver, d -> number(d, "return window.interviewRoom.audio.framesSent") > sent);
    } finally {
      driver.quit();
    }

    ChromeDriver denied = fixture.browser(1280, 900, false);
    try {
      logIn(denied, email, "correct horse battery");
      denied.get(fixture.base + "/interview/" + sessionId);
      WebElement banner = until(denied, d -> find(d, ".banner-warn:not([hidden])"));
      assertThat(banner.getText()).contains("Microphone access is blocked", "Retry");
      assertThat(banner.findElement(By.cssSelector("button")).getText()).isEqualTo("Retry");
      until(
          denied,
          d ->
              find(d, ".timer-text").getText().matches("\\d\\d:\\d\\d")
                  && !find(d, ".timer-text").getText().equals("--:--"));
      screenshot(denied, "interview-mic-denied");
    } finally {
      denied.quit();
    }
  }

  @Test
  @DisplayName(
      "a run whose answer never comes: after the 15 s client timeout the panel says so in words and Run and Submit work again")
  void runTimesOutOnTheClient() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, "correct horse battery").getString("accessToken");
    String sessionId = startSession(bearer);
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      logIn(driver, email, "correct horse battery");
      driver.get(fixture.base + "/interview/" + sessionId);
      until(driver, d -> editorContent(d));
      WebElement run = el(driver, ".toolbar-actions .btn-secondary");
      WebElement submit = el(driver, ".toolbar-actions .btn-primary");
      // DevTools holds every request to the execute URL: the server never hears of it, the browser
      // never gets an answer
      driver.executeCdpCommand(
          "Fetch.enable",
          java.util.Map.of(
              "patterns",
              List.of(
                  java.util.Map.of(
                      "urlPattern",
                      "*/api/sessions/" + sessionId + "/execute",
                      "requestStage",
                      "Request"))));
      long clicked = System.nanoTime();
      run.click();
      until(driver, d -> find(d, ".output-status").getText().contains("Running…"));
      assertThat(run.isEnabled()).isFalse();
      assertThat(submit.isEnabled()).isFalse();
      new WebDriverWait(driver, Duration.ofSeconds(40), Duration.ofMillis(100))
          .until(d -> find(d, ".output-status").getText().contains("No result after 15 seconds"));
      long waitedMs = (System.nanoTime() - clicked) / 1_000_000;
      assertThat(waitedMs).as("the client gives up after 15 s").isBetween(14_500L, 25_000L);
      WebElement status = el(driver, ".output-status");
      assertThat(status.getText()).contains("try again");
      assertThat(status.getAttribute("class")).contains("verdict-fail");
      assertThat(run.isEnabled()).isTrue();
      assertThat(submit.isEnabled()).isTrue();

      // the runner answers again: the next Run shows its result
      driver.executeCdpCommand("Fetch.disable", java.util.Map.of());
      run.click();
      until(driver, d -> find(d, ".output-status").getText().contains("Completed in"));
      assertThat(run.isEnabled()).isTrue();
      System.err.println("run timeout shown after " + waitedMs + " ms");
    } finally {
      screenshot(driver, "last-runTimesOut");
      driver.quit();
    }
  }

  private String startSession(String bearer) throws Exception {
    var started =
        fixture.post(
            "/api/sessions/start",
            bearer,
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    return new JsonObject(started.body()).getString("sessionId");
  }

  private static int seconds(String clock) {
    String[] parts = clock.split(":");
    return Integer.parseInt(parts[0]) * 60 + Integer.parseInt(parts[1]);
  }

  static void logIn(WebDriver driver, String email, String password) {
    logIn(driver, BrowserFixture.baseOf(driver), email, password);
  }

  static void logIn(WebDriver driver, String base, String email, String password) {
    driver.get(base + "/login");
    until(driver, d -> find(d, "h1").getText().equals("Log in"));
    el(driver, "input[name=email]").sendKeys(email);
    el(driver, "input[name=password]").sendKeys(password, Keys.ENTER);
    until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));
  }

  /**
   * The editor's content element, inside the shadow root that keeps CodeMirror's styles CSP-clean.
   */
  static WebElement editorContent(WebDriver driver) {
    return el(driver, ".editor-host").getShadowRoot().findElement(By.cssSelector(".cm-content"));
  }

  /** textContent (also of what is scrolled out of view). */
  static String text(WebDriver driver, String css) {
    Object value =
        js(
            driver,
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''",
            css);
    return String.valueOf(value);
  }

  /** A number the page computes; 0 while it cannot yet (the room's module not loaded). */
  static long number(WebDriver driver, String script) {
    Object value = js(driver, "try { " + script + " } catch (e) { return 0; }");
    return value == null ? 0 : ((Number) value).longValue();
  }

  /** Binary WebSocket frames the page sent since the performance log was last read. */
  static long binaryFramesSent(WebDriver driver) {
    return driver.manage().logs().get(LogType.PERFORMANCE).getAll().stream()
        .map(e -> new JsonObject(e.getMessage()).getJsonObject("message"))
        .filter(m -> "Network.webSocketFrameSent".equals(m.getString("method")))
        .filter(m -> m.getJsonObject("params").getJsonObject("response").getInteger("opcode") == 2)
        .count();
  }
}
