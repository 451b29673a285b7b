package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.js;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/** A person's own pages: the first-run setup, billing and the account, from sign-up to deletion. */
class AccountBrowserTest extends BrowserTest {
  static final String PASSWORD = "correct horse battery";

  @Test
  @DisplayName(
      "a newcomer at 375 px: sign-up leads to the setup, the microphone meter moves with the fake microphone, a test tone plays, "
          + "the tour ends on the dashboard; billing shows the past-due plan; the account edits the profile, downloads only their data, "
          + "and deleting it (typing the email) signs them out for good")
  void newcomerFromSignUpToDeletion() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String other = BrowserFixture.uniqueEmail();
    String otherBearer = fixture.signupOverApi(other, PASSWORD).getString("accessToken");
    fixture.post(
        "/api/sessions/start",
        otherBearer,
        new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    Path downloads = fixture.downloads;
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      mobile(driver);
      driver.get(fixture.base + "/signup");
      el(driver, "input[name=email]").sendKeys(email);
      el(driver, "input[name=password]").sendKeys(PASSWORD);
      el(driver, "input[name=terms]").click();
      el(driver, "form.auth-form button[type=submit]").click();

      // the setup: welcome with three points, at 375 px without sideways scrolling
      until(driver, d -> d.getCurrentUrl().endsWith("/onboarding"));
      assertThat(el(driver, "h1").getText()).isEqualTo("Welcome to InterviewRoom");
      assertThat(driver.findElements(By.cssSelector(".points li"))).hasSize(3);
      assertNoHorizontalScroll(driver, "welcome");
      assertFooter(driver);
      el(driver, "[data-action=next]").click();

      // microphone: the level meter follows the fake microphone's voice, then says it heard it
      until(driver, d -> find(d, ".onboarding-step h2").getText().equals("Microphone"));
      el(driver, "[data-action=mic-test]").click();
      long loudest = 0;
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (loudest < 30 && System.nanoTime() < deadline) {
        loudest =
            Math.max(
                loudest,
                Long.parseLong(find(driver, "[role=meter]").getAttribute("aria-valuenow")));
        Thread.sleep(50);
      }
      assertThat(loudest).as("the meter's highest reading (0–100)").isGreaterThanOrEqualTo(30);
      until(
          driver,
          d -> find(d, ".onboarding-step .form-status").getText().contains("We can hear you"));
      assertNoHorizontalScroll(driver, "microphone");
      BrowserFixture.screenshot(driver, "375-onboarding-microphone");
      el(driver, "[data-action=next]").click();

      // speakers: a click plays a short tone (its oscillator ends only if the audio really ran)
      until(driver, d -> find(d, ".onboarding-step h2").getText().equals("Speakers"));
      el(driver, "[data-action=play-tone]").click();
      until(
          driver, d -> "1".equals(find(d, "[data-action=play-tone]").getAttribute("data-played")));
      assertThat(find(driver, ".onboarding-step .form-status").getText())
          .isEqualTo("Did you hear a short tone?");
      el(driver, "[data-action=next]").click();

      // the tour of the interview screen, then the dashboard; the setup is stored
      until(driver, d -> find(d, ".onboarding-step h2").getText().equals("The interview screen"));
      assertThat(find(driver, ".tour").getText())
          .contains("Editor", "Run and Submit", "End interview");
      assertNoHorizontalScroll(driver, "tour");
      el(driver, "[data-action=next]").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));
      String bearer = accessToken(email);
      assertThat(profile(bearer).getBoolean("onboardingCompleted")).isTrue();
      assertFooter(driver);

      // billing: a subscription whose renewal failed yesterday
      fixture.sql(
          "INSERT INTO subscriptions (user_id, stripe_subscription_id, stripe_customer_id, plan, status, current_period_end, past_due_since) "
              + "SELECT id, 'sub_browser', 'cus_browser', 'unlimited_monthly', 'past_due', now() + interval '20 days', now() - interval '1 day' "
              + "FROM users WHERE email = $1",
          email);
      driver.get(fixture.base + "/billing");
      assertThat(el(driver, "[data-warning=payment_past_due]").getText())
          .contains("Your last payment failed");
      assertThat(find(driver, "[data-billing=plan]").getText()).isEqualTo("Unlimited Monthly");
      assertThat(find(driver, "[data-billing=status]").getText()).isEqualTo("Payment past due");
      assertThat(find(driver, "[data-billing=next-billing]").getText()).matches(".*\\d{4}.*");
      assertThat(find(driver, "[data-billing=credits]").getText()).contains("3");
      assertThat(find(driver, "[data-plan=starter] .plan-price").getText()).contains("9.99");
      assertThat(find(driver, "[data-plan=unlimited_monthly] .plan-price").getText())
          .contains("49.99", "month");
      assertThat(find(driver, "[data-plan=starter] button").isEnabled())
          .as("no publishable key: buying is off")
          .isFalse();
      assertThat(find(driver, "[data-billing=payments-off]").getText()).contains("not available");
      assertNoHorizontalScroll(driver, "billing");
      assertFooter(driver);
      BrowserFixture.screenshot(driver, "375-billing");
      el(driver, "[data-action=cancel]").click();
      until(driver, d -> find(d, "dialog[open]").getText().contains("Cancel your subscription?"));
      find(driver, "dialog[open] .btn-ghost").click(); // keep it
      until(driver, d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
      el(driver, "[data-action=cancel]").click();
      el(driver, "dialog[open] [data-action=confirm-cancel]").click();
      // this system has no Stripe: the refusal is shown in words, nothing changes
      until(
          driver,
          d ->
              find(d, ".card [role=alert]")
                  .getText()
                  .equals("Subscriptions are not configured on this server."));
      assertThat(find(driver, "[data-billing=status]").getText()).isEqualTo("Payment past due");
      js(driver, "document.querySelector('.card [role=alert]').textContent = ''");
      find(driver, "[data-action=manage]").click();
      until(
          driver,
          d ->
              find(d, ".card [role=alert]")
                  .getText()
                  .equals("Subscriptions are not configured on this server."));
      assertThat(driver.getCurrentUrl()).endsWith("/billing");

      // the account: the profile is edited and kept
      driver.get(fixture.base + "/account");
      el(driver, "input[name=displayName]").sendKeys("Ada Lovelace");
      new Select(find(driver, "select[name=experienceLevel]")).selectByValue("senior");
      find(driver, "input[name=targetCompanies]").sendKeys("Acme, Globex");
      find(driver, ".profile-form button[type=submit]").click();
      until(driver, d -> find(d, ".profile-form [role=status]").getText().equals("Saved."));
      driver.navigate().refresh();
      assertThat(el(driver, "input[name=displayName]").getAttribute("value"))
          .isEqualTo("Ada Lovelace");
      assertThat(
              new Select(find(driver, "select[name=experienceLevel]"))
                  .getFirstSelectedOption()
                  .getAttribute("value"))
          .isEqualTo("senior");
      assertThat(find(driver, "input[name=targetCompanies]").getAttribute("value"))
          .isEqualTo("Acme, Globex");
      assertNoHorizontalScroll(driver, "account");
      assertFooter(driver);

      // download my data: a JSON file with this person's data and nobody else's
      find(driver, "[data-action=export]").click();
      until(
          driver,
          d ->
              find(d, "[data-action=export] ~ [role=status]")
                  .getText()
                  .equals("Your data was downloaded as a JSON file."));
      Path file =
          until(
              driver,
              d -> {
                try (Stream<Path> files = Files.list(downloads)) {
                  return files
                      .filter(
                          f -> f.getFileName().toString().matches("interviewroom-data-.*\\.json"))
                      .findFirst()
                      .orElse(null);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      JsonObject data = new JsonObject(Files.readString(file));
      assertThat(data.getJsonObject("user").getString("email")).isEqualTo(email);
      assertThat(data.getJsonObject("profile").getString("display_name")).isEqualTo("Ada Lovelace");
      assertThat(data.encode()).doesNotContain(other);
      assertThat(data.getJsonArray("sessions"))
          .as("the other user started a session; this one did not")
          .isEmpty();

      // delete: the dialog wants the email typed; then the person is signed out and cannot sign in
      find(driver, "[data-action=delete]").click();
      el(driver, "dialog[open] input[name=confirmEmail]").sendKeys("someone@example.com");
      find(driver, "dialog[open] [data-action=confirm-delete]").click();
      until(
          driver,
          d ->
              find(d, "dialog[open] .field-error")
                  .getText()
                  .contains("Type your email address exactly"));
      assertThat(profile(bearer).getString("email")).as("nothing deleted yet").isEqualTo(email);
      find(driver, "dialog[open] input[name=confirmEmail]").clear();
      find(driver, "dialog[open] input[name=confirmEmail]").sendKeys(email, Keys.ENTER);
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/"));
      // a soft delete: disabled at once, restorable by signing in within the window (the fixture's
      // 21 days)
      until(
          driver,
          d ->
              find(d, "#toasts")
                  .getText()
                  .contains(
                      "Your account was deleted. Sign in again within 21 days to restore it"));
      assertThat(fixture.getWithBearer("/api/users/profile", bearer).statusCode()).isEqualTo(401);
      driver.get(fixture.base + "/account");
      until(driver, d -> d.getCurrentUrl().contains("/login?next=%2Faccount"));
      el(driver, "input[name=email]").sendKeys(email);
      el(driver, "input[name=password]").sendKeys(PASSWORD, Keys.ENTER);
      until(driver, d -> d.getCurrentUrl().endsWith("/account"));
      until(driver, d -> !d.findElements(By.cssSelector("input[name=displayName]")).isEmpty());
      assertThat(fixture.getWithBearer("/api/users/profile", bearer).statusCode())
          .as("the old token stays revoked")
          .isEqualTo(401);
      assertThat(consoleProblems(driver))
          .as("no CSP violation on these pages")
          .noneMatch(m -> m.contains("Content Security Policy"));
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "a newcomer whose browser blocks the microphone gets troubleshooting tips; Skip works on every step and the setup is not shown again; "
          + "Log out on the account page ends the login")
  void microphoneRefusedAndEveryStepSkipped() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.newcomerOverApi(email, PASSWORD).getString("accessToken");
    ChromeDriver driver = fixture.browser(1280, 900, false);
    try {
      driver.get(fixture.base + "/login");
      el(driver, "input[name=email]").sendKeys(email);
      el(driver, "input[name=password]").sendKeys(PASSWORD, Keys.ENTER);
      until(driver, d -> d.getCurrentUrl().endsWith("/onboarding"));
      skip(driver, "Welcome");
      until(driver, d -> find(d, ".onboarding-step h2").getText().equals("Microphone"));
      el(driver, "[data-action=mic-test]").click();
      String tips =
          until(
              driver,
              d -> {
                var found = d.findElements(By.cssSelector(".tips:not([hidden])"));
                return found.isEmpty() ? null : found.get(0).getText();
              });
      assertThat(tips)
          .contains(
              "blocked the microphone",
              "set Microphone to Allow",
              "latest Chrome, Edge or Firefox");
      assertThat(find(driver, "[data-action=mic-test]").getText()).isEqualTo("Try again");
      assertThat(profile(bearer).getBoolean("onboardingCompleted")).isFalse();
      skip(driver, "Microphone");
      skip(driver, "Speakers");
      skip(driver, "The interview screen");
      until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));
      assertThat(profile(bearer).getBoolean("onboardingCompleted")).isTrue();

      driver.get(fixture.base + "/account");
      el(driver, "[data-action=logout]").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/"));
      driver.get(fixture.base + "/account");
      until(driver, d -> d.getCurrentUrl().contains("/login?next=%2Faccount"));
      InterviewBrowserTest.logIn(
          driver, email, PASSWORD); // a returning user: straight to the dashboard
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "two browsers signed in to one account: Log out everywhere (after a confirmation that can be declined) in one sends it to /login, "
          + "and the other's next reload lands on /login too")
  void logOutEverywhere() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    fixture.signupOverApi(email, PASSWORD);
    ChromeDriver here = fixture.browser(1280, 900);
    ChromeDriver elsewhere = fixture.secondBrowser(1280, 900);
    try {
      InterviewBrowserTest.logIn(elsewhere, email, PASSWORD);
      InterviewBrowserTest.logIn(here, email, PASSWORD);
      here.get(fixture.base + "/account");
      el(here, "[data-action=logout-all]").click();
      var dialog = until(here, d -> find(d, "dialog[open]"));
      assertThat(dialog.getText()).contains("Log out everywhere?", "other browsers");
      // declining keeps everyone signed in
      dialog.findElement(By.xpath(".//button[normalize-space()='Stay signed in']")).click();
      until(here, d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
      here.navigate().refresh();
      until(here, d -> find(d, "h1").getText().equals("Your account"));

      el(here, "[data-action=logout-all]").click();
      until(here, d -> find(d, "dialog[open]"))
          .findElement(By.cssSelector("[data-action=confirm-logout-all]"))
          .click();
      until(here, d -> d.getCurrentUrl().equals(fixture.base + "/login"));
      until(here, d -> find(d, "#toasts").getText().contains("You were logged out everywhere."));
      assertThat(js(here, "return localStorage.getItem('interviewroom.signedIn')")).isNull();

      // the other browser still shows its page; its next reload has nothing left to refresh with
      elsewhere.navigate().refresh();
      until(elsewhere, d -> d.getCurrentUrl().contains("/login?next=%2Fdashboard"));
      until(elsewhere, d -> find(d, "h1").getText().equals("Log in"));
      here.get(fixture.base + "/account");
      until(here, d -> d.getCurrentUrl().contains("/login?next=%2Faccount"));
      assertThat(consoleProblems(here)).noneMatch(m -> m.contains("Content Security Policy"));
    } finally {
      here.quit();
      elsewhere.quit();
    }
  }

  @Test
  @DisplayName(
      "recording is on by default; the account page turns it off with the keyboard alone and the profile keeps it; the privacy page says that interviews are recorded and where to turn it off")
  void recordingSetting() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    fixture.signupOverApi(email, PASSWORD);
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      String bearer = accessToken(email);
      assertThat(profile(bearer).getBoolean("recordAudio")).isTrue();
      driver.get(fixture.base + "/account");
      WebElement box = el(driver, "input[name=recordAudio]");
      assertThat(box.isSelected()).isTrue();
      assertThat(find(driver, "label[for='" + box.getAttribute("id") + "']").getText())
          .isEqualTo("Record the audio of my interviews");
      WebElement reached = tabTo(driver, box);
      reached.sendKeys(Keys.SPACE);
      until(
          driver,
          d ->
              d.findElements(By.cssSelector(".card [role=status]")).stream()
                  .anyMatch(e -> e.getText().equals("Your next interviews are not recorded.")));
      assertThat(profile(bearer).getBoolean("recordAudio")).isFalse();
      driver.navigate().refresh();
      assertThat(el(driver, "input[name=recordAudio]").isSelected()).isFalse();

      driver.get(fixture.base + "/privacy");
      until(driver, d -> find(d, "main").getText().contains("Record the audio of my interviews"));
      assertThat(find(driver, "main").getText())
          .contains("each interview is recorded")
          .containsPattern("Interview recordings \\(audio\\) are kept for \\d+ days");
      assertThat(consoleProblems(driver)).noneMatch(m -> m.contains("Content Security Policy"));
    } finally {
      driver.quit();
    }
  }

  /** Presses Tab until {@code target} has the focus (at most 40 times). */
  private static WebElement tabTo(ChromeDriver driver, WebElement target) {
    for (int i = 0; i < 40; i++) {
      if (target.equals(driver.switchTo().activeElement())) {
        return target;
      }
      new org.openqa.selenium.interactions.Actions(driver).sendKeys(Keys.TAB).perform();
    }
    throw new AssertionError("Tab never reached " + target);
  }

  @Test
  @DisplayName(
      "a dashboard with more sessions than one page: Older and Newer page through them, reached and pressed with the keyboard alone")
  void dashboardPaging() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String userId = fixture.signupOverApi(email, PASSWORD).getJsonObject("user").getString("id");
    // 12 finished sessions, one hour apart, over the problems of the bank
    fixture.sql(
        """
        INSERT INTO sessions (user_id, problem_id, status, language, started_at, ended_at, duration_seconds, created_at)
        SELECT $1::uuid, ((SELECT array_agg(id ORDER BY slug) FROM problems))[1 + g % 3], 'completed', 'python',
               now() - g * interval '1 hour', now() - g * interval '1 hour' + interval '20 minutes', 1200, now() - g * interval '1 hour'
          FROM generate_series(1, 12) g""",
        userId);
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      until(driver, d -> find(d, "[data-stat=total-sessions]").getText().equals("12"));
      assertThat(el(driver, ".pager").getText()).contains("Page 1 of 2");
      List<String> first = sessionLinks(driver);
      assertThat(first).hasSize(10);
      assertThat(el(driver, ".pager button:first-of-type").isEnabled())
          .as("no newer page")
          .isFalse();

      WebElement older = tabTo(driver, "Older →");
      older.sendKeys(Keys.ENTER);
      until(
          driver,
          d ->
              d.getCurrentUrl().endsWith("/dashboard?page=2")
                  && find(d, ".pager").getText().contains("Page 2 of 2"));
      List<String> second = sessionLinks(driver);
      assertThat(second).hasSize(2).doesNotContainAnyElementsOf(first);
      assertThat(driver.findElement(By.xpath("//button[normalize-space()='Older →']")).isEnabled())
          .as("no older page")
          .isFalse();

      WebElement newer = tabTo(driver, "← Newer");
      newer.sendKeys(Keys.SPACE);
      until(
          driver,
          d ->
              d.getCurrentUrl().endsWith("/dashboard?page=1")
                  && find(d, ".pager").getText().contains("Page 1 of 2"));
      assertThat(sessionLinks(driver)).containsExactlyElementsOf(first);

      // a reload of the second page is served and shows it
      driver.get(fixture.base + "/dashboard?page=2");
      until(driver, d -> find(d, ".pager").getText().contains("Page 2 of 2"));
      assertThat(sessionLinks(driver)).containsExactlyElementsOf(second);
    } finally {
      driver.quit();
    }
  }

  /** The session links of the table, in order. */
  private static List<String> sessionLinks(WebDriver driver) {
    return driver.findElements(By.cssSelector("table.sessions tbody th a")).stream()
        .map(a -> a.getAttribute("pathname"))
        .toList();
  }

  /**
   * Presses Tab (from where focus is) until the button with this text has the focus; fails after 60
   * presses.
   */
  private static WebElement tabTo(WebDriver driver, String text) {
    for (int i = 0; i < 60; i++) {
      WebElement active = driver.switchTo().activeElement();
      if (text.equals(active.getText().strip())) {
        return active;
      }
      new org.openqa.selenium.interactions.Actions(driver).sendKeys(Keys.TAB).perform();
    }
    throw new AssertionError("Tab never reached \"" + text + "\"");
  }

  private static void skip(WebDriver driver, String step) {
    until(driver, d -> find(d, ".onboarding-step h2").getText().equals(step));
    find(driver, "[data-action=skip]").click();
  }

  private JsonObject profile(String bearer) throws Exception {
    return new JsonObject(fixture.getWithBearer("/api/users/profile", bearer).body());
  }

  /** A token for the person signed in through the browser (a second login over HTTP). */
  private String accessToken(String email) throws Exception {
    var login =
        fixture.post(
            "/api/auth/login",
            null,
            new JsonObject().put("email", email).put("password", PASSWORD));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return new JsonObject(login.body()).getString("accessToken");
  }

  private static void assertFooter(WebDriver driver) {
    List<String> links =
        driver.findElements(By.cssSelector(".site-footer a")).stream()
            .map(a -> a.getAttribute("pathname"))
            .toList();
    assertThat(links).contains("/terms", "/privacy");
  }

  private static void mobile(ChromeDriver driver) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", 375, "height", 812, "deviceScaleFactor", 1, "mobile", true));
  }

  private static void assertNoHorizontalScroll(ChromeDriver driver, String what) {
    List<?> w =
        (List<?>) js(driver, "return [document.documentElement.scrollWidth, window.innerWidth]");
    assertThat(((Number) w.get(0)).longValue())
        .as(what + ": page width vs viewport")
        .isLessThanOrEqualTo(((Number) w.get(1)).longValue());
  }
}
