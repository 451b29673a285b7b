package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.js;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A candidate looks back: progress over time on the dashboard, and the replay of an interview on
 * its summary.
 */
class ReviewBrowserTest extends BrowserTest {
  static final String PASSWORD = "correct horse battery";

  // two-second chunks: the replay joins several of them into one timeline
  @Override
  java.util.Map<String, String> extraEnv() {
    return java.util.Map.of("RECORDING_CHUNK_SECONDS", "2");
  }

  /**
   * A completed session of {@code slug}, held {@code daysAgo} days ago in {@code group}, evaluated
   * with these scores.
   */
  private void evaluatedSession(String userId, String slug, int daysAgo, String group, int score)
      throws Exception {
    fixture.sql(
        """
        WITH s AS (
          INSERT INTO sessions (user_id, problem_id, status, language, started_at, ended_at, duration_seconds, created_at, group_id)
          SELECT $1::uuid, p.id, 'completed', 'python', now() - $3 * interval '1 day', now() - $3 * interval '1 day' + interval '20 minutes',
                 1200, now() - $3 * interval '1 day', $4
            FROM problems p WHERE p.slug = $2
          RETURNING id)
        INSERT INTO evaluations (session_id, status, rubric_version, model, scores, overall_score, recommendation)
        SELECT s.id, 'completed', 'v1', 'heuristic',
               jsonb_build_object('problem_solving', $5::int, 'code_quality', $5::int - 1, 'communication', NULL,
                                  'efficiency', $5::int, 'testing', $5::int - 2, 'overall', $5::int - 0.5),
               $5::int - 0.5, 'maybe'
          FROM s""",
        userId,
        slug,
        daysAgo,
        group,
        score);
  }

  @Test
  @DisplayName(
      "progress shows after two evaluated sessions: a Chart.js line chart drawn under the strict CSP, and a table with the same scores, narrowed by category with the keyboard")
  void progressAfterTwoSessions() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String userId = fixture.signupOverApi(email, PASSWORD).getJsonObject("user").getString("id");
    evaluatedSession(userId, "two-sum", 3, "plan-a", 5);
    ChromeDriver driver = fixture.browser(1280, 1000);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      until(driver, d -> "waiting".equals(find(d, ".progress").getAttribute("data-progress")));
      assertThat(el(driver, ".progress").getText()).contains("after the next one");
      assertThat(driver.findElements(By.cssSelector(".progress canvas"))).isEmpty();

      evaluatedSession(userId, "climbing-stairs", 1, "plan-a", 8);
      driver.navigate().refresh();
      until(driver, d -> "shown".equals(find(d, ".progress").getAttribute("data-progress")));
      List<WebElement> rows = driver.findElements(By.cssSelector(".progress-table tbody tr"));
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0).getText()).contains("Two Sum", "4.5", "5.0", "not assessed");
      assertThat(rows.get(1).getText()).contains("Climbing Stairs", "7.5", "8.0");
      assertThat(find(driver, ".progress-table caption").getText()).contains("oldest first");
      WebElement canvas = find(driver, ".progress canvas");
      assertThat(canvas.getAttribute("role")).isEqualTo("img");
      assertThat(canvas.getAttribute("aria-label"))
          .contains("2 sessions", "4.5 at first", "7.5 most recently", "up 3.0");
      until(
          driver,
          d ->
              (Boolean)
                  js(
                      d,
                      """
          const c = document.querySelector('.progress canvas');
          if (!c || c.width === 0) return false;
          const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
          return false;"""));

      WebElement view = find(driver, ".progress select");
      assertThat(find(driver, "label[for='" + view.getAttribute("id") + "']").getText())
          .isEqualTo("Show");
      view.sendKeys(Keys.END);
      until(driver, d -> find(d, ".progress-table caption").getText().contains("Group: plan-a"));
      assertThat(driver.findElements(By.cssSelector(".progress-table tbody tr"))).hasSize(2);
      view.sendKeys(Keys.HOME, Keys.ARROW_DOWN, Keys.ARROW_DOWN);
      until(
          driver,
          d -> find(d, ".progress-table caption").getText().contains("Category: hash-maps"));
      assertThat(driver.findElements(By.cssSelector(".progress-table tbody tr"))).hasSize(1);
      assertThat(find(driver, ".progress-table tbody tr").getText()).contains("Two Sum");
      assertThat(consoleProblems(driver)).isEmpty();
      BrowserFixture.screenshot(driver, "dashboard-progress");
    } finally {
      driver.quit();
    }
  }

  private static long position(org.openqa.selenium.WebDriver driver) {
    return Long.parseLong(find(driver, ".replay").getAttribute("data-position"));
  }

  private static String shownCode(org.openqa.selenium.WebDriver driver) {
    return (String) js(driver, "return document.querySelector('.replay-code code').textContent");
  }

  private static String activeLine(org.openqa.selenium.WebDriver driver) {
    List<WebElement> active =
        driver.findElements(By.cssSelector(".replay-line[aria-current=true]"));
    return active.isEmpty() ? null : active.get(0).getAttribute("data-item");
  }

  @Test
  @DisplayName(
      "replay: after an interview with the local interviewer, the summary plays the recording as one timeline; the highlighted line and the code follow the scrubber (keyboard), and a transcript line, a run mark or an evidence link seeks there")
  void replayFollowsThePosition() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, PASSWORD).getString("accessToken");
    var started =
        fixture.post(
            "/api/sessions/start",
            bearer,
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String sessionId = new JsonObject(started.body()).getString("sessionId");
    ChromeDriver driver = fixture.browser(1280, 1000);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      driver.get(fixture.base + "/interview/" + sessionId);
      until(
          driver,
          d ->
              InterviewBrowserTest.number(d, "return window.interviewRoom.audio.samplesPlayed")
                  > 24_000);
      until(
          driver,
          d ->
              InterviewBrowserTest.number(
                      d, "return document.querySelectorAll('.transcript .said-user').length")
                  >= 1);
      WebElement editor = until(driver, d -> InterviewBrowserTest.editorContent(d));
      editor.click();
      editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
      editor.sendKeys(
          "# step one",
          Keys.ENTER,
          "class Solution:",
          Keys.ENTER,
          "def twoSum(self, nums, target):",
          Keys.ENTER,
          "return [0, 1]");
      el(driver, ".toolbar-actions .btn-secondary").click();
      until(driver, d -> find(d, ".output-status").getText().contains("Completed in"));
      Thread.sleep(3_000);
      editor = InterviewBrowserTest.editorContent(driver);
      editor.click();
      editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.HOME), "# step two", Keys.ENTER);
      Thread.sleep(2_000);
      el(driver, ".topbar .btn-danger").click();
      until(driver, d -> find(d, "dialog[open]"))
          .findElement(By.cssSelector(".btn-danger"))
          .click();
      until(driver, d -> d.getCurrentUrl().endsWith("/sessions/" + sessionId + "/summary"));

      // the replay is read again once the evaluation is done: by then the final code and the last
      // chunk are stored
      new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(250))
          .until(d -> !d.findElements(By.cssSelector(".overall")).isEmpty());
      until(driver, d -> "completed".equals(find(d, ".replay").getAttribute("data-loaded-for")));
      // the replay: the recording's metadata, the transcript and the run on one timeline
      until(driver, d -> "audio".equals(find(d, ".replay").getAttribute("data-replay")));
      assertThat(driver.findElements(By.cssSelector(".replay-unavailable"))).isEmpty();
      List<WebElement> lines = driver.findElements(By.cssSelector(".replay-line"));
      assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
      // our run, and the evaluator's run of the final code after the end (the code changed since
      // the run)
      assertThat(
              driver.findElements(By.cssSelector(".replay-mark")).stream()
                  .map(WebElement::getText)
                  .toList())
          .containsExactly("Run 1", "Final grading");
      WebElement scrubber = find(driver, ".replay-scrubber");
      assertThat(find(driver, "label[for='" + scrubber.getAttribute("id") + "']").getText())
          .isEqualTo("Position in the interview");
      long duration = Long.parseLong(scrubber.getAttribute("max"));
      assertThat(duration).as("the interview lasted well over 5 s").isGreaterThan(5_000);

      // Play loads every chunk, joins them into one WAV and plays it: the position moves
      WebElement play = find(driver, ".replay-play");
      play.click();
      until(driver, d -> "playable".equals(find(d, ".replay").getAttribute("data-replay")));
      until(driver, d -> position(d) > 500);
      assertThat(find(driver, ".replay-play").getText()).isEqualTo("Pause");
      assertThat(
              ((Number)
                      js(
                          driver,
                          "return document.querySelector('audio.replay-audio').duration * 1000"))
                  .doubleValue())
          .as("one file as long as the recording")
          .isCloseTo((double) duration, org.assertj.core.data.Offset.offset(100.0));
      find(driver, ".replay-play").click();
      until(driver, d -> find(d, ".replay-play").getText().equals("Play"));

      // the keyboard moves the scrubber: the start and the end show different lines and code
      scrubber.sendKeys(Keys.HOME);
      until(driver, d -> position(d) == 0);
      String lineAtStart = activeLine(driver);
      String codeAtStart = shownCode(driver);
      assertThat(codeAtStart).doesNotContain("# step one").doesNotContain("# step two");
      scrubber.sendKeys(Keys.END);
      until(driver, d -> Math.abs(position(d) - duration) < 300);
      assertThat(shownCode(driver)).contains("# step two", "# step one");
      String lineAtEnd = activeLine(driver);
      assertThat(lineAtEnd).isNotNull().isNotEqualTo(lineAtStart);
      assertThat(find(driver, ".replay-scrubber").getAttribute("aria-valuetext"))
          .contains("minute", "of");

      // the run's mark: the code as it was run, before the second edit
      find(driver, ".replay-mark[data-run='0']").click();
      until(
          driver, d -> shownCode(d).contains("# step one") && !shownCode(d).contains("# step two"));
      assertThat(find(driver, ".replay-run").getText()).startsWith("Last run at");

      // a transcript line seeks to its moment and is highlighted
      WebElement first = driver.findElements(By.cssSelector(".replay-line")).get(0);
      WebElement second = driver.findElements(By.cssSelector(".replay-line")).get(1);
      long secondMs = Long.parseLong(second.getAttribute("data-ms"));
      second.click();
      until(driver, d -> Math.abs(position(d) - secondMs) < 300);
      assertThat(activeLine(driver)).isEqualTo(second.getAttribute("data-item"));
      first.sendKeys(Keys.ENTER);
      until(driver, d -> first.getAttribute("data-item").equals(activeLine(d)));

      // an evidence link of the evaluation seeks as well
      List<WebElement> evidence =
          driver.findElements(
              By.cssSelector(
                  ".evidence-link[data-ref^='snapshot:'], .evidence-link[data-ref^='transcript:']"));
      assertThat(evidence).isNotEmpty();
      scrubber.sendKeys(Keys.HOME);
      until(driver, d -> position(d) == 0);
      String lineAtZero = activeLine(driver);
      String snapshotAtZero = find(driver, ".replay").getAttribute("data-snapshot");
      WebElement link =
          evidence.stream()
              .filter(
                  e ->
                      !e.getAttribute("data-ref").equals("transcript:" + lineAtZero)
                          && !e.getAttribute("data-ref").equals("snapshot:" + snapshotAtZero))
              .findFirst()
              .orElseThrow();
      String ref = link.getAttribute("data-ref");
      link.click();
      if (ref.startsWith("transcript:")) {
        until(driver, d -> ref.substring("transcript:".length()).equals(activeLine(d)));
      } else {
        until(
            driver,
            d ->
                ref.substring("snapshot:".length())
                    .equals(find(d, ".replay").getAttribute("data-snapshot")));
      }
      assertThat(
              number(
                  driver, "return document.querySelectorAll('.replay script, .replay img').length"))
          .isZero();
      assertThat(consoleProblems(driver)).isEmpty();
      BrowserFixture.screenshot(driver, "summary-replay");
    } finally {
      BrowserFixture.screenshot(driver, "last-replay");
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
      "without a recording the summary says so, Play is off, and Next/Previous moment and the lines still step the transcript and the code (hostile text stays text)")
  void noRecordingStillSteps() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String userId = fixture.signupOverApi(email, PASSWORD).getJsonObject("user").getString("id");
    evaluatedSession(userId, "two-sum", 1, null, 6);
    fixture.sql(
        """
        WITH s AS (SELECT id FROM sessions WHERE user_id = $1::uuid),
             t AS (INSERT INTO transcripts (session_id, item_id, role, text, turn_started_at)
                   SELECT s.id, v.item, v.role, v.text, now() - interval '1 day' + v.at
                     FROM s, (VALUES ('item_1', 'assistant', 'Walk me through it.', interval '30 seconds'),
                                     ('item_2', 'user', '<img src=x onerror=window.__pwned=1> I would hash.', interval '2 minutes')) AS v(item, role, text, at))
        INSERT INTO code_snapshots (session_id, code, language, snapshot_type, created_at)
        SELECT s.id, v.code, 'python', 'auto', now() - interval '1 day' + v.at
          FROM s, (VALUES ('first draft', interval '1 minute'), ('second draft', interval '3 minutes')) AS v(code, at)""",
        userId);
    ChromeDriver driver = fixture.browser(1280, 1000);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      el(driver, "table.sessions tbody th a").click();
      until(driver, d -> "silent".equals(find(d, ".replay").getAttribute("data-replay")));
      assertThat(el(driver, ".replay-unavailable").getText()).startsWith("Recording unavailable");
      assertThat(find(driver, ".replay-play").isEnabled()).isFalse();
      assertThat(shownCode(driver)).isEmpty();
      WebElement next = driver.findElement(By.xpath("//button[normalize-space()='Next moment ▶']"));
      next.click();
      until(driver, d -> "item_1".equals(activeLine(d)));
      assertThat(shownCode(driver)).isEmpty();
      next.sendKeys(Keys.ENTER);
      until(driver, d -> "first draft".equals(shownCode(d)));
      next.sendKeys(Keys.ENTER);
      until(driver, d -> "item_2".equals(activeLine(d)));
      assertThat(find(driver, ".replay-line[data-item=item_2]").getText())
          .contains("<img src=x onerror=window.__pwned=1>");
      next.sendKeys(Keys.ENTER);
      until(driver, d -> "second draft".equals(shownCode(d)));
      driver.findElement(By.xpath("//button[normalize-space()='◀ Previous moment']")).click();
      until(driver, d -> "first draft".equals(shownCode(d)));
      find(driver, ".replay-line[data-item=item_1]").click();
      until(driver, d -> "item_1".equals(activeLine(d)) && shownCode(d).isEmpty());
      assertThat(number(driver, "return document.querySelectorAll('.replay img').length")).isZero();
      assertThat(js(driver, "return window.__pwned === undefined")).isEqualTo(true);
      assertThat(consoleProblems(driver)).isEmpty();
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "the replay's WAV join, in the browser: stereo chunks mixed to mono at their startMs, a missing chunk is silence, a non-PCM file is refused")
  void wavJoin() throws Exception {
    ChromeDriver driver = fixture.browser(800, 600);
    try {
      driver.get(fixture.base + "/");
      el(driver, "main");
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> result =
          (java.util.Map<String, Object>)
              ((org.openqa.selenium.JavascriptExecutor) driver)
                  .executeAsyncScript(
                      """
          const done = arguments[arguments.length - 1];
          const base = document.querySelector('script[type=module]').src.replace(/app\\/main\\.js$/, '');
          import(base + 'app/pages/summary/wav.js').then(async ({ MonoTimeline, parseWav }) => {
            // a 16-bit PCM stereo WAV of `frames` frames at 1 kHz, left and right constant
            const wav = (frames, left, right, format = 1) => {
              const b = new ArrayBuffer(44 + frames * 4); const v = new DataView(b);
              const put = (at, t) => [...t].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
              put(0, 'RIFF'); v.setUint32(4, 36 + frames * 4, true); put(8, 'WAVE'); put(12, 'fmt ');
              v.setUint32(16, 16, true); v.setUint16(20, format, true); v.setUint16(22, 2, true); v.setUint32(24, 1000, true);
              v.setUint32(28, 4000, true); v.setUint16(32, 4, true); v.setUint16(34, 16, true); put(36, 'data'); v.setUint32(40, frames * 4, true);
              for (let i = 0; i < frames; i += 1) { v.setInt16(44 + 4 * i, left, true); v.setInt16(46 + 4 * i, right, true); }
              return b;
            };
            // chunk 0: 0-500 ms; chunk 1 (500-1000 ms) lost; chunk 2: 1000-1500 ms
            const timeline = new MonoTimeline(1500);
            timeline.add(0, wav(500, 1000, 3000));
            timeline.add(1000, wav(500, -4000, 0));
            const blob = timeline.blob();
            const joined = parseWav(await blob.arrayBuffer());
            let refused = '';
            try { parseWav(wav(10, 1, 1, 3)); } catch (e) { refused = e.message; }
            done({ type: blob.type, channels: joined.channels, rate: joined.sampleRate, length: joined.samples.length,
                   first: joined.samples[0], last0: joined.samples[499], gap: joined.samples[700], second: joined.samples[1000],
                   end: joined.samples[1499], refused });
          }).catch((e) => done({ error: String(e) }));""");
      assertThat(result).doesNotContainKey("error");
      assertThat(result)
          .containsEntry("type", "audio/wav")
          .containsEntry("channels", 1L)
          .containsEntry("rate", 1000L)
          .containsEntry("length", 1500L);
      assertThat(result)
          .containsEntry("first", 2000L)
          .containsEntry("last0", 2000L)
          .containsEntry("gap", 0L)
          .containsEntry("second", -2000L)
          .containsEntry("end", -2000L);
      assertThat((String) result.get("refused")).contains("16-bit PCM");
    } finally {
      driver.quit();
    }
  }

  private static long number(ChromeDriver driver, String script) {
    return InterviewBrowserTest.number(driver, script);
  }
}
