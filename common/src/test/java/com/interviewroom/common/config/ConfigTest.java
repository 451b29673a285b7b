package com.interviewroom.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  @DisplayName("an empty environment gives the embedded default")
  void emptyEnvironmentIsTheEmbeddedDefault() {
    Config config = Config.from(Map.of());
    assertThat(config.role()).isEqualTo(Role.ALL);
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().internalHost()).isEqualTo("127.0.0.1");
    assertThat(config.http().internalPort()).isEqualTo(8081);
    assertThat(config.embeddedDatabase()).isTrue();
    assertThat(config.embeddedRedis()).isTrue();
    assertThat(config.embeddedS3()).isTrue();
    assertThat(config.providers().openAiKey()).isNull();
    assertThat(config.providers().openAiRealtimeUrl())
        .startsWith("wss://api.openai.com/v1/realtime");
    assertThat(config.dataDir().isAbsolute()).isTrue();
  }

  @Test
  @DisplayName("NAME=value arguments (fly.toml's process commands) override the environment")
  void argumentsOverrideTheEnvironment() {
    Config config =
        Config.from(
            Map.of("ROLE", "all", "PORT", "9000"), "ROLE=edge", "INTERNAL_HOST=fly-local-6pn");
    assertThat(config.role()).isEqualTo(Role.EDGE);
    assertThat(config.http().internalHost()).isEqualTo("fly-local-6pn");
    assertThat(config.http().port()).isEqualTo(9000);
    assertThat(Config.from(Map.of(), "ROLE=sandbox").role()).isEqualTo(Role.SANDBOX);
    assertThatThrownBy(() -> Config.from(Map.of(), "ROLE=nope"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ROLE must be one of");
  }

  @Test
  @DisplayName("an argument that is not NAME=value stops start-up without echoing it")
  void malformedArgumentIsRefused() {
    for (String bad : new String[] {"s3cr3t", "=s3cr3t", "openai_api_key=s3cr3t", "--s3cr3t"}) {
      assertThatThrownBy(() -> Config.from(Map.of(), "PORT=1", bad))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("argument 2 must look like NAME=value")
          .hasMessageNotContaining(bad);
    }
  }

  @Test
  @DisplayName("a port that is not a number stops start-up naming PORT")
  void badPortNamesTheVariable() {
    assertThatThrownBy(() -> Config.from(Map.of("PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PORT must be a whole number");
  }

  @Test
  @DisplayName("every wrong variable is named in one message")
  void allErrorsAtOnce() {
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "ROLE",
                        "everything",
                        "INTERNAL_PORT",
                        "70000",
                        "DATABASE_URL",
                        "mysql://x/y",
                        "REDIS_URL",
                        "not a url")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ROLE must be one of")
        .hasMessageContaining("INTERNAL_PORT must be between 0 and 65535")
        .hasMessageContaining("DATABASE_URL must be a URL with scheme postgres or postgresql")
        .hasMessageContaining("REDIS_URL");
  }

  @Test
  @DisplayName("an external issuer needs its JWKS URL, issuer and audience together")
  void externalIssuerIsAllOrNothing() {
    assertThatThrownBy(() -> Config.from(Map.of("AUTH_JWKS_URL", "https://x.example/jwks.json")))
        .hasMessageContaining("AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE must be set together");
    Config ok =
        Config.from(
            Map.of(
                "AUTH_JWKS_URL",
                "https://x.example/jwks.json",
                "AUTH_ISSUER",
                "https://x.example",
                "AUTH_AUDIENCE",
                "authenticated"));
    assertThat(ok.auth().externalIssuer()).isTrue();
  }

  @Test
  @DisplayName("a Stripe test key in production, or a live key in development, stops start-up")
  void stripeModeMustMatchEnvironment() {
    String secret = "x".repeat(40);
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "APP_ENV",
                        "production",
                        "INTERNAL_WEBHOOK_SECRET",
                        secret,
                        "STRIPE_SECRET_KEY",
                        "sk_test_abc",
                        "STRIPE_WEBHOOK_SECRET",
                        "whsec_x")))
        .hasMessageContaining("STRIPE_SECRET_KEY is a test-mode key but APP_ENV=production");
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of("STRIPE_SECRET_KEY", "sk_live_abc", "STRIPE_WEBHOOK_SECRET", "whsec_x")))
        .hasMessageContaining("STRIPE_SECRET_KEY is a live-mode key but APP_ENV is not production");
  }

  @Test
  @DisplayName(
      "a publishable key of the other mode than the secret key stops start-up, naming both variables")
  void publishableKeyModeMustMatchSecretKey() {
    String secret = "x".repeat(40);
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "STRIPE_SECRET_KEY",
                        "sk_test_abc",
                        "STRIPE_WEBHOOK_SECRET",
                        "whsec_x",
                        "STRIPE_PUBLISHABLE_KEY",
                        "pk_live_abc")))
        .hasMessageContaining(
            "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are of different modes (test and live)");
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "APP_ENV",
                        "production",
                        "INTERNAL_WEBHOOK_SECRET",
                        secret,
                        "STRIPE_SECRET_KEY",
                        "sk_live_abc",
                        "STRIPE_WEBHOOK_SECRET",
                        "whsec_x",
                        "STRIPE_PUBLISHABLE_KEY",
                        "pk_test_abc")))
        .hasMessageContaining(
            "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are of different modes (test and live)");
    assertThatThrownBy(() -> Config.from(Map.of("STRIPE_PUBLISHABLE_KEY", "sk_test_abc")))
        .hasMessageContaining("STRIPE_PUBLISHABLE_KEY must start with pk_live_ or pk_test_");
    assertThat(
            Config.from(
                    Map.of(
                        "STRIPE_SECRET_KEY",
                        "rk_test_abc",
                        "STRIPE_WEBHOOK_SECRET",
                        "whsec_x",
                        "STRIPE_PUBLISHABLE_KEY",
                        "pk_test_abc"))
                .stripe()
                .publishableKey())
        .isEqualTo("pk_test_abc");
  }

  @Test
  @DisplayName(
      "STRIPE_JS_URL defaults to Stripe's own https://js.stripe.com/v3/; another URL (a test stand-in) is refused in production")
  void stripeJsUrl() {
    assertThat(Config.from(Map.of()).stripeJs().url()).isEqualTo("https://js.stripe.com/v3/");
    assertThat(Config.from(Map.of()).stripeJs().official()).isTrue();
    assertThat(Config.from(Map.of("STRIPE_JS_URL", "http://127.0.0.1:9/v3/")).stripeJs().official())
        .isFalse();
    assertThatThrownBy(() -> Config.from(Map.of("STRIPE_JS_URL", "js.stripe.com/v3")))
        .hasMessageContaining("STRIPE_JS_URL must be a URL with scheme http or https");
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "APP_ENV",
                        "production",
                        "INTERNAL_WEBHOOK_SECRET",
                        "x".repeat(40),
                        "STRIPE_JS_URL",
                        "https://stand-in.example.com/v3/")))
        .hasMessageContaining(
            "STRIPE_JS_URL must be https://js.stripe.com/v3/ when APP_ENV=production");
  }

  @Test
  @DisplayName(
      "sign-in providers: off by default with Google's and GitHub's real endpoints; id and secret go together; https in production")
  void signInProviders() {
    Config.SignIn defaults = Config.from(Map.of()).signIn();
    assertThat(defaults.google()).isFalse();
    assertThat(defaults.github()).isFalse();
    assertThat(defaults.googleIssuer()).isEqualTo("https://accounts.google.com");
    assertThat(defaults.githubOAuthUrl()).isEqualTo("https://github.com");
    assertThat(defaults.githubApiUrl()).isEqualTo("https://api.github.com");
    Config.SignIn both =
        Config.from(
                Map.of(
                    "GOOGLE_CLIENT_ID",
                    "id.apps.googleusercontent.com",
                    "GOOGLE_CLIENT_SECRET",
                    "s",
                    "GITHUB_CLIENT_ID",
                    "Ov23li",
                    "GITHUB_CLIENT_SECRET",
                    "t"))
            .signIn();
    assertThat(both.google()).isTrue();
    assertThat(both.github()).isTrue();
    assertThatThrownBy(
            () -> Config.from(Map.of("GOOGLE_CLIENT_ID", "id.apps.googleusercontent.com")))
        .hasMessageContaining("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together");
    assertThatThrownBy(() -> Config.from(Map.of("GITHUB_CLIENT_SECRET", "t")))
        .hasMessageContaining("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together");
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "APP_ENV",
                        "production",
                        "INTERNAL_WEBHOOK_SECRET",
                        "x".repeat(40),
                        "GOOGLE_ISSUER",
                        "http://127.0.0.1:9999")))
        .hasMessageContaining("GOOGLE_ISSUER must be an https URL when APP_ENV=production");
  }

  @Test
  @DisplayName(
      "RETENTION_DAYS defaults to 90 and ACCOUNT_RESTORE_DAYS to 30; a value out of range names its variable")
  void retentionWindows() {
    Config.Retention defaults = Config.from(Map.of()).retention();
    assertThat(defaults.days()).isEqualTo(90);
    assertThat(defaults.accountRestoreDays()).isEqualTo(30);
    assertThat(Config.from(Map.of("RETENTION_DAYS", "30", "ACCOUNT_RESTORE_DAYS", "0")).retention())
        .extracting(Config.Retention::days, Config.Retention::accountRestoreDays)
        .containsExactly(30, 0);
    for (String name :
        java.util.List.of(
            "RETENTION_DAYS",
            "ACCOUNT_RESTORE_DAYS",
            "RETENTION_BATCH_SIZE",
            "RETENTION_MAX_BATCHES_PER_RUN")) {
      assertThatThrownBy(() -> Config.from(Map.of(name, "-1"))).hasMessageContaining(name);
    }
  }

  @Test
  @DisplayName(
      "recording is on by default in 30 s chunks kept 30 days (fewer when RETENTION_DAYS is lower); RECORDING_ENABLED=false turns it off; wrong values name their variable")
  void recording() {
    Config.Recording defaults = Config.from(Map.of()).recording();
    assertThat(defaults).isEqualTo(Config.Recording.DEFAULTS);
    assertThat(defaults.enabled()).isTrue();
    assertThat(defaults.encrypted()).isTrue();
    assertThat(Config.from(Map.of("RECORDING_ENABLED", "false")).recording().enabled()).isFalse();
    assertThat(Config.from(Map.of("RETENTION_DAYS", "14")).recording().retentionDays())
        .isEqualTo(14);
    Config.Recording set =
        Config.from(
                Map.of(
                    "RECORDING_CHUNK_SECONDS",
                    "10",
                    "RECORDING_RETENTION_DAYS",
                    "7",
                    "S3_PUBLIC_ENDPOINT",
                    "https://files.example.com",
                    "S3_SSE",
                    "none"))
            .recording();
    assertThat(set.chunkSeconds()).isEqualTo(10);
    assertThat(set.retentionDays()).isEqualTo(7);
    assertThat(set.publicEndpoint()).isEqualTo("https://files.example.com");
    assertThat(set.encrypted()).isFalse();
    for (Map<String, String> wrong :
        java.util.List.of(
            Map.of("RECORDING_ENABLED", "yes"),
            Map.of("RECORDING_CHUNK_SECONDS", "0"),
            Map.of("RECORDING_UPLOAD_QUEUE", "0"),
            Map.of("RECORDING_UPLOAD_THREADS", "65"),
            Map.of("S3_SSE", "aws:kms"),
            Map.of("S3_PUBLIC_ENDPOINT", "files.example.com"))) {
      String name = wrong.keySet().iterator().next();
      assertThatThrownBy(() -> Config.from(wrong)).as(name).hasMessageContaining(name);
    }
    assertThatThrownBy(() -> Config.from(Map.of("RECORDING_RETENTION_DAYS", "91")))
        .hasMessageContaining("RECORDING_RETENTION_DAYS");
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "RECORDING_CHUNK_SECONDS", "300", "RECORDING_MAX_OBJECT_BYTES", "1000000")))
        .hasMessageContaining("RECORDING_MAX_OBJECT_BYTES");
  }

  @Test
  @DisplayName("STRIPE_PAST_DUE_GRACE_DAYS defaults to 7 and is refused outside 0-60")
  void pastDueGrace() {
    assertThat(Config.from(Map.of()).stripe().pastDueGraceDays()).isEqualTo(7);
    assertThat(Config.from(Map.of("STRIPE_PAST_DUE_GRACE_DAYS", "0")).stripe().pastDueGraceDays())
        .isZero();
    assertThatThrownBy(() -> Config.from(Map.of("STRIPE_PAST_DUE_GRACE_DAYS", "61")))
        .hasMessageContaining("STRIPE_PAST_DUE_GRACE_DAYS");
  }

  @Test
  @DisplayName("STRIPE_PRICE_UNLIMITED is read as a Stripe price id, and anything else is refused")
  void unlimitedPrice() {
    assertThat(Config.from(Map.of("STRIPE_PRICE_UNLIMITED", "price_123")).stripe().priceUnlimited())
        .isEqualTo("price_123");
    assertThat(Config.from(Map.of()).stripe().priceUnlimited()).isNull();
    assertThatThrownBy(() -> Config.from(Map.of("STRIPE_PRICE_UNLIMITED", "prod_123")))
        .hasMessageContaining("STRIPE_PRICE_UNLIMITED must be a Stripe price id");
  }

  @Test
  @DisplayName(
      "production requires a strong internal webhook secret, and messages never echo secrets")
  void productionNeedsInternalSecret() {
    assertThatThrownBy(() -> Config.from(Map.of("APP_ENV", "production")))
        .hasMessageContaining("INTERNAL_WEBHOOK_SECRET is required");
    assertThatThrownBy(() -> Config.from(Map.of("INTERNAL_WEBHOOK_SECRET", "short-secret-value")))
        .hasMessageContaining("INTERNAL_WEBHOOK_SECRET must be at least 32 characters")
        .message()
        .doesNotContain("short-secret-value");
  }

  @Test
  @DisplayName("the public and internal listeners cannot share a port")
  void portsMustDiffer() {
    assertThatThrownBy(() -> Config.from(Map.of("PORT", "9000", "INTERNAL_PORT", "9000")))
        .hasMessageContaining("INTERNAL_PORT must differ from PORT");
  }

  @Test
  @DisplayName(
      "REDIS_URL takes redis:// or rediss:// (TLS to a managed Redis); any other scheme is refused naming REDIS_URL")
  void redisUrlSchemes() {
    assertThat(
            Config.from(Map.of("REDIS_URL", "rediss://default:pw@redis.example.com:6380"))
                .redisUrl())
        .isEqualTo("rediss://default:pw@redis.example.com:6380");
    assertThat(Config.from(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0")).redisUrl())
        .isEqualTo("redis://127.0.0.1:6379/0");
    assertThat(Config.from(Map.of("REDIS_URL", "rediss://redis.example.com")).embeddedRedis())
        .isFalse();
    assertThatThrownBy(
            () -> Config.from(Map.of("REDIS_URL", "http://default:s3cr3t@redis.example.com:6379")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REDIS_URL must be a URL with scheme redis or rediss")
        .message()
        .doesNotContain("s3cr3t");
  }

  @Test
  @DisplayName(
      "the default OpenAI Realtime URL carries no model: the model is configuration of its own, with current defaults")
  void defaultRealtimeModel() {
    Config.Providers providers = Config.from(Map.of()).providers();
    assertThat(providers.openAiRealtimeUrl()).isEqualTo("wss://api.openai.com/v1/realtime");
    assertThat(providers.models().openAiRealtime()).isEqualTo("gpt-realtime");
    assertThat(providers.models().geminiLive())
        .as("not the model Google shut down on 2025-12-09")
        .isNotEqualTo("gemini-live-2.5-flash-preview")
        .isEqualTo("gemini-2.5-flash-native-audio-preview-12-2025");
    assertThat(providers.models().anthropicEvaluator())
        .as("not the retired Sonnet 4.5")
        .isNotEqualTo("claude-sonnet-4-5");
  }

  @Test
  @DisplayName(
      "every model id is read from its variable, and a malformed one is refused naming the variable")
  void modelIdsAreConfiguration() {
    Config.Models models =
        Config.from(
                Map.of(
                    "OPENAI_REALTIME_MODEL",
                    "gpt-realtime-2",
                    "OPENAI_TRANSCRIBE_MODEL",
                    "gpt-4o-transcribe",
                    "GEMINI_LIVE_MODEL",
                    "gemini-3.1-flash-live-preview",
                    "ANTHROPIC_OBSERVER_MODEL",
                    "claude-haiku-4-5-20251001",
                    "ANTHROPIC_EVALUATOR_MODEL",
                    "claude-opus-5"))
            .providers()
            .models();
    assertThat(models)
        .isEqualTo(
            new Config.Models(
                "gpt-realtime-2",
                "gpt-4o-transcribe",
                "gemini-3.1-flash-live-preview",
                "claude-haiku-4-5-20251001",
                "claude-opus-5"));
    assertThatThrownBy(() -> Config.from(Map.of("GEMINI_LIVE_MODEL", "gemini live?")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("GEMINI_LIVE_MODEL must be a model id");
  }

  @Test
  @DisplayName(
      "the audio byte rate defaults near 24 kHz PCM16 with a 3 s burst; below real time, or a burst under one 64 KiB frame, is refused by name")
  void audioByteRate() {
    assertThat(Config.from(Map.of()).realtime()).isEqualTo(new Config.Realtime(52_800, 144_000));
    assertThat(
            Config.from(Map.of("AUDIO_BYTES_PER_SECOND", "96000", "AUDIO_BURST_BYTES", "200000"))
                .realtime())
        .isEqualTo(new Config.Realtime(96_000, 200_000));
    assertThatThrownBy(
            () ->
                Config.from(Map.of("AUDIO_BYTES_PER_SECOND", "24000", "AUDIO_BURST_BYTES", "1000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("AUDIO_BYTES_PER_SECOND must be between 48000")
        .hasMessageContaining("AUDIO_BURST_BYTES must be between 65536");
  }

  @Test
  @DisplayName(
      "sign-in settings have their defaults, are read from the environment, and a wrong one stops start-up naming it")
  void signInSettings() {
    Config.Accounts defaults = Config.from(Map.of()).auth().accounts();
    assertThat(defaults).isEqualTo(Config.Accounts.DEFAULTS);
    assertThat(defaults.refreshTtlDays()).isEqualTo(30);
    Config.Accounts set =
        Config.from(
                Map.of(
                    "AUTH_LOGIN_PER_IP_PER_MINUTE",
                    "7",
                    "CLIENT_IP_HEADER",
                    "Fly-Client-IP",
                    "AUTH_FREE_CREDIT_SIGNUPS_PER_IP_PER_DAY",
                    "0"))
            .auth()
            .accounts();
    assertThat(set.loginPerIpPerMinute()).isEqualTo(7);
    assertThat(set.clientIpHeader()).isEqualTo("Fly-Client-IP");
    assertThat(set.freeCreditSignupsPerIpPerDay()).isZero();
    assertThatThrownBy(() -> Config.from(Map.of("AUTH_PASSWORD_HASH_SLOTS", "0")))
        .hasMessageContaining("AUTH_PASSWORD_HASH_SLOTS must be between 1 and 64");
    assertThatThrownBy(() -> Config.from(Map.of("CLIENT_IP_HEADER", "X Forwarded")))
        .hasMessageContaining("CLIENT_IP_HEADER must be an HTTP header name");
    assertThatThrownBy(() -> Config.from(Map.of("TRACKED_SKILL_SECRET", "short")))
        .hasMessageContaining("TRACKED_SKILL_SECRET must be at least 32 characters")
        .message()
        .doesNotContain("short ");
  }

  @Test
  @DisplayName(
      "the runner's port follows PORT (PORT+2, 0 with 0) unless SANDBOX_PORT says; its token is long and, in production, required for a separate runner")
  void sandboxPortAndToken() {
    assertThat(Config.from(Map.of()).sandbox().port()).isEqualTo(8082);
    assertThat(Config.from(Map.of("PORT", "9000")).sandbox().port()).isEqualTo(9002);
    assertThat(Config.from(Map.of("PORT", "0")).sandbox().port()).isZero();
    assertThat(Config.from(Map.of("PORT", "9000", "SANDBOX_PORT", "7000")).sandbox().port())
        .isEqualTo(7000);
    assertThatThrownBy(() -> Config.from(Map.of("SANDBOX_TOKEN", "short")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SANDBOX_TOKEN must be at least 32")
        .hasMessageNotContaining("short");
    String secret = "s".repeat(40);
    assertThatThrownBy(
            () ->
                Config.from(
                    Map.of(
                        "APP_ENV",
                        "production",
                        "INTERNAL_WEBHOOK_SECRET",
                        secret,
                        "ROLE",
                        "sandbox")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SANDBOX_TOKEN is required");
    assertThat(
            Config.from(
                    Map.of(
                        "APP_ENV",
                        "production",
                        "INTERNAL_WEBHOOK_SECRET",
                        secret,
                        "ROLE",
                        "sandbox",
                        "SANDBOX_TOKEN",
                        secret))
                .sandbox()
                .token())
        .isEqualTo(secret);
    assertThat(
            Config.from(Map.of("APP_ENV", "production", "INTERNAL_WEBHOOK_SECRET", secret))
                .sandbox()
                .token())
        .as("ROLE=all runs its runner in-process: a token is generated")
        .isNull();
  }

  @Test
  @DisplayName(
      "Sentry is off without SENTRY_DSN; its sample rate must be a share and its environment follows APP_ENV")
  void errorTracking() {
    assertThat(Config.from(Map.of()).errorTracking().enabled()).isFalse();
    Config.ErrorTracking on =
        Config.from(
                Map.of(
                    "SENTRY_DSN",
                    "https://key@o1.ingest.sentry.io/42",
                    "SENTRY_SAMPLE_RATE",
                    "0.25",
                    "APP_ENV",
                    "production",
                    "INTERNAL_WEBHOOK_SECRET",
                    "x".repeat(32),
                    "SENTRY_RELEASE",
                    "abc123"))
            .errorTracking();
    assertThat(on)
        .isEqualTo(
            new Config.ErrorTracking(
                "https://key@o1.ingest.sentry.io/42", 0.25, "production", "abc123"));
    assertThatThrownBy(() -> Config.from(Map.of("SENTRY_SAMPLE_RATE", "1.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SENTRY_SAMPLE_RATE must be between 0.0 and 1.0");
    assertThatThrownBy(() -> Config.from(Map.of("SENTRY_DSN", "secretkey@nohost")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SENTRY_DSN must be a URL")
        .hasMessageNotContaining("secretkey");
  }
}
