package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.events.EventStream;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The operator console in Chromium: an operator sees a failure the detector found and resolves it
 * with the keyboard.
 */
class AdminBrowserTest {
  @TempDir static Path dir;
  private static BrowserFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = BrowserFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  @DisplayName(
      "an operator finds an interview whose interviewer went silent, opens it, and resolves the failure from the keyboard")
  void operatorResolvesAnInducedFailure() throws Exception {
    String operator = BrowserFixture.uniqueEmail();
    fixture.signupOverApi(operator, "correct horse battery");
    fixture.sql(
        "INSERT INTO admins (user_id, granted_by) SELECT id, 'browser-test' FROM users WHERE email = $1",
        operator);
    JsonObject candidate =
        fixture.signupOverApi(BrowserFixture.uniqueEmail(), "correct horse battery");
    HttpResponse<String> started =
        fixture.post(
            "/api/sessions/start",
            candidate.getString("accessToken"),
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String sessionId = new JsonObject(started.body()).getString("sessionId");

    // induced: the voice bridge's announcement of a silent interviewer, on the running system's
    // stream
    Redis redis = Redis.createClient(fixture.running.vertx(), fixture.running.config().redisUrl());
    try {
      redis
          .send(
              Request.cmd(Command.XADD)
                  .arg(EventStream.STREAM)
                  .arg("*")
                  .arg("type")
                  .arg(EventStream.VOICE_SILENCE)
                  .arg("sessionId")
                  .arg(sessionId)
                  .arg("userId")
                  .arg("")
                  .arg("requestId")
                  .arg("browser-test")
                  .arg("data")
                  .arg(new JsonObject().put("silentMs", 21_000).put("provider", "local").encode()))
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } finally {
      redis.close();
    }

    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, operator, "correct horse battery");
      driver.get(fixture.base + "/admin?hasFailures=true");
      until(driver, d -> find(d, "h1").getText().equals("Operator console"));
      // the detector works asynchronously: reload until the session is listed
      WebElement row =
          until(
              driver,
              d -> {
                var rows =
                    d.findElements(
                        org.openqa.selenium.By.cssSelector("tr[data-session='" + sessionId + "']"));
                if (rows.isEmpty()) {
                  d.navigate().refresh();
                  return null;
                }
                return rows.get(0);
              });
      assertThat(find(row, "[data-health]").getText()).isEqualTo("70");
      assertThat(find(row, "[data-failures]").getText()).isEqualTo("1");
      assertThat(el(driver, "[data-stat='open-failures']").getText()).isEqualTo("1");

      find(row, "a").sendKeys(Keys.ENTER);
      until(driver, d -> d.getCurrentUrl().endsWith("/admin/sessions/" + sessionId));
      WebElement failure = until(driver, d -> find(d, "tr[data-kind='interviewer_silent']"));
      assertThat(find(failure, "[data-status]").getText()).isEqualTo("open");
      assertThat(find(failure, "[data-severity]").getText()).isEqualTo("high");
      WebElement resolve = find(failure, "button[data-action='resolved']");
      assertThat(resolve.getAttribute("aria-label")).isEqualTo("Resolve: Interviewer silent");
      resolve.sendKeys(Keys.ENTER);
      until(
          driver,
          d ->
              "resolved"
                  .equals(find(d, "tr[data-kind='interviewer_silent'] [data-status]").getText()));
      assertThat(
              driver.findElements(
                  org.openqa.selenium.By.cssSelector(
                      "tr[data-kind='interviewer_silent'] button[data-action='resolved']")))
          .isEmpty();
      assertThat(BrowserFixture.consoleProblems(driver)).isEmpty();
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName("a candidate who opens /admin is told it is for operators")
  void candidatesAreTurnedAway() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    fixture.signupOverApi(email, "correct horse battery");
    ChromeDriver driver = fixture.browser(1024, 800);
    try {
      InterviewBrowserTest.logIn(driver, email, "correct horse battery");
      driver.get(fixture.base + "/admin");
      until(driver, d -> find(d, "[role='alert'] h1").getText().equals("Operators only"));
    } finally {
      driver.quit();
    }
  }

  static String unused() {
    return UUID.randomUUID().toString();
  }
}
