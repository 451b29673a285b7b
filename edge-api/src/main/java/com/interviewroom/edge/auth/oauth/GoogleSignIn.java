package com.interviewroom.edge.auth.oauth;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.auth.JwksIssuer;
import com.interviewroom.edge.auth.ProviderIdentity;
import com.interviewroom.edge.auth.SignInRefused;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google through OpenID Connect
 * (https://developers.google.com/identity/openid-connect/openid-connect): the endpoints come from
 * the issuer's discovery document ({@code /.well-known/openid-configuration}, cached for {@link
 * #DISCOVERY_MAX_AGE}; a failed fetch is not cached), the code is exchanged at {@code
 * token_endpoint} with the client secret and the PKCE verifier, and the person is whoever the
 * verified ID token ({@link GoogleIdTokens}) says, with a verified email.
 */
final class GoogleSignIn implements SignInProvider {
  private static final Logger log = LoggerFactory.getLogger(GoogleSignIn.class);
  static final Duration DISCOVERY_MAX_AGE = Duration.ofHours(1);

  record Discovery(
      String authorizationEndpoint,
      String tokenEndpoint,
      GoogleIdTokens idTokens,
      Instant fetchedAt) {}

  private final Vertx vertx;
  private final HttpCalls http;
  private final String issuer;
  private final String clientId;
  private final String clientSecret;
  private final Clock clock;
  private Future<Discovery> discovery; // guarded by this

  GoogleSignIn(
      Vertx vertx,
      HttpCalls http,
      String issuer,
      String clientId,
      String clientSecret,
      Clock clock) {
    this.vertx = vertx;
    this.http = http;
    this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "google";
  }

  @Override
  public Future<String> authorizeUrl(
      String state, String nonce, String verifier, String redirectUri) {
    return discovery()
        .map(
            found ->
                found.authorizationEndpoint()
                    + (found.authorizationEndpoint().contains("?") ? "&" : "?")
                    + Query.of(
                        "response_type",
                        "code",
                        "client_id",
                        clientId,
                        "redirect_uri",
                        redirectUri,
                        "scope",
                        "openid email profile",
                        "state",
                        state,
                        "nonce",
                        nonce,
                        "code_challenge",
                        Secrets.challenge(verifier),
                        "code_challenge_method",
                        "S256"));
  }

  @Override
  public Future<ProviderIdentity> identify(
      String code, PendingFlows.Flow flow, String redirectUri) {
    return discovery()
        .compose(
            found ->
                exchange(found, code, flow.verifier(), redirectUri)
                    .compose(idToken -> found.idTokens().verify(idToken, flow.nonce())))
        .map(
            claims -> {
              if (claims.email() == null || !claims.emailVerified()) {
                throw new SignInRefused("email_unverified", "google email missing or not verified");
              }
              return new ProviderIdentity(
                  name(), claims.subject(), Emails.normalized(claims.email()), claims.name());
            });
  }

  private Future<String> exchange(
      Discovery found, String code, String verifier, String redirectUri) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "authorization_code")
            .add("code", code)
            .add("redirect_uri", redirectUri)
            .add("client_id", clientId)
            .add("client_secret", clientSecret)
            .add("code_verifier", verifier);
    return HttpCalls.send(
            "google token endpoint",
            http.post(found.tokenEndpoint()).putHeader("Accept", "application/json").sendForm(form))
        .map(
            response -> {
              JsonObject body = Json.objectOrNull(response.bodyAsString());
              if (response.statusCode() != 200
                  || body == null
                  || !(body.getValue("id_token") instanceof String idToken)) {
                // Google's error body is {error, error_description}; the code is safe to log, the
                // description too
                throw new SignInRefused(
                    "provider_error",
                    "google token endpoint answered "
                        + response.statusCode()
                        + " "
                        + (body == null ? "" : body.getString("error", "")));
              }
              return idToken;
            });
  }

  /**
   * The discovery document, fetched once and again after {@link #DISCOVERY_MAX_AGE}; concurrent
   * callers share one fetch.
   */
  private synchronized Future<Discovery> discovery() {
    Future<Discovery> current = discovery;
    if (current != null
        && !(current.isComplete()
            && (current.failed()
                || current
                    .result()
                    .fetchedAt()
                    .plus(DISCOVERY_MAX_AGE)
                    .isBefore(clock.instant())))) {
      return current;
    }
    discovery =
        HttpCalls.send(
                "google discovery", http.get(issuer + "/.well-known/openid-configuration").send())
            .map(this::parseDiscovery)
            .onFailure(
                err -> log.warn("google discovery failed {}", kv("error", err.getMessage())));
    return discovery;
  }

  private Discovery parseDiscovery(
      io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response) {
    JsonObject doc = Json.objectOrNull(response.bodyAsString());
    if (response.statusCode() != 200 || doc == null) {
      throw new SignInRefused(
          "provider_unavailable", "google discovery answered " + response.statusCode());
    }
    // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be the one it was fetched
    // for
    if (!issuer.equals(doc.getString("issuer"))) {
      throw new SignInRefused("provider_error", "google discovery names another issuer");
    }
    String authorize = absoluteUrl(doc, "authorization_endpoint");
    String token = absoluteUrl(doc, "token_endpoint");
    String jwks = absoluteUrl(doc, "jwks_uri");
    JwksIssuer keys = new JwksIssuer(vertx, jwks, issuer, clientId, clock);
    return new Discovery(
        authorize, token, new GoogleIdTokens(keys, issuer, clientId, clock), clock.instant());
  }

  private static String absoluteUrl(JsonObject doc, String field) {
    Object value = doc.getValue(field);
    try {
      URI uri = value instanceof String s ? URI.create(s) : null;
      if (uri != null
          && uri.getHost() != null
          && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        return (String) value;
      }
    } catch (IllegalArgumentException ignored) {
      // falls through to the refusal
    }
    throw new SignInRefused("provider_error", "google discovery without a usable " + field);
  }
}
