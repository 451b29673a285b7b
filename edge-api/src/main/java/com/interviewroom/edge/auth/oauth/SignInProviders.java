package com.interviewroom.edge.auth.oauth;

import com.interviewroom.common.config.Config;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The providers whose client id and secret are configured, by name; the others do not exist. */
public final class SignInProviders {
  private final Map<String, SignInProvider> byName;

  private SignInProviders(Map<String, SignInProvider> byName) {
    this.byName = Map.copyOf(byName);
  }

  public static SignInProviders of(Vertx vertx, Config.SignIn settings, Clock clock) {
    HttpCalls http = new HttpCalls(vertx);
    Map<String, SignInProvider> providers = new LinkedHashMap<>();
    if (settings.google()) {
      providers.put(
          "google",
          new GoogleSignIn(
              vertx,
              http,
              settings.googleIssuer(),
              settings.googleClientId(),
              settings.googleClientSecret(),
              clock));
    }
    if (settings.github()) {
      providers.put(
          "github",
          new GitHubSignIn(
              http,
              settings.githubOAuthUrl(),
              settings.githubApiUrl(),
              settings.githubClientId(),
              settings.githubClientSecret()));
    }
    return new SignInProviders(providers);
  }

  /** What {@code GET /api/legal} lists as {@code signInProviders}, in a fixed order. */
  public List<String> names() {
    return byName.keySet().stream()
        .sorted((a, b) -> a.equals("google") ? -1 : b.equals("google") ? 1 : a.compareTo(b))
        .toList();
  }

  SignInProvider get(String name) {
    return name == null ? null : byName.get(name);
  }
}
