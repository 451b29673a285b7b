package com.interviewroom.edge.auth;

import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.util.Locale;
import java.util.UUID;

/** Built-in email/password accounts for the embedded default. */
public final class AuthService {
  private final Vertx vertx;
  private final Database db;
  private final TokenIssuer issuer;
  private final PasswordHasher hasher = new PasswordHasher();

  public AuthService(Vertx vertx, Database db, TokenIssuer issuer) {
    this.vertx = vertx;
    this.db = db;
    this.issuer = issuer;
  }

  /** Creates the account and logs {@code user.created} in the same transaction. */
  public Future<JsonObject> signup(String email, String password, String requestId) {
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> db.asService(sql -> UserRepository.insert(sql, normalized, hash)
            .compose(account -> EventLog.append(sql, new EventRecord(requestId, account.id(), null, null, "user.created", null, null))
                .map(account))))
        .recover(failure -> emailTaken(failure, "An account with this email already exists."))
        .map(account -> session(account.id(), account.email()));
  }

  /** Unknown email and wrong password get the same answer, after the same amount of work. */
  public Future<JsonObject> login(String email, String password) {
    return db.asService(sql -> UserRepository.byEmail(sql, email.trim()))
        .compose(account -> vertx.executeBlocking(
            () -> hasher.verify(password, account == null ? null : account.passwordHash()), false)
            .map(ok -> {
              if (!ok) {
                throw new ApiException(401, "invalid_credentials", "Unauthorized", "The email or password is wrong.");
              }
              return session(account.id(), account.email());
            }));
  }

  /** Gives a user of the external issuer a row (and a profile) on first sight; idempotent per id. */
  public Future<Void> ensureExternalUser(UUID id, String email) {
    String normalized = email == null || email.isBlank() ? null : email.trim().toLowerCase(Locale.ROOT);
    return db.asService(sql -> UserRepository.ensureExternal(sql, id, normalized))
        .recover(failure -> emailTaken(failure, "This email already belongs to another account; sign in with that account."));
  }

  private JsonObject session(UUID userId, String email) {
    return new JsonObject()
        .put("accessToken", issuer.accessToken(userId, email))
        .put("expiresIn", TokenIssuer.ACCESS_TTL.toSeconds())
        .put("tokenType", "Bearer")
        .put("user", new JsonObject().put("id", userId.toString()).put("email", email));
  }

  private static <T> Future<T> emailTaken(Throwable failure, String detail) {
    if (failure instanceof PgException pg && UserRepository.UNIQUE_VIOLATION.equals(pg.getSqlState())) {
      return Future.failedFuture(Problems.conflict("email_taken", detail));
    }
    return Future.failedFuture(failure);
  }
}
