package com.interviewroom.common.internal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;

/**
 * Signs and sends agent calls to the edge API's internal listener. The signature ({@link
 * InternalSignature}) covers the timestamp, method, path, {@code Idempotency-Key} and body, so the
 * body is encoded once and those exact bytes are sent.
 */
public final class InternalClient {
  public static final String TIMESTAMP = "X-Internal-Timestamp";
  public static final String SIGNATURE = "X-Internal-Signature";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final WebClient client;
  private final String baseUrl;
  private final String secret;
  private final Clock clock;
  private final long timeoutMs;

  public InternalClient(Vertx vertx, String baseUrl, String secret, Clock clock, long timeoutMs) {
    // the default pool (5 connections) would cap a worker at 5 calls in flight; evaluations take
    // seconds each
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(64));
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.secret = secret;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /** The answer of the internal API; any status, transport failures fail the future. */
  public record Reply(int status, JsonObject body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  public Future<Reply> post(String path, JsonObject payload, String idempotencyKey) {
    Buffer body = payload.toBuffer();
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String signature =
        InternalSignature.sign(secret, timestamp, "POST", path, idempotencyKey, body.getBytes());
    return client
        .postAbs(baseUrl + path)
        .timeout(timeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader(TIMESTAMP, timestamp)
        .putHeader(SIGNATURE, signature)
        .putHeader(IDEMPOTENCY_KEY, idempotencyKey)
        .sendBuffer(body)
        .map(response -> new Reply(response.statusCode(), parse(response.bodyAsString())));
  }

  private static JsonObject parse(String text) {
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  public void close() {
    client.close();
  }
}
