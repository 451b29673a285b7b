package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.testkit.oauth.FakeGitHub;
import com.interviewroom.testkit.oauth.FakeGoogle;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * "Continue with Google" and "Continue with GitHub" in real Chromium, the whole system pointed at
 * the fake providers (testkit): the browser really leaves for the provider's authorize page and
 * comes back through /auth/callback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderSignInBrowserTest {
  @TempDir static Path dir;
  BrowserFixture fixture;
  FakeGoogle google;
  FakeGitHub github;

  @BeforeAll
  void start() throws Exception {
    google = FakeGoogle.start();
    github = FakeGitHub.start();
    fixture =
        BrowserFixture.start(
            dir,
            base -> {
              Map<String, String> env = new HashMap<>(google.env(base));
              env.putAll(github.env(base));
              return env;
            });
  }

  @AfterAll
  void stop() {
    try {
      if (fixture != null) {
        fixture.close();
      }
    } finally {
      google.close();
      github.close();
    }
  }

  private static void signedInAs(WebDriver driver, String email) {
    until(driver, d -> !d.findElements(By.cssSelector("#site-nav a[href='/account']")).isEmpty());
    assertThat(find(driver, "#site-nav a[href='/account']").getAttribute("title"))
        .isEqualTo("Account: " + email);
  }

  @Test
  @DisplayName(
      "Continue with Google from sign-up: the terms come first, then Google, then the setup; later Continue with Google "
          + "on the login page goes straight to the dashboard")
  void googleFromSignUpToDashboard() {
    String email = BrowserFixture.uniqueEmail();
    google.signInAs(
        new FakeGoogle.User(
            "1" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L),
            email,
            true,
            "Grace Browser"));
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      driver.get(fixture.base + "/signup");
      el(driver, "button[data-provider=google]").click();
      // without the terms accepted nothing happens but the error
      until(driver, d -> find(d, ".error-summary").isDisplayed());
      assertThat(find(driver, ".error-summary").getText())
          .contains("Agree to the Terms of Service");
      assertThat(driver.getCurrentUrl()).endsWith("/signup");

      el(driver, "input[name=terms]").click();
      el(driver, "button[data-provider=google]").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/onboarding"));
      assertThat(el(driver, "h1").getText()).isEqualTo("Welcome to InterviewRoom");
      signedInAs(driver, email);
      el(driver, "[data-action=skip-setup]").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));

      el(driver, "#site-nav button").click(); // Log out
      until(driver, d -> !d.findElements(By.cssSelector("#site-nav a[href='/login']")).isEmpty());
      driver.get(fixture.base + "/login");
      el(driver, "button[data-provider=google]").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/dashboard"));
      signedInAs(driver, email);
      assertThat(consoleProblems(driver)).isEmpty();
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "Continue with GitHub from sign-up lands on the setup, signed in with the primary verified address")
  void gitHubFromSignUp() {
    String email = BrowserFixture.uniqueEmail();
    github.signInAs(
        new FakeGitHub.User(
            70_000_000L + (System.nanoTime() % 1_000_000),
            "browser-hub",
            "Browser Hub",
            List.of(
                new FakeGitHub.Email("old-" + email, false, true, null),
                new FakeGitHub.Email(email, true, true, "private"))));
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      driver.get(fixture.base + "/signup");
      el(driver, "input[name=terms]").click();
      el(driver, "button[data-provider=github]").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/onboarding"));
      signedInAs(driver, email);
      assertThat(consoleProblems(driver)).isEmpty();
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "a failed sign-in lands on /login with a plain message: an ID token for the wrong nonce, a GitHub account without a verified email")
  void failuresLandOnLoginWithAMessage() {
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      google.signInAs(
          new FakeGoogle.User("1987654321", BrowserFixture.uniqueEmail(), true, "Nonce Victim"));
      google.tamper(FakeGoogle.Tamper.WRONG_NONCE);
      try {
        driver.get(fixture.base + "/login");
        el(driver, "button[data-provider=google]").click();
        until(
            driver, d -> d.getCurrentUrl().equals(fixture.base + "/login?error=id_token_invalid"));
      } finally {
        google.tamper(FakeGoogle.Tamper.NONE);
      }
      until(driver, d -> find(d, ".error-summary").isDisplayed());
      assertThat(find(driver, ".error-summary").getText())
          .contains("We could not verify the sign-in with Google");
      assertThat(find(driver, "h1").getText()).isEqualTo("Log in");

      github.signInAs(
          new FakeGitHub.User(
              71_000_000L + (System.nanoTime() % 1_000_000),
              "unverified",
              null,
              List.of(new FakeGitHub.Email(BrowserFixture.uniqueEmail(), true, false, "private"))));
      el(driver, "button[data-provider=github]").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/login?error=email_unverified"));
      until(driver, d -> find(d, ".error-summary").getText().contains("no verified email address"));
      assertThat(consoleProblems(driver)).isEmpty();
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "Google with the email of a password account asks for that password first, then links: no silent takeover")
  void linkingAsksForThePassword() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    fixture.signupOverApi(email, "correct horse battery");
    google.signInAs(
        new FakeGoogle.User(
            "1555" + (System.nanoTime() % 1_000_000_000L), email, true, "Existing Person"));
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      driver.get(fixture.base + "/login");
      el(driver, "button[data-provider=google]").click();
      until(driver, d -> d.getCurrentUrl().startsWith(fixture.base + "/login?link="));
      assertThat(el(driver, ".notice").getText())
          .contains("Log in with its password to link your Google account");
      assertThat(driver.findElements(By.cssSelector("#site-nav a[href='/account']")))
          .as("not signed in yet")
          .isEmpty();
      el(driver, "input[name=email]").sendKeys(email);
      el(driver, "input[name=password]").sendKeys("correct horse battery");
      el(driver, "form.auth-form button[type=submit]").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));
      signedInAs(driver, email);

      el(driver, "#site-nav button").click(); // Log out
      until(driver, d -> !d.findElements(By.cssSelector("#site-nav a[href='/login']")).isEmpty());
      driver.get(fixture.base + "/login");
      el(driver, "button[data-provider=google]").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/dashboard"));
      signedInAs(driver, email);
    } finally {
      driver.quit();
    }
  }
}
