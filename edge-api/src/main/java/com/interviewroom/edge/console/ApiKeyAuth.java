package com.interviewroom.edge.console;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.Problems;
import com.interviewroom.schema.console.ApiKeyStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machine access to the analytics routes. A key is {@code irk_<12 letters or digits>.<secret>},
 * shown once; the database keeps the prefix and the HMAC-SHA-256 of the whole key under the server
 * pepper ({@code API_KEY_PEPPER}). Sent as {@code Authorization: Bearer irk_...} on any {@code
 * /api/admin/*} route, it is checked by {@link #check}: one path for every key, known or not,
 * revoked or not: look the prefix up, compute the HMAC, compare in constant time with the stored
 * hash or, when there is none, with a dummy one; only then is the verdict read. So an unknown or
 * revoked key (401) costs what a valid key without the right to the route (403) costs.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ApiKeyAuth.class);
  public static final String SCHEME_PREFIX = "irk_";

  /** The routing-context key holding the id of the API key a request was let in with. */
  public static final String KEY_ID = "apiKeyId";

  private static final Pattern TOKEN =
      Pattern.compile("(irk_[A-Za-z0-9]{12})\\.([A-Za-z0-9_-]{43})");
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** What an unknown prefix is compared against, so its compare costs what a known one's does. */
  private static final byte[] DUMMY_HASH = new byte[32];

  private static final String UNKNOWN_PREFIX = "irk_000000000000";
  private static final long TOUCH_EVERY_MS = 60_000;

  private final ApiKeyStore keys;

  /** The per-key rate limit a let-in request passes next (it calls {@code next()} or fails 429). */
  private Handler<RoutingContext> perKeyLimit = RoutingContext::next;

  private final java.util.function.Function<String, Future<ApiKeyStore.Stored>> lookup;
  private final byte[] pepper;

  /**
   * Constant-time compares made: one per presented key, whatever it is (tests hold the path to
   * that).
   */
  private final java.util.concurrent.atomic.AtomicLong comparisons =
      new java.util.concurrent.atomic.AtomicLong();

  private final SecureRandom random = new SecureRandom();

  /**
   * When this process last wrote each key's {@code last_used_at}; the UPDATE itself also holds to
   * once a minute.
   */
  private final Map<UUID, Long> touched = new ConcurrentHashMap<>();

  public ApiKeyAuth(ApiKeyStore keys, byte[] pepper) {
    this(keys, keys::byPrefix, pepper);
  }

  /** As above, with the prefix lookup given (tests watch it). */
  ApiKeyAuth(
      ApiKeyStore keys,
      java.util.function.Function<String, Future<ApiKeyStore.Stored>> lookup,
      byte[] pepper) {
    this.keys = keys;
    this.lookup = lookup;
    this.pepper = pepper.clone();
  }

  /** Requests with a key are limited per key by {@code limit}, which reads {@link #KEY_ID}. */
  public ApiKeyAuth limitedBy(Handler<RoutingContext> limit) {
    this.perKeyLimit = limit;
    return this;
  }

  long comparisons() {
    return comparisons.get();
  }

  /**
   * {@code API_KEY_PEPPER}; else one derived from {@code INTERNAL_WEBHOOK_SECRET}; else (tests
   * without either) a random one, so keys then last as long as the process.
   */
  public static byte[] pepper(Config config) {
    String configured = config.console().apiKeyPepper();
    if (configured != null) {
      return configured.getBytes(StandardCharsets.UTF_8);
    }
    if (config.internalWebhookSecret() != null) {
      return hmac(
          config.internalWebhookSecret().getBytes(StandardCharsets.UTF_8),
          "interviewroom api-key pepper");
    }
    log.warn(
        "neither API_KEY_PEPPER nor INTERNAL_WEBHOOK_SECRET is set: API keys last until this process stops");
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return random;
  }

  /** A new key: the text to show once and its stored form. */
  public record Minted(String token, String prefix, byte[] hash) {}

  public Minted mint() {
    StringBuilder prefix = new StringBuilder(SCHEME_PREFIX);
    for (int i = 0; i < 12; i++) {
      prefix.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = prefix + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new Minted(token, prefix.toString(), hash(token));
  }

  byte[] hash(String token) {
    return hmac(pepper, token);
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** The verdict on a presented key: {@code keyId} is set only when it is a live key of ours. */
  public record Verdict(UUID keyId, String scope) {
    public boolean valid() {
      return keyId != null;
    }
  }

  /** The API key of the request, or null when it brings none (a user's token, or nothing). */
  static String presented(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.startsWith(SCHEME_PREFIX) ? token : null;
  }

  /** The one path every presented key takes (see the class comment). */
  public Future<Verdict> check(String token) {
    java.util.regex.Matcher m = TOKEN.matcher(token);
    boolean wellFormed = m.matches();
    String prefix = wellFormed ? m.group(1) : UNKNOWN_PREFIX;
    return lookup
        .apply(prefix)
        .map(
            stored -> {
              byte[] expected = stored == null ? DUMMY_HASH : stored.hash();
              boolean same = MessageDigest.isEqual(expected, hash(token));
              comparisons.incrementAndGet();
              boolean live = wellFormed && stored != null && !stored.revoked() && same;
              return live ? new Verdict(stored.id(), stored.scope()) : new Verdict(null, null);
            });
  }

  /**
   * On {@code /api/admin/*}: a request without an API key goes on to the admin checks; one with a
   * key is let through only to the analytics routes, marked with {@link #KEY_ID}.
   */
  @Override
  public void handle(RoutingContext ctx) {
    String token = presented(ctx);
    if (token == null) {
      ctx.next();
      return;
    }
    boolean analytics =
        ctx.request().method() == io.vertx.core.http.HttpMethod.GET
            && ctx.normalizedPath().startsWith(AnalyticsRoutes.PREFIX);
    check(token)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
              } else if (!ar.result().valid()) {
                ctx.fail(Problems.unauthorized("The API key is unknown or revoked."));
              } else if (!analytics) {
                ctx.fail(
                    Problems.forbidden("API keys may read the /api/admin/analytics routes only."));
              } else {
                touch(ar.result().keyId());
                ctx.put(KEY_ID, ar.result().keyId());
                perKeyLimit.handle(ctx);
              }
            });
  }

  /** Records the use, at most once a minute per key and process; never delays the request. */
  private void touch(UUID keyId) {
    long now = System.currentTimeMillis();
    Long last = touched.get(keyId);
    if (last != null && now - last < TOUCH_EVERY_MS) {
      return;
    }
    touched.put(keyId, now);
    keys.touch(keyId)
        .onFailure(
            err -> log.warn("api key last use not recorded: {}", err.getClass().getSimpleName()));
  }

  /** The create answer: the key itself, shown this once, with its metadata. */
  static JsonObject created(Minted minted, JsonObject metadata) {
    return metadata.copy().put("key", minted.token());
  }
}
