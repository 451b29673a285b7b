package com.interviewroom.edge.auth;

import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.edge.ratelimit.RateLimiter;
import com.interviewroom.edge.web.JsonInput;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Built-in email/password accounts for the embedded default: sign-up, login, and the refresh tokens
 * that keep a browser signed in.
 *
 * <p>Refresh tokens are 32 random bytes (base64url), stored only as their SHA-256, in families: a
 * login or sign-up starts a family; each refresh marks the presented token used and issues its
 * successor (strict rotation). Presenting a used token again revokes the whole family (reuse
 * detection), except within {@link #REUSE_GRACE} of its rotation: two tabs refreshing at the same
 * moment both present the same token, and the later one gets an access token but no new refresh
 * token (the browser already holds the successor the first one set).
 */
public final class AuthService {
  static final Duration REUSE_GRACE = Duration.ofSeconds(10);
  private static final Pattern REFRESH_TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What a successful sign-in answers: the JSON body and, unless null, the refresh token to set as
   * the cookie.
   */
  public record SignIn(JsonObject body, String refreshToken) {}

  private final Database db;
  private final TokenIssuer issuer;
  private final RateLimiter limits;
  private final PasswordHashPool pool;
  private final PasswordHasher hasher = new PasswordHasher();
  private final Duration refreshTtl;
  private final RateLimiter.Limit loginPerIp;
  private final RateLimiter.Limit loginPerEmail;
  private final RateLimiter.Limit signupPerIp;
  private final RateLimiter.Limit signupPerEmail;
  private final RateLimiter.Limit freeCreditSignupsPerIp;
  private final int accountRestoreDays;

  public AuthService(
      Vertx vertx, Database db, TokenIssuer issuer, RateLimiter limits, Config.Accounts settings) {
    this(vertx, db, issuer, limits, settings, Config.Retention.DEFAULTS.accountRestoreDays());
  }

  /** {@code accountRestoreDays}: how long a deleted account can still log in, which restores it. */
  public AuthService(
      Vertx vertx,
      Database db,
      TokenIssuer issuer,
      RateLimiter limits,
      Config.Accounts settings,
      int accountRestoreDays) {
    this.db = db;
    this.accountRestoreDays = accountRestoreDays;
    this.issuer = issuer;
    this.limits = limits;
    this.pool =
        PasswordHashPool.of(vertx, settings.passwordHashSlots(), settings.passwordHashQueue());
    this.refreshTtl = Duration.ofDays(settings.refreshTtlDays());
    this.loginPerIp =
        new RateLimiter.Limit("login-ip", settings.loginPerIpPerMinute(), Duration.ofMinutes(1));
    this.loginPerEmail =
        new RateLimiter.Limit(
            "login-email", settings.loginPerEmailPer15Minutes(), Duration.ofMinutes(15));
    this.signupPerIp =
        new RateLimiter.Limit("signup-ip", settings.signupPerIpPerHour(), Duration.ofHours(1));
    this.signupPerEmail =
        new RateLimiter.Limit(
            "signup-email", settings.signupPerEmailPerHour(), Duration.ofHours(1));
    this.freeCreditSignupsPerIp =
        new RateLimiter.Limit(
            "signup-credits-ip", settings.freeCreditSignupsPerIpPerDay(), Duration.ofDays(1));
  }

  public Duration refreshTtl() {
    return refreshTtl;
  }

  /**
   * Creates the account (terms accepted now, {@code user.created} logged) and its first refresh
   * token in one transaction. {@code email} is already normalised. Past the day's free-credit
   * sign-ups of this IP the account is still created, with 0 credits instead of 3.
   */
  public Future<SignIn> signup(
      String email, String password, String termsVersion, String clientIp, String requestId) {
    ApiException terms = termsProblem(termsVersion);
    if (terms != null) {
      return Future.failedFuture(terms);
    }
    return admitSignup(clientIp, email)
        .compose(
            withBonus ->
                pool.run(() -> hasher.hash(password))
                    .compose(
                        hash ->
                            db.asService(
                                sql ->
                                    createAccount(
                                        sql, email, hash, termsVersion, withBonus, requestId))))
        .recover(failure -> emailTaken(failure, "An account with this email already exists."));
  }

  /**
   * Spends one sign-up of this client IP and of this email (429 past either limit); completes with
   * whether the new account still gets the free credits (the IP's daily free-credit sign-ups).
   * Password and provider sign-ups share these counters.
   */
  Future<Boolean> admitSignup(String clientIp, String email) {
    return limits
        .consume(signupPerIp, clientIp, "sign-ups from this address")
        .compose(
            ok ->
                limits.consume(
                    signupPerEmail, Hashing.sha256Hex(email), "sign-up attempts for this email"))
        .compose(ok -> limits.within(freeCreditSignupsPerIp, clientIp));
  }

  private Future<SignIn> createAccount(
      SqlClient sql,
      String email,
      String hash,
      String termsVersion,
      boolean withBonus,
      String requestId) {
    Future<Void> bonus =
        withBonus ? Future.succeededFuture() : SignInRepository.withholdSignupBonus(sql);
    return bonus
        .compose(done -> SignInRepository.insert(sql, email, hash))
        .compose(
            account ->
                SignInRepository.acceptTerms(sql, account.id(), termsVersion)
                    .compose(
                        done ->
                            EventLog.append(
                                sql,
                                new EventRecord(
                                    requestId,
                                    account.id(),
                                    null,
                                    null,
                                    "user.created",
                                    null,
                                    null)))
                    .compose(done -> startFamily(sql, account.id()))
                    .map(refresh -> new SignIn(session(account.id(), account.email()), refresh)));
  }

  /**
   * Unknown email and wrong password get the same answer, after the same amount of work. A deleted
   * account within its restore window signs in as usual and is active again from this login on;
   * past the window it is unknown.
   */
  public Future<SignIn> login(String email, String password, String clientIp) {
    String normalized = JsonInput.normalizeEmail(email);
    return limits
        .consume(loginPerIp, clientIp, "login attempts from this address")
        .compose(
            ok ->
                limits.consume(
                    loginPerEmail, Hashing.sha256Hex(normalized), "login attempts for this email"))
        .compose(
            ok ->
                db.asService(sql -> SignInRepository.byEmail(sql, normalized, accountRestoreDays)))
        .compose(
            account ->
                pool.run(
                        () ->
                            hasher.verify(
                                password, account == null ? null : account.passwordHash()))
                    .compose(
                        ok ->
                            ok
                                ? signedIn(account)
                                : Future.failedFuture(
                                    new ApiException(
                                        401,
                                        "invalid_credentials",
                                        "Unauthorized",
                                        "The email or password is wrong."))));
  }

  /**
   * A new refresh-token family for a verified login (and the user's expired tokens cleared away).
   */
  Future<SignIn> signedIn(SignInRepository.Account account) {
    return db.asService(
            sql ->
                (account.deleted()
                        ? SignInRepository.restore(sql, account.id())
                        : Future.<Void>succeededFuture())
                    .compose(restored -> RefreshTokenRepository.purgeExpired(sql, account.id()))
                    .compose(done -> startFamily(sql, account.id())))
        .map(refresh -> new SignIn(session(account.id(), account.email()), refresh));
  }

  /**
   * Exchanges a refresh token for an access token and the token's successor. Unknown, expired,
   * revoked or reused tokens fail with 401 {@code refresh_invalid}; a reuse past the grace revokes
   * the family first (committed, although the answer is an error).
   */
  public Future<SignIn> refresh(String refreshToken) {
    if (refreshToken == null || !REFRESH_TOKEN.matcher(refreshToken).matches()) {
      return Future.failedFuture(refreshInvalid("No valid refresh token was sent; sign in again."));
    }
    byte[] hash = sha256(refreshToken);
    return db.asService(
            sql ->
                RefreshTokenRepository.findForUpdate(sql, hash, REUSE_GRACE)
                    .compose(
                        stored -> {
                          if (stored == null || stored.revoked() || stored.expired()) {
                            return Future.succeededFuture(Rotation.INVALID);
                          }
                          if (stored.used()) {
                            if (stored.withinGrace()) {
                              return Future.succeededFuture(new Rotation(stored, null, false));
                            }
                            return RefreshTokenRepository.revokeFamily(sql, stored.familyId())
                                .map(done -> Rotation.REUSED);
                          }
                          String successor = newRefreshToken();
                          return RefreshTokenRepository.markUsed(sql, stored.id())
                              .compose(
                                  done ->
                                      RefreshTokenRepository.insert(
                                          sql,
                                          stored.familyId(),
                                          stored.userId(),
                                          sha256(successor),
                                          refreshTtl))
                              .map(done -> new Rotation(stored, successor, false));
                        }))
        .map(
            rotation -> {
              if (rotation == Rotation.INVALID) {
                throw refreshInvalid(
                    "The refresh token is unknown, expired or revoked; sign in again.");
              }
              if (rotation.reused()) {
                throw refreshInvalid(
                    "The refresh token was already used; every session of this sign-in was ended. Sign in again.");
              }
              return new SignIn(
                  session(rotation.stored().userId(), rotation.stored().email()),
                  rotation.successor());
            });
  }

  /** Revokes the family of {@code refreshToken}; nothing to do for a missing or unknown token. */
  public Future<Void> logout(String refreshToken) {
    if (refreshToken == null || !REFRESH_TOKEN.matcher(refreshToken).matches()) {
      return Future.succeededFuture();
    }
    return db.asService(sql -> RefreshTokenRepository.revokeFamilyOf(sql, sha256(refreshToken)));
  }

  /**
   * "Log out everywhere": revokes every refresh-token family of the user (no browser can refresh
   * any more), then every access token issued until now ({@link TokenRevocations#revokeAll}). The
   * families go first, so no refresh can mint a token after the revocation's instant.
   */
  public Future<Void> logoutAll(UUID userId, TokenRevocations revocations) {
    return db.asService(sql -> RefreshTokenRepository.revokeUser(sql, userId))
        .compose(revoked -> revocations.revokeAll(userId))
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof ApiException api
                            && "revocation_unavailable".equals(api.code())
                        ? Problems.unavailable(
                            "revocation_unavailable",
                            "Every other sign-in can no longer refresh, but tokens already issued could not be revoked right now. Try again shortly.",
                            5)
                        : failure));
  }

  /**
   * Gives a user of the external issuer a row (and a profile) on first sight; idempotent per id.
   */
  public Future<Void> ensureExternalUser(UUID id, String email) {
    String normalized = email == null || email.isBlank() ? null : JsonInput.normalizeEmail(email);
    return db.asService(sql -> SignInRepository.ensureExternal(sql, id, normalized))
        .recover(
            failure ->
                emailTaken(
                    failure,
                    "This email already belongs to another account; sign in with that account."));
  }

  private record Rotation(RefreshTokenRepository.Stored stored, String successor, boolean reused) {
    static final Rotation INVALID = new Rotation(null, null, false);
    static final Rotation REUSED = new Rotation(null, null, true);
  }

  static ApiException termsProblem(String termsVersion) {
    if (termsVersion == null) {
      return Problems.badRequest(
          "terms_required",
          "Accept the terms of service to sign up: send termsVersion (the current one is at GET /api/legal).");
    }
    return Legal.outdatedTerms(termsVersion);
  }

  Future<String> startFamily(SqlClient sql, UUID userId) {
    String token = newRefreshToken();
    return RefreshTokenRepository.insert(sql, UUID.randomUUID(), userId, sha256(token), refreshTtl)
        .map(token);
  }

  JsonObject session(UUID userId, String email) {
    return new JsonObject()
        .put("accessToken", issuer.accessToken(userId, email))
        .put("expiresIn", TokenIssuer.ACCESS_TTL.toSeconds())
        .put("tokenType", "Bearer")
        .put("user", new JsonObject().put("id", userId.toString()).put("email", email));
  }

  private static ApiException refreshInvalid(String detail) {
    return new ApiException(401, "refresh_invalid", "Unauthorized", detail);
  }

  private static String newRefreshToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static <T> Future<T> emailTaken(Throwable failure, String detail) {
    if (failure instanceof PgException pg
        && SignInRepository.UNIQUE_VIOLATION.equals(pg.getSqlState())) {
      return Future.failedFuture(Problems.conflict("email_taken", detail));
    }
    return Future.failedFuture(failure);
  }
}
