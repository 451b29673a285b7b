package com.interviewroom.edge.auth;

import com.interviewroom.common.crypto.Hashing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Provider identities waiting for their owner to prove the password of the existing account with
 * the same email. The token (32 random bytes, base64url) travels in {@code /login?link=}; Redis
 * holds only its SHA-256 ({@code auth:link:<hash>}), for {@link #TTL}, and gives it up once ({@code
 * GETDEL}).
 */
public final class PendingLinks {
  public static final Duration TTL = Duration.ofMinutes(10);
  static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the link will attach, and to which account (by id and by its normalised email). */
  record Pending(
      UUID userId, String email, String provider, String subject, String providerEmail) {}

  private final Redis redis;

  public PendingLinks(Redis redis) {
    this.redis = redis;
  }

  Future<String> create(Pending pending) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    JsonObject value =
        new JsonObject()
            .put("u", pending.userId().toString())
            .put("e", pending.email())
            .put("p", pending.provider())
            .put("s", pending.subject())
            .put("pe", pending.providerEmail());
    return send(Request.cmd(Command.SET)
            .arg(key(token))
            .arg(value.encode())
            .arg("PX")
            .arg(TTL.toMillis()))
        .map(token);
  }

  /** The pending link, still there afterwards; null when unknown or expired. */
  Future<Pending> peek(String token) {
    return TOKEN.matcher(token).matches()
        ? send(Request.cmd(Command.GET).arg(key(token))).map(PendingLinks::parse)
        : Future.succeededFuture(null);
  }

  /** The pending link, gone afterwards; null when unknown, expired or already taken. */
  Future<Pending> take(String token) {
    return TOKEN.matcher(token).matches()
        ? send(Request.cmd(Command.GETDEL).arg(key(token))).map(PendingLinks::parse)
        : Future.succeededFuture(null);
  }

  private Future<io.vertx.redis.client.Response> send(Request request) {
    try {
      return redis.send(request).timeout(REDIS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static Pending parse(io.vertx.redis.client.Response reply) {
    if (reply == null) {
      return null;
    }
    JsonObject value = new JsonObject(reply.toString());
    return new Pending(
        UUID.fromString(value.getString("u")),
        value.getString("e"),
        value.getString("p"),
        value.getString("s"),
        value.getString("pe"));
  }

  private static String key(String token) {
    return "auth:link:" + Hashing.sha256Hex(token);
  }
}
