package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.js;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The web app as served by the edge: routes, headers, caching, and pages drawn in a real Chromium.
 */
class WebAppBrowserTest extends BrowserTest {
  @Test
  @DisplayName(
      "every page route (deep links too) answers the app's HTML with a strict CSP and no-cache; /api keeps problem+json 404s")
  void pageRoutesServeTheShell() throws Exception {
    for (String path :
        new String[] {
          "/",
          "/login",
          "/signup",
          "/dashboard",
          "/onboarding",
          "/account",
          "/billing",
          "/practice",
          "/interview/3b1f0f5e-0000-4000-8000-000000000000",
          "/sessions/3b1f0f5e-0000-4000-8000-000000000000/summary",
          "/terms",
          "/privacy"
        }) {
      HttpResponse<String> page = fixture.get(path, "text/html");
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
      String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp)
          .contains(
              "default-src 'self'",
              "object-src 'none'",
              "frame-ancestors 'none'",
              "style-src 'self';")
          .doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(csp).containsPattern("script-src 'self' 'sha256-[A-Za-z0-9+/=]+';");
      assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(page.body()).contains("<script type=\"importmap\">").doesNotContain("{{");
    }
    HttpResponse<String> unknownPage = fixture.get("/no-such-page", "text/html");
    assertThat(unknownPage.statusCode()).isEqualTo(404);
    assertThat(unknownPage.body()).contains("<main id=\"main\"");
    HttpResponse<String> api = fixture.get("/api/no-such-thing", "text/html");
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(api.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(api.body()).getInteger("status")).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "the app's assets and its WebJars are cached for a year under versioned URLs; an old build id or another jar is 404")
  void assetsAreVersionedAndLongCached() throws Exception {
    String shell = fixture.get("/", "text/html").body();
    Matcher main = Pattern.compile("src=\"(/assets/[0-9a-f]{12}/app/main\\.js)\"").matcher(shell);
    assertThat(main.find()).as(shell).isTrue();
    HttpResponse<String> script = fixture.get(main.group(1), "*/*");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(
            fixture
                .get(
                    main.group(1).replaceFirst("/assets/[0-9a-f]{12}/", "/assets/000000000000/"),
                    "*/*")
                .statusCode())
        .isEqualTo(404);
    assertThat(fixture.get(main.group(1).replace("app/main.js", "index.html"), "*/*").statusCode())
        .isEqualTo(404);

    Matcher view =
        Pattern.compile("\"@codemirror/view\":\"(/webjars/codemirror__view/[^\"]+)\"")
            .matcher(shell);
    assertThat(view.find()).as(shell).isTrue();
    HttpResponse<String> library = fixture.get(view.group(1), "*/*");
    assertThat(library.statusCode()).isEqualTo(200);
    assertThat(library.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(library.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    // only the import map's jars are served, not whatever else the classpath holds
    assertThat(fixture.get("/webjars/not-a-mapped-jar/1.0/index.js", "*/*").statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "the landing page draws in Chromium without a console error or CSP violation; its CTA leads to sign-up")
  void landing() {
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      driver.get(fixture.base + "/");
      until(driver, d -> find(d, "h1").getText().contains("Practise the interview"));
      assertThat(driver.getTitle()).contains("InterviewRoom");
      until(driver, d -> !d.findElements(By.cssSelector(".plan")).isEmpty());
      assertThat(consoleProblems(driver)).isEmpty();
      BrowserFixture.screenshot(driver, "landing");
      BrowserFixture.el(driver, ".hero a.btn-primary").click();
      until(driver, d -> d.getCurrentUrl().endsWith("/signup"));
      until(driver, d -> find(d, "h1").getText().equals("Create your account"));
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "sign-up with the keyboard alone: the terms must be accepted (the error summary takes focus and links to the box), then the first-run setup; the dashboard shows 3 credits")
  void signUpWithKeyboardAlone() {
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      driver.get(fixture.base + "/signup");
      BrowserFixture.el(driver, "input[name=terms]");
      until(driver, d -> "h1".equalsIgnoreCase(d.switchTo().activeElement().getTagName()));
      active(driver).sendKeys(Keys.TAB);
      assertThat(active(driver).getAttribute("name")).isEqualTo("email");
      active(driver).sendKeys(BrowserFixture.uniqueEmail(), Keys.TAB);
      assertThat(active(driver).getAttribute("name")).isEqualTo("password");
      active(driver).sendKeys("correct horse battery", Keys.ENTER);

      // no terms: nothing is sent, the summary says why and takes focus
      until(driver, d -> active(d).getAttribute("class").contains("error-summary"));
      assertThat(active(driver).getText())
          .contains("Agree to the Terms of Service and Privacy Policy");
      active(driver).sendKeys(Keys.TAB);
      assertThat(active(driver).getText()).startsWith("Agree to the Terms");
      active(driver).sendKeys(Keys.ENTER);
      assertThat(active(driver).getAttribute("name"))
          .as("the summary's link goes to the box")
          .isEqualTo("terms");
      active(driver).sendKeys(Keys.SPACE);
      assertThat(active(driver).isSelected()).isTrue();
      active(driver)
          .sendKeys(Keys.TAB, Keys.TAB, Keys.TAB); // the Terms and Privacy links, then the button
      assertThat(active(driver).getText()).isEqualTo("Create account");
      active(driver).sendKeys(Keys.ENTER);
      until(
          driver,
          d ->
              d.getCurrentUrl()
                  .endsWith("/onboarding")); // the first-run setup (AccountBrowserTest)
      driver.get(fixture.base + "/dashboard");
      until(driver, d -> BrowserFixture.find(d, "[data-stat=credits]").getText().equals("3"));
      assertThat(consoleProblems(driver)).isEmpty();
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "the login survives a reload and a new tab (refresh cookie, token in memory only), and / sends it to the dashboard; another account's or a missing session is a 404 page; logging out ends it")
  void loginLastsUntilLogout() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    fixture.signupOverApi(email, "correct horse battery");
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, email, "correct horse battery");
      driver.navigate().refresh();
      until(driver, d -> BrowserFixture.find(d, "[data-stat=credits]").getText().equals("3"));
      assertThat(
              js(
                  driver,
                  "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie"))
          .as("no token in script-readable storage")
          .asString()
          .doesNotContain("eyJ");
      driver.get(fixture.base + "/");
      until(driver, d -> d.getCurrentUrl().endsWith("/dashboard"));
      driver.get(fixture.base + "/sessions/" + java.util.UUID.randomUUID() + "/summary");
      until(driver, d -> BrowserFixture.find(d, "h1").getText().equals("Page not found"));
      driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
      driver.get(fixture.base + "/dashboard");
      until(driver, d -> BrowserFixture.find(d, "[data-stat=credits]").getText().equals("3"));
      BrowserFixture.el(driver, ".site-nav button").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/"));
      driver.get(fixture.base + "/dashboard");
      until(driver, d -> d.getCurrentUrl().contains("/login?next=%2Fdashboard"));
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "at 375 px the landing, sign-in, legal, dashboard and practice pages have no horizontal scroll; the interview shows the desktop gate below 1024 px with Continue anyway, and not at 1024 px")
  void layouts() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, "correct horse battery").getString("accessToken");
    JsonObject started =
        new JsonObject(
            fixture
                .post(
                    "/api/sessions/start",
                    bearer,
                    new JsonObject().put("problemSlug", "two-sum").put("language", "python"))
                .body());
    String sessionId = started.getString("sessionId");
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      viewport(driver, 375, 812);
      for (String path : new String[] {"/", "/login", "/signup", "/terms", "/privacy"}) {
        driver.get(fixture.base + path);
        BrowserFixture.el(driver, "h1");
        assertNoHorizontalScroll(driver, path);
        BrowserFixture.screenshot(
            driver, "375" + (path.equals("/") ? "-landing" : path.replace('/', '-')));
      }
      // the privacy page states the windows the server enforces (the fixture sets 75 and 21 days)
      until(
          driver,
          d -> BrowserFixture.find(d, "article.legal").getText().contains("kept for 75 days"));
      assertThat(BrowserFixture.find(driver, "article.legal").getText()).contains("within 21 days");
      InterviewBrowserTest.logIn(driver, email, "correct horse battery");
      BrowserFixture.el(driver, "[data-stat=credits]");
      assertNoHorizontalScroll(driver, "/dashboard");
      BrowserFixture.screenshot(driver, "375-dashboard");
      driver.get(fixture.base + "/practice");
      BrowserFixture.el(driver, "form.choose button[type=submit]").click();
      BrowserFixture.el(driver, ".preview h2");
      assertNoHorizontalScroll(driver, "/practice");

      driver.get(fixture.base + "/interview/" + sessionId);
      until(
          driver,
          d ->
              BrowserFixture.find(d, "h1")
                  .getText()
                  .equals("This interview needs a desktop browser"));
      assertNoHorizontalScroll(driver, "the gate");
      BrowserFixture.screenshot(driver, "375-interview-gate");
      assertThat(driver.findElements(By.cssSelector(".editor-host")))
          .as("nothing starts behind the gate")
          .isEmpty();
      BrowserFixture.el(driver, ".desktop-gate .btn-primary").click();
      BrowserFixture.el(driver, ".editor-host");

      viewport(driver, 1024, 768);
      driver.get(fixture.base + "/dashboard");
      BrowserFixture.el(driver, "[data-stat=credits]");
      driver.get(fixture.base + "/interview/" + sessionId);
      until(driver, d -> !d.findElements(By.cssSelector(".room .timer")).isEmpty());
      assertThat(driver.findElements(By.cssSelector(".desktop-gate"))).isEmpty();
      assertNoHorizontalScroll(driver, "the room at 1024 px");
      BrowserFixture.screenshot(driver, "1024-interview");
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "with no credits left, starting an interview says so in plain words and links to /billing")
  void noCreditsLeadsToBilling() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, "correct horse battery").getString("accessToken");
    for (int i = 0; i < 3; i++) {
      assertThat(
              fixture
                  .post(
                      "/api/sessions/start",
                      bearer,
                      new JsonObject().put("problemSlug", "two-sum").put("language", "python"))
                  .statusCode())
          .isEqualTo(201);
    }
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, email, "correct horse battery");
      until(driver, d -> BrowserFixture.find(d, "[data-stat=credits]").getText().equals("0"));
      driver.get(fixture.base + "/practice");
      BrowserFixture.el(driver, "form.choose button[type=submit]").click();
      BrowserFixture.el(driver, ".preview .actions .btn-primary").click();
      org.openqa.selenium.WebElement note =
          until(
              driver,
              d -> {
                var found =
                    d.findElements(By.cssSelector(".preview [role=alert] a[href='/billing']"));
                return found.isEmpty() ? null : found.get(0);
              });
      assertThat(BrowserFixture.find(driver, ".preview [role=alert]").getText())
          .contains("no interview credits left");
      note.click();
      until(driver, d -> d.getCurrentUrl().endsWith("/billing"));
      until(driver, d -> BrowserFixture.find(d, "h1").getText().equals("Credits and plans"));
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "the summary says \"Generating your evaluation…\" while none exists, refreshes by itself every 5 s, and shows a failed evaluation as such (so does the dashboard)")
  void summaryPendingThenFailed() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, "correct horse battery").getString("accessToken");
    String sessionId =
        new JsonObject(
                fixture
                    .post(
                        "/api/sessions/start",
                        bearer,
                        new JsonObject().put("problemSlug", "two-sum").put("language", "python"))
                    .body())
            .getString("sessionId");
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, email, "correct horse battery");
      driver.get(fixture.base + "/sessions/" + sessionId + "/summary");
      assertThat(BrowserFixture.el(driver, ".state-pending h2").getText())
          .isEqualTo("Generating your evaluation…");
      fixture.sql(
          "INSERT INTO evaluations (session_id, status, error) VALUES ($1::uuid, 'failed', 'test')",
          sessionId);
      new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(12))
          .until(d -> !d.findElements(By.cssSelector(".state-failed")).isEmpty());
      assertThat(BrowserFixture.find(driver, ".state-failed h2").getText())
          .isEqualTo("Evaluation failed");
      driver.get(fixture.base + "/dashboard");
      assertThat(BrowserFixture.el(driver, ".sessions .tag-failed").getText())
          .isEqualTo("Evaluation failed");
    } finally {
      driver.quit();
    }
  }

  private static void viewport(ChromeDriver driver, int width, int height) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        java.util.Map.of(
            "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }

  private static void assertNoHorizontalScroll(ChromeDriver driver, String what) {
    Object widths = js(driver, "return [document.documentElement.scrollWidth, window.innerWidth]");
    java.util.List<?> w = (java.util.List<?>) widths;
    assertThat(((Number) w.get(0)).longValue())
        .as(what + ": page width vs viewport")
        .isLessThanOrEqualTo(((Number) w.get(1)).longValue());
  }

  private static org.openqa.selenium.WebElement active(org.openqa.selenium.WebDriver driver) {
    return driver.switchTo().activeElement();
  }
}
