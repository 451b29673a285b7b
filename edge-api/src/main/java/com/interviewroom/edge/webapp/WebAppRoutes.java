package com.interviewroom.edge.webapp;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.auth.AuthRoutes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Serves the candidate web app: the HTML shell for every page route (deep links and reloads work),
 * the app's own files under {@code /assets/<build id>/} and the WebJars under {@code /webjars/},
 * both cached for a year (their URLs change when their content does), the shell never cached.
 * Mounted after every {@code /api} route, so API paths keep their problem+json answers.
 *
 * <p>The shell's {@code {{PUBLIC_ORIGIN}}} becomes {@code PUBLIC_BASE_URL}'s origin (link previews
 * need an absolute {@code og:image}). Every answer over HTTPS (TLS, or {@code X-Forwarded-Proto:
 * https} from the proxy) carries {@link #HSTS}; over plain HTTP it never does (browsers ignore it
 * there, and a local {@code http://localhost} must stay reachable).
 */
public final class WebAppRoutes {
  /**
   * The client's routes (also in {@code webapp/app/routes.js}): these answer 200 with the shell;
   * any other path a browser asks for gets the shell with 404, so the app shows its not-found page.
   */
  public static final List<String> PAGES =
      List.of(
          "/",
          "/login",
          "/signup",
          "/dashboard",
          "/onboarding",
          "/account",
          "/practice",
          "/billing",
          "/interview/:id",
          "/sessions/:id/summary",
          "/terms",
          "/privacy",
          "/admin",
          "/admin/sessions/:id",
          "/admin/settings");

  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /**
   * One year; no includeSubDomains or preload: sibling hosts of a deployment are not ours to pin.
   */
  static final String HSTS = "max-age=31536000";

  /** Paths that are never app pages, whatever the client asks for. */
  private static final List<String> NOT_PAGES =
      List.of("/api/", "/ws", "/metrics", "/health", "/ready", "/.well-known/");

  private final WebAppAssets assets;
  private final String shell;
  private final String csp;

  /** WebJar files already read; bounded by the files of the mapped jars. */
  private final Map<String, Buffer> webjarFiles = new ConcurrentHashMap<>();

  public WebAppRoutes(WebAppAssets assets, String publicBaseUrl) {
    this(assets, publicBaseUrl, StripeJsPolicy.NONE, null);
  }

  /**
   * {@code stripe}: the sources the billing page's Stripe.js needs, added to the policy of every
   * page. {@code objectStoreUrl}: where browsers reach the object store (null: nowhere). The replay
   * fetches the recording's chunks from their presigned URLs there, so its origin, and nothing
   * more, joins {@code connect-src}.
   */
  public WebAppRoutes(
      WebAppAssets assets, String publicBaseUrl, StripeJsPolicy stripe, String objectStoreUrl) {
    this.assets = assets;
    URI base = URI.create(publicBaseUrl);
    this.shell = assets.shell().replace("{{PUBLIC_ORIGIN}}", origin(base));
    this.csp =
        joinDirectives(
            "default-src 'self'",
            // the import map is the one inline script, allowed by its hash; no eval anywhere
            StripeJsPolicy.sources(
                "script-src 'self' " + assets.importMapHash(), stripe.scriptSrc()),
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            StripeJsPolicy.sources(
                "connect-src 'self'"
                    + (objectStoreUrl == null ? "" : " " + origin(URI.create(objectStoreUrl))),
                stripe.connectSrc()),
            "media-src 'self' blob:",
            "worker-src 'self'",
            "manifest-src 'self'",
            // frames fall back to default-src 'self' when no Stripe.js is configured
            stripe.frameSrc().isEmpty()
                ? null
                : StripeJsPolicy.sources("frame-src", stripe.frameSrc()),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");
  }

  private static String joinDirectives(String... directives) {
    return Arrays.stream(directives).filter(Objects::nonNull).collect(Collectors.joining("; "));
  }

  private static String origin(URI url) {
    return url.getScheme() + "://" + url.getRawAuthority();
  }

  public String contentSecurityPolicy() {
    return csp;
  }

  public void mount(Router router) {
    router.get(WebAppAssets.ASSETS_PREFIX + ":build/*").handler(this::asset);
    router.get(WebAppAssets.WEBJARS_PREFIX + ":artifact/:version/*").handler(this::webjar);
    for (String page : PAGES) {
      router.get(page).handler(ctx -> shell(ctx, 200));
    }
    router.get("/*").handler(this::unknownPage);
  }

  private void asset(RoutingContext ctx) {
    String prefix = WebAppAssets.ASSETS_PREFIX + ctx.pathParam("build") + "/";
    String path = ctx.normalizedPath();
    WebAppAssets.Asset asset =
        assets.buildId().equals(ctx.pathParam("build")) && path.startsWith(prefix)
            ? assets.asset(path.substring(prefix.length()))
            : null;
    if (asset == null) {
      ctx.fail(Problems.notFound("No such file."));
      return;
    }
    HttpServerResponse response = ctx.response();
    securityHeaders(ctx);
    response
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
        .end(asset.body());
  }

  /**
   * A file of a mapped WebJar at the version on the classpath, read (async) from the jar once and
   * kept.
   */
  private void webjar(RoutingContext ctx) {
    String artifact = ctx.pathParam("artifact");
    String path = ctx.normalizedPath().substring(WebAppAssets.WEBJARS_PREFIX.length());
    String file = path.substring(path.indexOf('/', artifact.length() + 1) + 1);
    if (!assets.servesWebjar(artifact, ctx.pathParam("version"))
        || file.isEmpty()
        || file.contains("..")
        || !(file.endsWith(".js") || file.endsWith(".mjs") || file.endsWith(".css"))) {
      ctx.fail(Problems.notFound("No such file."));
      return;
    }
    Buffer cached = webjarFiles.get(path);
    Future<Buffer> body =
        cached != null
            ? Future.succeededFuture(cached)
            : ctx.vertx()
                .fileSystem()
                .readFile("META-INF/resources/webjars/" + path)
                .onSuccess(read -> webjarFiles.put(path, read));
    body.onComplete(
        read -> {
          if (read.failed()) {
            ctx.fail(Problems.notFound("No such file."));
            return;
          }
          HttpServerResponse response = ctx.response();
          securityHeaders(ctx);
          response
              .putHeader(HttpHeaders.CONTENT_TYPE, WebAppAssets.contentType(file))
              .putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
              .end(read.result());
        });
  }

  private void unknownPage(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean reserved = NOT_PAGES.stream().anyMatch(path::startsWith);
    if (reserved || accept == null || !accept.contains("text/html")) {
      ctx.next();
      return;
    }
    shell(ctx, 404);
  }

  private void shell(RoutingContext ctx, int status) {
    HttpServerResponse response = ctx.response();
    securityHeaders(ctx);
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", csp)
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Permissions-Policy", "microphone=(self), camera=(), geolocation=(), payment=()")
        .end(shell);
  }

  private static void securityHeaders(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (AuthRoutes.overHttps(ctx)) {
      response.putHeader("Strict-Transport-Security", HSTS);
    }
    response
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Frame-Options", "DENY");
  }
}
