package com.interviewroom.edge.auth.oauth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.edge.auth.ProviderIdentity;
import com.interviewroom.edge.auth.SignInRefused;
import com.interviewroom.testkit.oauth.FakeGoogle;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Google's signing keys as {@link GoogleSignIn} sees them: cached, refetched when a new {@code kid}
 * appears, not hammered.
 */
class GoogleKeyRotationTest {
  private static final String REDIRECT = "http://localhost:8080/auth/callback/google";

  private Vertx vertx;
  private FakeGoogle google;
  private WebClient browser;
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    google = FakeGoogle.start(vertx);
    google.registerRedirectUri(REDIRECT);
    browser = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterEach
  void stop() {
    google.close();
    await(vertx.close());
  }

  private ProviderIdentity signIn(GoogleSignIn provider) {
    String verifier = Secrets.random();
    String nonce = Secrets.random();
    String url = await(provider.authorizeUrl(Secrets.random(), nonce, verifier, REDIRECT));
    String location = await(browser.getAbs(url).send()).getHeader("Location");
    String code = null;
    for (String pair : URI.create(location).getRawQuery().split("&")) {
      if (pair.startsWith("code=")) {
        code =
            java.net.URLDecoder.decode(pair.substring(5), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return await(
        provider.identify(
            code, new PendingFlows.Flow("google", verifier, nonce, "", null, null), REDIRECT));
  }

  @Test
  @DisplayName(
      "keys are cached; after a rotation the new kid is fetched, but not more often than every 30 s")
  void rotation() {
    GoogleSignIn provider =
        new GoogleSignIn(
            vertx,
            new HttpCalls(vertx),
            google.issuer(),
            FakeGoogle.CLIENT_ID,
            FakeGoogle.CLIENT_SECRET,
            clock);
    google.signInAs(
        new FakeGoogle.User("10769150350006150715", "rotate@example.com", true, "Rotate"));
    assertThat(signIn(provider).subject()).isEqualTo("10769150350006150715");
    assertThat(signIn(provider).email()).isEqualTo("rotate@example.com");
    assertThat(google.jwksFetches()).as("cached").isEqualTo(1);

    google.rotateKeys();
    assertThatThrownBy(() -> signIn(provider))
        .hasRootCauseInstanceOf(SignInRefused.class)
        .rootCause()
        .satisfies(e -> assertThat(((SignInRefused) e).code()).isEqualTo("id_token_invalid"));
    now.set(now.get().plus(Duration.ofSeconds(31)));
    assertThat(signIn(provider).email()).isEqualTo("rotate@example.com");
    assertThat(google.jwksFetches()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a discovery document naming another issuer is refused (OpenID Connect Discovery §4.3)")
  void discoveryIssuerMustMatch() {
    GoogleSignIn provider =
        new GoogleSignIn(
            vertx,
            new HttpCalls(vertx),
            google.issuer() + "/other",
            FakeGoogle.CLIENT_ID,
            FakeGoogle.CLIENT_SECRET,
            clock);
    assertThatThrownBy(() -> await(provider.authorizeUrl("s", "n", Secrets.random(), REDIRECT)))
        .rootCause()
        .isInstanceOf(SignInRefused.class);
  }
}
