package com.interviewroom.edge.auth;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.edge.web.JsonInput;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * Accounts behind "Continue with Google / GitHub": a verified provider identity signs in to the
 * account it is linked to, or creates one (terms accepted, as a password sign-up), or, when a
 * password account already holds the email, waits in {@link PendingLinks} until the person proves
 * that password ({@link #loginAndLink}). An email never links silently: whoever controls a provider
 * account with someone's address must not walk into their account.
 *
 * <p>Double clicks and double callbacks race on the unique constraints of {@code users} (email) and
 * {@code user_identities} (provider, subject): the loser's insert fails with 23505 once the winner
 * committed, and it resolves again, now finding the winner's account. One account, one profile.
 */
public final class IdentityAccounts {
  /** What a provider sign-in came to. */
  public sealed interface Outcome permits SignedIn, LinkRequired {}

  /** Signed in; {@code created} for an account made just now. */
  public record SignedIn(AuthService.SignIn signIn, boolean created, boolean onboardingCompleted)
      implements Outcome {}

  /**
   * A password account holds the email: the person logs in with {@code /login?link=<token>} to link
   * it.
   */
  public record LinkRequired(String token, String provider) implements Outcome {}

  private record Lookup(IdentityRepository.Linked linked, IdentityRepository.EmailHolder holder) {}

  private final Database db;
  private final AuthService accounts;
  private final PendingLinks links;
  private final int restoreDays;

  public IdentityAccounts(Database db, AuthService accounts, PendingLinks links, int restoreDays) {
    this.db = db;
    this.accounts = accounts;
    this.links = links;
    this.restoreDays = restoreDays;
  }

  public java.time.Duration refreshTtl() {
    return accounts.refreshTtl();
  }

  /**
   * {@code termsVersion}: what the person accepted on the sign-up page before leaving for the
   * provider, or null.
   */
  public Future<Outcome> signIn(
      ProviderIdentity identity, String termsVersion, String clientIp, String requestId) {
    return resolve(identity, termsVersion, clientIp, requestId, true);
  }

  private Future<Outcome> resolve(
      ProviderIdentity identity,
      String termsVersion,
      String clientIp,
      String requestId,
      boolean mayCreate) {
    return lookup(identity)
        .compose(
            found -> {
              if (found.linked() != null) {
                return existing(found.linked());
              }
              if (found.holder() != null) {
                return found.holder().hasPassword()
                    ? links
                        .create(
                            new PendingLinks.Pending(
                                found.holder().userId(),
                                identity.email(),
                                identity.provider(),
                                identity.subject(),
                                identity.email()))
                        .map(token -> (Outcome) new LinkRequired(token, identity.provider()))
                    : Future.failedFuture(
                        new SignInRefused(
                            "account_exists", "email held by an account without a password"));
              }
              if (!mayCreate) {
                return Future.failedFuture(
                    new SignInRefused("sign_in_failed", "no account after a sign-up conflict"));
              }
              return create(identity, termsVersion, clientIp, requestId)
                  .recover(
                      failure ->
                          failure instanceof PgException pg
                                  && SignInRepository.UNIQUE_VIOLATION.equals(pg.getSqlState())
                              ? resolve(identity, termsVersion, clientIp, requestId, false)
                              : Future.failedFuture(failure));
            });
  }

  /**
   * The email's holder first, then the identity: each statement sees what was committed when it
   * started, so a concurrent callback that created the account between the two is seen by the
   * second, and its identity wins over "the email is taken". (The other order could see the new
   * account without its identity and refuse a double click as {@code account_exists}.)
   */
  private Future<Lookup> lookup(ProviderIdentity identity) {
    return db.asService(
        sql ->
            IdentityRepository.holderOf(sql, identity.email())
                .compose(
                    holder ->
                        IdentityRepository.accountOf(
                                sql, identity.provider(), identity.subject(), restoreDays)
                            .map(linked -> new Lookup(linked, linked == null ? holder : null))));
  }

  private Future<Outcome> existing(IdentityRepository.Linked linked) {
    if (!linked.restorable()) {
      return Future.failedFuture(
          new SignInRefused("account_deleted", "linked account deleted past its restore window"));
    }
    return accounts
        .signedIn(
            new SignInRepository.Account(linked.userId(), linked.email(), null, linked.deleted()))
        .map(signIn -> new SignedIn(signIn, false, linked.onboardingCompleted()));
  }

  private Future<Outcome> create(
      ProviderIdentity identity, String termsVersion, String clientIp, String requestId) {
    if (termsVersion == null) {
      return Future.failedFuture(
          new SignInRefused("terms_required", "new account without accepted terms"));
    }
    if (AuthService.termsProblem(termsVersion) != null) {
      return Future.failedFuture(
          new SignInRefused("terms_outdated", "new account with outdated terms"));
    }
    return accounts
        .admitSignup(clientIp, identity.email())
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof ApiException api && api.status() == 429
                        ? new SignInRefused("rate_limited", "sign-up limit reached")
                        : failure))
        .compose(
            withBonus ->
                db.asService(
                    sql -> createAccount(sql, identity, termsVersion, withBonus, requestId)))
        .map(signIn -> new SignedIn(signIn, true, false));
  }

  private Future<AuthService.SignIn> createAccount(
      SqlClient sql,
      ProviderIdentity identity,
      String termsVersion,
      boolean withBonus,
      String requestId) {
    Future<Void> bonus =
        withBonus ? Future.succeededFuture() : SignInRepository.withholdSignupBonus(sql);
    return bonus
        .compose(done -> SignInRepository.insert(sql, identity.email(), null))
        .compose(
            account ->
                IdentityRepository.insert(sql, account.id(), identity)
                    .compose(done -> SignInRepository.acceptTerms(sql, account.id(), termsVersion))
                    .compose(
                        done -> IdentityRepository.nameProfile(sql, account.id(), identity.name()))
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
                                    new JsonObject().put("provider", identity.provider()))))
                    .compose(done -> accounts.startFamily(sql, account.id()))
                    .map(
                        refresh ->
                            new AuthService.SignIn(
                                accounts.session(account.id(), account.email()), refresh)));
  }

  /**
   * A password login that also links the identity waiting under {@code linkToken}. The token must
   * name this email (400 {@code link_invalid} otherwise, before the password is even checked, so a
   * stray link says nothing about it); it is spent only once the password was right.
   */
  public Future<AuthService.SignIn> loginAndLink(
      String email, String password, String clientIp, String linkToken, String requestId) {
    String normalized = JsonInput.normalizeEmail(email);
    return links
        .peek(linkToken)
        .compose(
            pending -> {
              if (pending == null || !pending.email().equals(normalized)) {
                return Future.failedFuture(linkInvalid());
              }
              return accounts
                  .login(email, password, clientIp)
                  .compose(
                      signIn ->
                          links
                              .take(linkToken)
                              .compose(
                                  taken -> {
                                    UUID signedInAs =
                                        UUID.fromString(
                                            signIn.body().getJsonObject("user").getString("id"));
                                    if (taken == null) {
                                      return Future.succeededFuture(
                                          signIn); // a double submit: the first one linked it
                                    }
                                    if (!taken.userId().equals(signedInAs)) {
                                      return Future.failedFuture(linkInvalid());
                                    }
                                    return db.asService(
                                            sql ->
                                                IdentityRepository.link(
                                                        sql,
                                                        signedInAs,
                                                        taken.provider(),
                                                        taken.subject(),
                                                        taken.providerEmail())
                                                    .compose(
                                                        linked ->
                                                            linked
                                                                ? EventLog.append(
                                                                    sql,
                                                                    new EventRecord(
                                                                        requestId,
                                                                        signedInAs,
                                                                        null,
                                                                        null,
                                                                        "identity.linked",
                                                                        null,
                                                                        new JsonObject()
                                                                            .put(
                                                                                "provider",
                                                                                taken.provider())))
                                                                : Future.<Void>succeededFuture()))
                                        .map(signIn);
                                  }));
            });
  }

  private static ApiException linkInvalid() {
    return Problems.badRequest(
        "link_invalid",
        "This link to your sign-in provider has expired or belongs to another email. Log in, or use Continue with Google or GitHub again.");
  }
}
