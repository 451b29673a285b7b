package com.interviewroom.common.auth;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An external issuer (Supabase, Clerk, ...) trusted through its JWKS URL. The key set is cached; an
 * unknown {@code kid} triggers one refresh (at most one per {@link #MIN_REFRESH_INTERVAL}) so a key
 * rotation is picked up without letting forged kids hammer the issuer.
 */
public final class JwksIssuer implements TrustedIssuer {
  private static final Logger log = LoggerFactory.getLogger(JwksIssuer.class);
  static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
  private static final Duration MAX_AGE = Duration.ofHours(1);
  private static final long FETCH_TIMEOUT_MS = 5_000;

  private final WebClient client;
  private final String jwksUrl;
  private final String issuer;
  private final String audience;
  private final Clock clock;
  // Read on every event loop that verifies a token and written by the fetch's completion on
  // another: volatile, and JWKSet is immutable, so a reader sees an old or a new set, never half of
  // one.
  private volatile JWKSet keys = new JWKSet();
  private volatile Instant fetchedAt = Instant.EPOCH;
  private Future<JWKSet> inFlight; // guarded by this

  public JwksIssuer(Vertx vertx, String jwksUrl, String issuer, String audience, Clock clock) {
    this.client = WebClient.create(vertx);
    this.jwksUrl = jwksUrl;
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
  }

  @Override
  public String issuer() {
    return issuer;
  }

  @Override
  public boolean serves(String requested) {
    return Audiences.API.equals(requested);
  }

  /** The audience external tokens must carry (theirs, not ours). */
  public String audience() {
    return audience;
  }

  @Override
  public Future<JWK> key(String keyId) {
    JWK cached = find(keyId);
    Instant now = clock.instant();
    boolean stale = now.isAfter(fetchedAt.plus(MAX_AGE));
    boolean mayRefresh = now.isAfter(fetchedAt.plus(MIN_REFRESH_INTERVAL));
    if (cached != null && !stale) {
      return Future.succeededFuture(cached);
    }
    if (!mayRefresh) {
      return Future.succeededFuture(cached);
    }
    return refresh().map(set -> find(keyId)).recover(err -> Future.succeededFuture(cached));
  }

  private JWK find(String keyId) {
    if (keyId == null) {
      return keys.getKeys().size() == 1 ? keys.getKeys().get(0) : null;
    }
    return keys.getKeyByKeyId(keyId);
  }

  private synchronized Future<JWKSet> refresh() {
    if (inFlight != null) {
      return inFlight;
    }
    fetchedAt = clock.instant();
    inFlight =
        client
            .getAbs(jwksUrl)
            .timeout(FETCH_TIMEOUT_MS)
            .send()
            .map(
                response -> {
                  if (response.statusCode() != 200) {
                    throw new IllegalStateException("JWKS answered " + response.statusCode());
                  }
                  try {
                    return JWKSet.parse(response.bodyAsString());
                  } catch (java.text.ParseException e) {
                    throw new IllegalStateException("JWKS is not a key set", e);
                  }
                })
            .onSuccess(set -> keys = set)
            .onFailure(
                err ->
                    log.warn(
                        "jwks refresh failed {} {}",
                        kv("issuer", issuer),
                        kv("error", err.getMessage())))
            .andThen(
                done -> {
                  synchronized (this) {
                    inFlight = null;
                  }
                });
    return inFlight;
  }
}
