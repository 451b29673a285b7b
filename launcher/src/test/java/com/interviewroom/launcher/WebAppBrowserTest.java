package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.consoleProblems;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/** The web app as served by the edge: routes, headers, caching, and pages drawn in a real Chromium. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAppBrowserTest {
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
  @DisplayName("every page route (deep links too) answers the app's HTML with a strict CSP and no-cache; /api keeps problem+json 404s")
  void pageRoutesServeTheShell() throws Exception {
    for (String path : new String[] {"/", "/login", "/signup", "/dashboard", "/practice", "/interview/3b1f0f5e-0000-4000-8000-000000000000",
        "/sessions/3b1f0f5e-0000-4000-8000-000000000000/summary", "/terms", "/privacy"}) {
      HttpResponse<String> page = fixture.get(path, "text/html");
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
      String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "style-src 'self';")
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
  @DisplayName("the app's assets and its WebJars are cached for a year under versioned URLs; an old build id or another jar is 404")
  void assetsAreVersionedAndLongCached() throws Exception {
    String shell = fixture.get("/", "text/html").body();
    Matcher main = Pattern.compile("src=\"(/assets/[0-9a-f]{12}/app/main\\.js)\"").matcher(shell);
    assertThat(main.find()).as(shell).isTrue();
    HttpResponse<String> script = fixture.get(main.group(1), "*/*");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(script.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(fixture.get(main.group(1).replaceFirst("/assets/[0-9a-f]{12}/", "/assets/000000000000/"), "*/*").statusCode()).isEqualTo(404);
    assertThat(fixture.get(main.group(1).replace("app/main.js", "index.html"), "*/*").statusCode()).isEqualTo(404);

    Matcher view = Pattern.compile("\"@codemirror/view\":\"(/webjars/codemirror__view/[^\"]+)\"").matcher(shell);
    assertThat(view.find()).as(shell).isTrue();
    HttpResponse<String> library = fixture.get(view.group(1), "*/*");
    assertThat(library.statusCode()).isEqualTo(200);
    assertThat(library.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(library.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    // only the import map's jars are served, not whatever else the classpath holds
    assertThat(fixture.get("/webjars/not-a-mapped-jar/1.0/index.js", "*/*").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("the landing page draws in Chromium without a console error or CSP violation; its CTA leads to sign-up")
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
}
