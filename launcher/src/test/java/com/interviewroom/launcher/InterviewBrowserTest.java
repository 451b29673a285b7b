package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.js;
import static com.interviewroom.launcher.BrowserFixture.screenshot;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A candidate's interview, in Chromium with a fake microphone, against the whole system. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InterviewBrowserTest {
  @TempDir
  static Path dir;
  BrowserFixture fixture;

  @BeforeAll
  void start() throws Exception {
    fixture = BrowserFixture.start(dir);
  }

  @AfterAll
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @DisplayName("golden path: log in, 3 credits, choose a problem, hear the greeting, speak (silence is not sent), type, run, submit, end, read the summary, practise again")
  void goldenPath() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    fixture.signupOverApi(email, "correct horse battery");
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      logIn(driver, email, "correct horse battery");
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
      until(driver, d -> find(d, ".timer-text").getText().matches("\\d\\d:\\d\\d") && !find(d, ".timer-text").getText().equals("00:00"));
      until(driver, d -> number(d, "return window.interviewRoom.audio.samplesPlayed") > 24_000);

      // the fake microphone speaks for 2 s then is silent for 4 s, looping: the server hears a turn...
      until(driver, d -> text(d, ".transcript").contains("You: [candidate spoke"));
      // ...and the silence never leaves the browser: fewer binary frames on the wire than 100 ms frames captured
      driver.manage().logs().get(LogType.PERFORMANCE); // drain
      long capturedBefore = number(driver, "return window.interviewRoom.audio.framesCaptured");
      Thread.sleep(6_000);
      long captured = number(driver, "return window.interviewRoom.audio.framesCaptured") - capturedBefore;
      long binarySent = binaryFramesSent(driver);
      assertThat(captured).as("100 ms frames captured in 6 s").isBetween(50L, 70L);
      assertThat(binarySent).as("frames sent in one 6 s speech+silence cycle").isBetween(15L, (long) (captured * 0.6));

      // type in the editor, run, submit
      WebElement editor = editorContent(driver);
      editor.click();
      editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), Keys.ENTER, "# thinking aloud");
      until(driver, d -> editorContent(d).getText().contains("# thinking aloud"));
      el(driver, ".toolbar-actions .btn-secondary").click();
      until(driver, d -> find(d, ".output-status").getText().contains("Completed in"));
      assertThat(driver.findElements(By.cssSelector("table.tests tbody tr"))).isNotEmpty();
      assertThat(el(driver, "table.tests thead").getText()).contains("Input", "Expected", "Actual", "Result");
      screenshot(driver, "interview-run");
      el(driver, ".toolbar-actions .btn-primary").click();
      until(driver, d -> find(d, ".output-status").getText().contains("Completed in")
          && !d.findElements(By.cssSelector(".hidden-count")).isEmpty());
      assertThat(el(driver, ".hidden-count").getText()).matches("Hidden tests: \\d+ of \\d+ passed");

      // end, behind a confirmation
      el(driver, ".topbar .btn-danger").click();
      WebElement dialog = until(driver, d -> find(d, "dialog[open]"));
      dialog.findElement(By.cssSelector(".btn-danger")).click();
      until(driver, d -> d.getCurrentUrl().endsWith("/sessions/" + sessionId + "/summary"));
      assertThat(number(driver, "return document.querySelectorAll('dialog').length")).isZero();

      // the summary: pending, then the heuristic evaluation's scores, recommendation and report
      new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(250))
          .until(d -> !d.findElements(By.cssSelector(".overall")).isEmpty());
      assertThat(el(driver, ".overall").getAttribute("aria-label")).matches("Overall score \\d+\\.\\d out of 10");
      List<WebElement> gauges = driver.findElements(By.cssSelector(".gauge-track[role=meter]"));
      assertThat(gauges).hasSizeGreaterThanOrEqualTo(4);
      assertThat(gauges).allSatisfy(g -> assertThat(g.getAttribute("aria-label")).matches(".+: \\d+ out of 10"));
      assertThat(el(driver, ".recommendation").getText()).isIn("Strong yes", "Yes", "Maybe", "No");
      assertThat(el(driver, ".report .markdown").getText()).containsIgnoringCase("heuristic");
      screenshot(driver, "summary");
      el(driver, ".page-head a.btn-primary").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/practice"));
      assertThat(consoleProblems(driver)).isEmpty();
    } finally {
      screenshot(driver, "last-goldenPath");
      System.err.println("DIAG " + js(driver, "return JSON.stringify(window.interviewRoom)") + " " + text(driver, ".transcript"));
      driver.manage().logs().get(LogType.BROWSER).getAll().forEach(e -> System.err.println("BROWSER " + e.getMessage()));
      driver.quit();
    }
  }

  static void logIn(WebDriver driver, String email, String password) {
    driver.get(BrowserFixture.baseOf(driver) + "/login");
    until(driver, d -> find(d, "h1").getText().equals("Log in"));
    el(driver, "input[name=email]").sendKeys(email);
    el(driver, "input[name=password]").sendKeys(password, Keys.ENTER);
    until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));
  }

  /** The editor's content element, inside the shadow root that keeps CodeMirror's styles CSP-clean. */
  static WebElement editorContent(WebDriver driver) {
    return el(driver, ".editor-host").getShadowRoot().findElement(By.cssSelector(".cm-content"));
  }

  /** textContent (also of what is scrolled out of view). */
  static String text(WebDriver driver, String css) {
    Object value = js(driver, "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", css);
    return String.valueOf(value);
  }

  static long number(WebDriver driver, String script) {
    Object value = js(driver, script);
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
