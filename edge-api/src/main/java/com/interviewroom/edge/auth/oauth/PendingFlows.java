package com.interviewroom.edge.auth.oauth;

import com.interviewroom.common.crypto.Hashing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sign-ins in progress, between the redirect to the provider and its callback: Redis key {@code
 * auth:oauth:<SHA-256 of state>} for {@link #TTL}, read once ({@code GETDEL}), so a state is good
 * for one callback, on any edge node. The value holds the PKCE verifier and the nonce (never sent
 * to the browser), the SHA-256 of the browser's binding cookie, and what the person chose before
 * leaving (the accepted terms version, where to land).
 */
final class PendingFlows {
  static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

  record Flow(
      String provider,
      String verifier,
      String nonce,
      String browserHash,
      String termsVersion,
      String next) {}

  private final Redis redis;

  PendingFlows(Redis redis) {
    this.redis = redis;
  }

  Future<Void> save(String state, Flow flow) {
    JsonObject value =
        new JsonObject()
            .put("p", flow.provider())
            .put("v", flow.verifier())
            .put("n", flow.nonce())
            .put("b", flow.browserHash())
            .put("t", flow.termsVersion())
            .put("x", flow.next());
    return send(Request.cmd(Command.SET)
            .arg(key(state))
            .arg(value.encode())
            .arg("PX")
            .arg(TTL.toMillis()))
        .mapEmpty();
  }

  /** The flow of {@code state}, removed; null when unknown, expired or already used. */
  Future<Flow> take(String state) {
    return send(Request.cmd(Command.GETDEL).arg(key(state)))
        .map(
            reply -> {
              if (reply == null) {
                return null;
              }
              JsonObject value = new JsonObject(reply.toString());
              return new Flow(
                  value.getString("p"),
                  value.getString("v"),
                  value.getString("n"),
                  value.getString("b"),
                  value.getString("t"),
                  value.getString("x"));
            });
  }

  private Future<Response> send(Request request) {
    try {
      return redis.send(request).timeout(REDIS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String key(String state) {
    return "auth:oauth:" + Hashing.sha256Hex(state);
  }
}
