package com.interviewroom.realtime.gateway;

import com.interviewroom.common.auth.Audiences;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.auth.VerifiedToken;
import com.interviewroom.common.http.PublicServerOptions;
import com.interviewroom.realtime.session.LiveSession;
import com.interviewroom.realtime.session.LiveSessionRepository;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;

/**
 * Authenticates a WebSocket handshake: the token only from {@code Sec-WebSocket-Protocol} ({@code
 * interview.v1, <token>}), never the query string; signature, issuer, audience and lifetime; the
 * {@code jti} claimed once in Redis; the session exists, is the subject's, and is live. Every
 * refusal is the same {@link Refused}, so the client learns nothing about which check failed.
 */
final class HandshakeAuth {
  /**
   * Longer than any realtime token lives, so a replay within its lifetime always finds the claim.
   */
  static final Duration JTI_TTL = Duration.ofHours(2);

  /** The single failure of the handshake; its message is for our logs only. */
  static final class Refused extends RuntimeException {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  private final TokenVerifier verifier;
  private final Redis redis;
  private final LiveSessionRepository sessions;

  HandshakeAuth(TokenVerifier verifier, Redis redis, LiveSessionRepository sessions) {
    this.verifier = verifier;
    this.redis = redis;
    this.sessions = sessions;
  }

  static String jtiKey(String jti) {
    return "jti:" + jti;
  }

  Future<LiveSession> authenticate(ServerWebSocketHandshake handshake, String requestId) {
    String query = handshake.query();
    if (query != null && !query.isEmpty()) {
      // a token in a URL ends up in proxy and access logs; we refuse it rather than ignore it
      return refused("query string present");
    }
    String token = offeredToken(handshake.headers().get("Sec-WebSocket-Protocol"));
    if (token == null) {
      return refused("no token offered");
    }
    return verifier
        .verify(token, Audiences.REALTIME)
        .recover(e -> refused("token rejected"))
        .compose(this::claimOnce)
        .compose(verified -> sessions.admit(sessionIdOf(verified), verified.userId(), requestId))
        .compose(
            found ->
                found
                    .<Future<LiveSession>>map(Future::succeededFuture)
                    .orElseGet(() -> refused("session not live")));
  }

  /** {@code interview.v1, <token>}: exactly our protocol first, then the token. */
  static String offeredToken(String header) {
    if (header == null) {
      return null;
    }
    String[] parts = header.split(",");
    if (parts.length != 2 || !parts[0].trim().equals(PublicServerOptions.SUBPROTOCOL)) {
      return null;
    }
    String token = parts[1].trim();
    return token.isEmpty() ? null : token;
  }

  private Future<VerifiedToken> claimOnce(VerifiedToken verified) {
    String jti = verified.jwtId();
    if (jti == null || jti.isBlank() || jti.length() > 128 || verified.claim("sid") == null) {
      return refused("token lacks jti or sid");
    }
    return redis
        .send(
            Request.cmd(Command.SET)
                .arg(jtiKey(jti))
                .arg("1")
                .arg("NX")
                .arg("EX")
                .arg(JTI_TTL.toSeconds()))
        .compose(set -> set == null ? refused("token replayed") : Future.succeededFuture(verified));
  }

  private static UUID sessionIdOf(VerifiedToken verified) {
    try {
      return UUID.fromString(verified.claim("sid"));
    } catch (IllegalArgumentException e) {
      throw new Refused("sid is not a uuid");
    }
  }

  private static <T> Future<T> refused(String reason) {
    return Future.failedFuture(new Refused(reason));
  }
}
