package com.interviewroom.edge.auth.oauth;

import com.interviewroom.edge.auth.ProviderIdentity;
import com.interviewroom.edge.auth.SignInRefused;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;

/**
 * GitHub through its OAuth app web flow
 * (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps): the
 * browser goes to {@code /login/oauth/authorize} (PKCE S256), the code is exchanged at {@code
 * /login/oauth/access_token} asking for JSON (GitHub answers form-encoded otherwise, and reports a
 * bad code with HTTP 200 and an {@code error} field), then the REST API gives the user ({@code GET
 * /user}: the numeric {@code id} is the subject) and their addresses ({@code GET /user/emails},
 * scope {@code user:email}): the one marked primary and verified is the email; without one the
 * sign-in is refused. GitHub's access token is used for these two calls and then dropped, never
 * stored.
 */
final class GitHubSignIn implements SignInProvider {
  /** https://docs.github.com/en/rest/about-the-rest-api/api-versions */
  static final String API_VERSION = "2022-11-28";

  private final HttpCalls http;
  private final String oauthUrl;
  private final String apiUrl;
  private final String clientId;
  private final String clientSecret;

  GitHubSignIn(
      HttpCalls http, String oauthUrl, String apiUrl, String clientId, String clientSecret) {
    this.http = http;
    this.oauthUrl = trim(oauthUrl);
    this.apiUrl = trim(apiUrl);
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  @Override
  public String name() {
    return "github";
  }

  @Override
  public Future<String> authorizeUrl(
      String state, String nonce, String verifier, String redirectUri) {
    return Future.succeededFuture(
        oauthUrl
            + "/login/oauth/authorize?"
            + Query.of(
                "client_id",
                clientId,
                "redirect_uri",
                redirectUri,
                "scope",
                "read:user user:email",
                "state",
                state,
                "code_challenge",
                Secrets.challenge(verifier),
                "code_challenge_method",
                "S256",
                "allow_signup",
                "true"));
  }

  @Override
  public Future<ProviderIdentity> identify(
      String code, PendingFlows.Flow flow, String redirectUri) {
    return accessToken(code, flow.verifier(), redirectUri)
        .compose(
            token ->
                user(token)
                    .compose(
                        user ->
                            primaryVerifiedEmail(token)
                                .map(
                                    email ->
                                        new ProviderIdentity(
                                            name(), user.subject(), email, user.name()))));
  }

  private record User(String subject, String name) {}

  private Future<String> accessToken(String code, String verifier, String redirectUri) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("client_id", clientId)
            .add("client_secret", clientSecret)
            .add("code", code)
            .add("redirect_uri", redirectUri)
            .add("code_verifier", verifier);
    return HttpCalls.send(
            "github access_token",
            http.post(oauthUrl + "/login/oauth/access_token")
                .putHeader("Accept", "application/json")
                .sendForm(form))
        .map(
            response -> {
              JsonObject body = Json.objectOrNull(response.bodyAsString());
              if (response.statusCode() != 200 || body == null) {
                throw new SignInRefused(
                    "provider_error", "github access_token answered " + response.statusCode());
              }
              if (body.containsKey("error")) {
                throw new SignInRefused(
                    "provider_error", "github access_token error " + body.getValue("error"));
              }
              if (!(body.getValue("access_token") instanceof String token)
                  || token.isEmpty()
                  || !"bearer".equalsIgnoreCase(body.getString("token_type", ""))) {
                throw new SignInRefused(
                    "provider_error", "github access_token answer without a bearer token");
              }
              return token;
            });
  }

  private Future<User> user(String token) {
    return HttpCalls.send("github user", api(apiUrl + "/user", token).send())
        .map(
            response -> {
              JsonObject body = Json.objectOrNull(response.bodyAsString());
              if (response.statusCode() != 200
                  || body == null
                  || !(body.getValue("id") instanceof Number id)
                  || id.longValue() <= 0) {
                throw new SignInRefused(
                    "provider_error", "github /user answered " + response.statusCode());
              }
              String name =
                  body.getValue("name") instanceof String n && !n.isBlank()
                      ? n
                      : body.getValue("login") instanceof String l ? l : null;
              return new User(Long.toString(id.longValue()), name);
            });
  }

  private Future<String> primaryVerifiedEmail(String token) {
    // 100 per page (the most GitHub serves): an account rarely has more addresses than that
    return HttpCalls.send(
            "github user/emails", api(apiUrl + "/user/emails?per_page=100", token).send())
        .map(
            response -> {
              JsonArray emails = Json.arrayOrNull(response.bodyAsString());
              if (response.statusCode() != 200 || emails == null) {
                throw new SignInRefused(
                    "provider_error", "github /user/emails answered " + response.statusCode());
              }
              for (Object entry : emails) {
                if (entry instanceof JsonObject email
                    && Boolean.TRUE.equals(email.getValue("primary"))
                    && Boolean.TRUE.equals(email.getValue("verified"))
                    && email.getValue("email") instanceof String address) {
                  return Emails.normalized(address);
                }
              }
              throw new SignInRefused(
                  "email_unverified", "github account without a verified primary email");
            });
  }

  private HttpRequest<Buffer> api(String url, String token) {
    return http.get(url)
        .putHeader("Authorization", "Bearer " + token)
        .putHeader("Accept", "application/vnd.github+json")
        .putHeader("X-GitHub-Api-Version", API_VERSION);
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
