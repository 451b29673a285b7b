package com.interviewroom.edge.webapp;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The web app's answers over HTTP: HSTS only over HTTPS, an absolute og:image from PUBLIC_BASE_URL.
 */
class WebAppHeadersTest {
  private static final String PUBLIC_BASE_URL = "https://interviews.example.com:8443/some/path";
  private static final Pattern OG_IMAGE =
      Pattern.compile("<meta property=\"og:image\" content=\"([^\"]+)\">");

  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    new WebAppRoutes(WebAppAssets.shared(), PUBLIC_BASE_URL).mount(router);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static HttpResponse<Buffer> get(String path, String forwardedProto) {
    HttpRequest<Buffer> request =
        client.get(server.actualPort(), "127.0.0.1", path).putHeader("Accept", "text/html");
    if (forwardedProto != null) {
      request.putHeader("X-Forwarded-Proto", forwardedProto);
    }
    return await(request.send());
  }

  @Test
  @DisplayName(
      "Strict-Transport-Security on the shell and the assets when the browser came over HTTPS (X-Forwarded-Proto), never over plain HTTP")
  void hstsOnlyOverHttps() {
    String asset = ogImage(get("/", null)).replaceFirst("^https://[^/]+", "");
    for (String path : new String[] {"/", "/dashboard", "/no-such-page", asset}) {
      HttpResponse<Buffer> https = get(path, "https");
      assertThat(https.getHeader("Strict-Transport-Security"))
          .as(path)
          .isEqualTo("max-age=31536000");
      assertThat(get(path, "HTTPS, http").getHeader("Strict-Transport-Security"))
          .as("the first hop's scheme counts")
          .isNotNull();
      for (String plain : new String[] {null, "http", "http, https"}) {
        HttpResponse<Buffer> response = get(path, plain);
        assertThat(response.statusCode()).isEqualTo(https.statusCode());
        assertThat(response.getHeader("Strict-Transport-Security"))
            .as(path + " over " + plain)
            .isNull();
      }
    }
  }

  @Test
  @DisplayName("og:image is an absolute URL on PUBLIC_BASE_URL's origin, and that image is served")
  void absoluteOgImage() {
    HttpResponse<Buffer> shell = get("/", null);
    String image = ogImage(shell);
    assertThat(image)
        .matches("https://interviews\\.example\\.com:8443/assets/[0-9a-f]{12}/img/og\\.png");
    assertThat(shell.bodyAsString()).doesNotContain("{{");
    HttpResponse<Buffer> png = get(image.replaceFirst("^https://[^/]+", ""), null);
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.getHeader("Content-Type")).isEqualTo("image/png");
  }

  private static String ogImage(HttpResponse<Buffer> shell) {
    Matcher matcher = OG_IMAGE.matcher(shell.bodyAsString());
    assertThat(matcher.find()).as("an og:image meta tag").isTrue();
    return matcher.group(1);
  }

  @Test
  @DisplayName(
      "connect-src names the object store's origin (for the replay's presigned chunks) and nothing more; without a store, only 'self'")
  void connectSrcNamesTheStore() {
    String withStore =
        new WebAppRoutes(
                WebAppAssets.shared(),
                PUBLIC_BASE_URL,
                StripeJsPolicy.NONE,
                "https://media.example.com:9000/some/prefix?x=1")
            .contentSecurityPolicy();
    assertThat(withStore)
        .contains("connect-src 'self' https://media.example.com:9000;")
        .contains("media-src 'self' blob:;")
        .doesNotContain("/some/prefix")
        .doesNotContain("unsafe");
    assertThat(new WebAppRoutes(WebAppAssets.shared(), PUBLIC_BASE_URL).contentSecurityPolicy())
        .contains("connect-src 'self';");
  }
}
