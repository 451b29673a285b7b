package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.testkit.FakeSentry;
import io.sentry.Sentry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The web app's error hooks in real Chromium: an error thrown in the page reaches the fake Sentry,
 * tagged source=web.
 */
class ClientErrorBrowserTest {
  @TempDir static Path dir;
  private static BrowserFixture fx;
  private static FakeSentry sentry;

  @BeforeAll
  static void start() throws Exception {
    sentry = FakeSentry.start();
    fx = BrowserFixture.start(dir);
    // the fixture's system runs without a DSN; error tracking is process-wide, so it is switched on
    // here
    ErrorReports.init(new Config.ErrorTracking(sentry.dsn(), 1.0, "test", null), "edge");
  }

  @AfterAll
  static void stop() {
    try {
      ErrorReports.close();
      sentry.close();
    } finally {
      fx.close();
    }
  }

  @Test
  @DisplayName(
      "an uncaught error in the page reaches Sentry through POST /api/client-errors, with source=web and the path without its query")
  void thrownErrorReachesSentry() throws Exception {
    String marker = "page-bug-" + UUID.randomUUID();
    ChromeDriver driver = fx.browser(1280, 900);
    try {
      driver.get(fx.base + "/problems?token=secret-in-query");
      BrowserFixture.until(
          driver, d -> BrowserFixture.js(d, "return document.readyState").equals("complete"));
      // code run by WebDriver counts as another origin, whose errors browsers mute ("Script
      // error.", no error
      // object); the page's own uncaught errors reach the same listener as this event does
      BrowserFixture.js(
          driver,
          "const e = new TypeError(arguments[0]);"
              + " window.dispatchEvent(new ErrorEvent('error', { error: e, message: e.message, cancelable: true }));",
          marker);
      List<JsonObject> events = sentry.eventsUntil(marker, () -> Sentry.flush(1000));
      JsonObject event = events.getLast();
      assertThat(event.getJsonObject("tags").getMap()).containsEntry("source", "web");
      assertThat(event.getString("transaction")).isEqualTo("/problems");
      assertThat(
              event
                  .getJsonObject("exception")
                  .getJsonArray("values")
                  .getJsonObject(0)
                  .getString("type"))
          .isEqualTo("TypeError");
      assertThat(event.encode()).doesNotContain("secret-in-query");
    } finally {
      driver.quit();
    }
  }
}
