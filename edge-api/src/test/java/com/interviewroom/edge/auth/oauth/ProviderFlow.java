package com.interviewroom.edge.auth.oauth;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.edge.EdgeServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A browser going through a provider sign-in step by step, over real sockets: the edge's start
 * redirect (and its binding cookie), the fake provider's authorize page, and the callback. Nothing
 * follows redirects by itself, so each step's answer can be looked at.
 */
final class ProviderFlow {
  /** What the edge's start answered: where the browser goes, and the binding cookie it got. */
  record Started(String authorizeUrl, String bindingCookie) {}

  /** Where a callback sent the browser, and the refresh cookie it set (null when none). */
  record Landed(String location, String refreshCookie) {
    String path() {
      return location.split("\\?", 2)[0];
    }

    String query(String name) {
      String query = URI.create("http://x" + location).getRawQuery();
      if (query == null) {
        return null;
      }
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        if (kv[0].equals(name)) {
          return java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  private final EdgeServer server;
  private final WebClient client;

  ProviderFlow(EdgeServer server) {
    this.server = server;
    this.client =
        WebClient.create(
            server.vertx,
            new WebClientOptions()
                .setFollowRedirects(false)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(server.port()));
  }

  Started start(String provider, String termsVersion, String bindingCookie) {
    String path =
        "/auth/start/"
            + provider
            + (termsVersion == null ? "" : "?termsVersion=" + enc(termsVersion));
    var request = client.get(path);
    if (bindingCookie != null) {
      request.putHeader("Cookie", "ir_oauth=" + bindingCookie);
    }
    HttpResponse<Buffer> response = await(request.send());
    if (response.statusCode() != 302) {
      throw new AssertionError("start answered " + response.statusCode());
    }
    String cookie = cookie(response, "ir_oauth");
    return new Started(response.getHeader("Location"), cookie != null ? cookie : bindingCookie);
  }

  /** The fake provider's authorize page: the query of the callback URL it redirects to. */
  String authorize(String authorizeUrl) {
    HttpResponse<Buffer> response = await(client.getAbs(authorizeUrl).send());
    if (response.statusCode() != 302) {
      throw new AssertionError(
          "authorize answered " + response.statusCode() + " " + response.bodyAsString());
    }
    return URI.create(response.getHeader("Location")).getRawQuery();
  }

  Landed callback(String provider, String rawQuery, String bindingCookie) {
    return landed(await(callbackRequest(provider, rawQuery, bindingCookie)));
  }

  io.vertx.core.Future<HttpResponse<Buffer>> callbackRequest(
      String provider, String rawQuery, String bindingCookie) {
    var request = client.get("/auth/callback/" + provider + "?" + rawQuery);
    if (bindingCookie != null) {
      request.putHeader("Cookie", "ir_oauth=" + bindingCookie);
    }
    return request.send();
  }

  static Landed landed(HttpResponse<Buffer> response) {
    if (response.statusCode() != 302) {
      throw new AssertionError(
          "callback answered " + response.statusCode() + " " + response.bodyAsString());
    }
    return new Landed(response.getHeader("Location"), cookie(response, "ir_refresh"));
  }

  /** Start, authorize, callback: the whole sign-in of one browser. */
  Landed signIn(String provider, String termsVersion) {
    Started started = start(provider, termsVersion, null);
    return callback(provider, authorize(started.authorizeUrl()), started.bindingCookie());
  }

  /**
   * {@code POST /api/auth/refresh} with the refresh cookie: the sign-in works as a password login's
   * would.
   */
  HttpResponse<Buffer> refresh(String refreshCookie) {
    return await(
        client.post("/api/auth/refresh").putHeader("Cookie", "ir_refresh=" + refreshCookie).send());
  }

  static String cookie(HttpResponse<Buffer> response, String name) {
    for (String header : response.cookies()) {
      if (header.startsWith(name + "=")) {
        String value = header.substring(name.length() + 1).split(";", 2)[0];
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  static String setCookieHeader(HttpResponse<Buffer> response, String name) {
    return response.cookies().stream()
        .filter(h -> h.startsWith(name + "="))
        .findFirst()
        .orElse(null);
  }

  static String replaceParam(String rawQuery, String name, String value) {
    StringBuilder out = new StringBuilder();
    for (String pair : rawQuery.split("&")) {
      String[] kv = pair.split("=", 2);
      out.append(out.isEmpty() ? "" : "&")
          .append(kv[0])
          .append('=')
          .append(kv[0].equals(name) ? enc(value) : kv.length > 1 ? kv[1] : "");
    }
    return out.toString();
  }

  static String param(String rawQuery, String name) {
    for (String pair : rawQuery.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv[0].equals(name)) {
        return java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  void close() {
    client.close();
  }
}
