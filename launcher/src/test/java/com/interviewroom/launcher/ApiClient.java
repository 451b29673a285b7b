package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.auth.Legal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * The REST API of a running system on a local port, called as the web app calls it (plain HTTP,
 * {@code Authorization: Bearer}), with the sign-up and session start the end-to-end tests begin
 * with.
 */
final class ApiClient {
  /**
   * The longest of the timeouts the tests' own copies used: a busy machine answers late, not
   * wrongly.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final String PASSWORD = "flow-password-123";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  ApiClient(int port) {
    this.port = port;
  }

  /**
   * A request with {@code body} as JSON (none when null) and the access token {@code bearer} (none
   * when null).
   */
  HttpResponse<String> send(String method, String path, String bearer, JsonObject body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> post(String path, String bearer, JsonObject body) {
    return send("POST", path, bearer, body);
  }

  HttpResponse<String> get(String path, String bearer) {
    return send("GET", path, bearer, null);
  }

  /** The JSON body of a GET that must answer 200. */
  JsonObject getJson(String path, String bearer) {
    HttpResponse<String> response = get(path, bearer);
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /**
   * Signs up a new account under a fresh address starting with {@code prefix}; the answer carries
   * {@code accessToken}.
   */
  JsonObject signup(String prefix) {
    return signupAs(prefix + "-" + UUID.randomUUID() + "@example.com");
  }

  /** Signs up {@code email}; the answer carries {@code accessToken}. */
  JsonObject signupAs(String email) {
    HttpResponse<String> signup =
        post(
            "/api/auth/signup",
            null,
            new JsonObject()
                .put("email", email)
                .put("password", PASSWORD)
                .put("termsVersion", Legal.TERMS_VERSION));
    assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
    return new JsonObject(signup.body());
  }

  /** Starts a Python session on two-sum; the answer carries {@code sessionId}. */
  JsonObject startSession(String bearer) {
    HttpResponse<String> started =
        post(
            "/api/sessions/start",
            bearer,
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    return new JsonObject(started.body());
  }

  /** A one-time token for the session's socket. */
  String realtimeToken(String bearer, String sessionId) {
    HttpResponse<String> token =
        post("/api/realtime/token", bearer, new JsonObject().put("sessionId", sessionId));
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    return new JsonObject(token.body()).getString("token");
  }
}
