package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.js;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** A candidate looks back: progress over time on the dashboard, and the replay of an interview on its summary. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewBrowserTest {
  static final String PASSWORD = "correct horse battery";
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

  /** A completed session of {@code slug}, held {@code daysAgo} days ago in {@code group}, evaluated with these scores. */
  private void evaluatedSession(String userId, String slug, int daysAgo, String group, int score) throws Exception {
    fixture.sql("""
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
          FROM s""", userId, slug, daysAgo, group, score);
  }

  @Test
  @DisplayName("progress shows after two evaluated sessions: a Chart.js line chart drawn under the strict CSP, and a table with the same scores, narrowed by category with the keyboard")
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
      assertThat(canvas.getAttribute("aria-label")).contains("2 sessions", "4.5 at first", "7.5 most recently", "up 3.0");
      until(driver, d -> (Boolean) js(d, """
          const c = document.querySelector('.progress canvas');
          if (!c || c.width === 0) return false;
          const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
          return false;"""));

      WebElement view = find(driver, ".progress select");
      assertThat(find(driver, "label[for='" + view.getAttribute("id") + "']").getText()).isEqualTo("Show");
      view.sendKeys(Keys.END);
      until(driver, d -> find(d, ".progress-table caption").getText().contains("Group: plan-a"));
      assertThat(driver.findElements(By.cssSelector(".progress-table tbody tr"))).hasSize(2);
      view.sendKeys(Keys.HOME, Keys.ARROW_DOWN, Keys.ARROW_DOWN);
      until(driver, d -> find(d, ".progress-table caption").getText().contains("Category: hash-maps"));
      assertThat(driver.findElements(By.cssSelector(".progress-table tbody tr"))).hasSize(1);
      assertThat(find(driver, ".progress-table tbody tr").getText()).contains("Two Sum");
      assertThat(consoleProblems(driver)).isEmpty();
      BrowserFixture.screenshot(driver, "dashboard-progress");
    } finally {
      driver.quit();
    }
  }
}
