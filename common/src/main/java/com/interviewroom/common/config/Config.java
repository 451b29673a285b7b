package com.interviewroom.common.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the system reads from its environment, read once at start and validated. A wrong value
 * stops start-up with a message naming the variable. Unset optional URLs mean "use the embedded
 * default" (database, Redis, S3) or "not configured" (AI providers, Stripe).
 */
public record Config(
    Role role,
    boolean production,
    Http http,
    Path dataDir,
    String databaseUrl,
    String redisUrl,
    S3 s3,
    Sandbox sandbox,
    Auth auth,
    Providers providers,
    Stripe stripe,
    String internalWebhookSecret,
    Resilience resilience,
    Realtime realtime,
    ErrorTracking errorTracking,
    Retention retention,
    StripeJs stripeJs,
    SignIn signIn,
    Operations operations,
    Recording recording,
    Console console) {

  /**
   * "Continue with Google / GitHub" ({@code GOOGLE_*}, {@code GITHUB_*}): a provider is offered
   * only when its client id and secret are both set. The base URLs are configuration so tests point
   * them at local fakes: {@code googleIssuer} is the OpenID issuer whose {@code
   * /.well-known/openid-configuration} names every other endpoint; GitHub's OAuth pages live under
   * {@code githubOAuthUrl}, its REST API under {@code githubApiUrl}.
   */
  public record SignIn(
      String googleClientId,
      String googleClientSecret,
      String googleIssuer,
      String githubClientId,
      String githubClientSecret,
      String githubOAuthUrl,
      String githubApiUrl) {
    public static final String GOOGLE_ISSUER = "https://accounts.google.com";
    public static final String GITHUB_OAUTH_URL = "https://github.com";
    public static final String GITHUB_API_URL = "https://api.github.com";
    public static final SignIn NONE =
        new SignIn(null, null, GOOGLE_ISSUER, null, null, GITHUB_OAUTH_URL, GITHUB_API_URL);

    public boolean google() {
      return googleClientId != null && googleClientSecret != null;
    }

    public boolean github() {
      return githubClientId != null && githubClientSecret != null;
    }
  }

  public record Http(int port, String internalHost, int internalPort, String publicBaseUrl) {}

  public record S3(
      String endpoint, String bucket, String region, String accessKey, String secretKey) {}

  /**
   * @param requireCgroups refuse to start the runner when it cannot create its cgroups (memory, CPU
   *     and pids limits would be silently lost): the default for {@code ROLE=sandbox}; {@code
   *     SANDBOX_CGROUPS=optional} opts out, {@code required} opts in elsewhere
   */
  public record Sandbox(
      String url, int port, int slots, int queue, boolean requireCgroups, String token) {
    public Sandbox(String url, int port, int slots, int queue) {
      this(url, port, slots, queue, false, null);
    }

    public Sandbox(String url, int port, int slots, int queue, boolean requireCgroups) {
      this(url, port, slots, queue, requireCgroups, null);
    }

    /** The runner's HTTP API credential ({@code Authorization: Bearer <token>}). */
    public Sandbox withToken(String next) {
      return new Sandbox(url, port, slots, queue, requireCgroups, next);
    }
  }

  /**
   * An external issuer (Supabase, Clerk, ...) trusted through JWKS (the first three, all null when
   * unused), and the built-in accounts' sign-in settings.
   */
  public record Auth(String jwksUrl, String issuer, String audience, Accounts accounts) {
    public Auth(String jwksUrl, String issuer, String audience) {
      this(jwksUrl, issuer, audience, Accounts.DEFAULTS);
    }

    public boolean externalIssuer() {
      return jwksUrl != null;
    }
  }

  /**
   * Sign-in of the built-in accounts: refresh-token lifetime, per-IP and per-email attempt limits,
   * the daily cap of free-credit sign-ups per IP, the password-hashing pool, where the client IP
   * comes from behind a proxy (null: the socket's address) and the tracked-skill HMAC key (null:
   * derived from {@code INTERNAL_WEBHOOK_SECRET}).
   */
  public record Accounts(
      int refreshTtlDays,
      int loginPerIpPerMinute,
      int loginPerEmailPer15Minutes,
      int signupPerIpPerHour,
      int signupPerEmailPerHour,
      int freeCreditSignupsPerIpPerDay,
      int passwordHashSlots,
      int passwordHashQueue,
      String clientIpHeader,
      String trackedSkillSecret) {
    public static final Accounts DEFAULTS = new Accounts(30, 20, 10, 10, 3, 5, 2, 32, null, null);
  }

  /**
   * Provider keys, endpoints and model ids. The defaults are current models as of 2026-12 (see
   * docs/voice.md and docs/agents.md for the sources checked); every id can be overridden.
   */
  public record Providers(
      String openAiKey,
      String openAiRealtimeUrl,
      String geminiKey,
      String geminiLiveUrl,
      String anthropicKey,
      String anthropicBaseUrl,
      Models models) {
    /** Keys and endpoints with the default models. */
    public Providers(
        String openAiKey,
        String openAiRealtimeUrl,
        String geminiKey,
        String geminiLiveUrl,
        String anthropicKey,
        String anthropicBaseUrl) {
      this(
          openAiKey,
          openAiRealtimeUrl,
          geminiKey,
          geminiLiveUrl,
          anthropicKey,
          anthropicBaseUrl,
          Models.DEFAULTS);
    }

    public Providers withModels(Models next) {
      return new Providers(
          openAiKey,
          openAiRealtimeUrl,
          geminiKey,
          geminiLiveUrl,
          anthropicKey,
          anthropicBaseUrl,
          next);
    }
  }

  /**
   * Model ids: {@code OPENAI_REALTIME_MODEL}, {@code OPENAI_TRANSCRIBE_MODEL}, {@code
   * GEMINI_LIVE_MODEL}, {@code ANTHROPIC_*_MODEL}.
   */
  public record Models(
      String openAiRealtime,
      String openAiTranscribe,
      String geminiLive,
      String anthropicObserver,
      String anthropicEvaluator) {
    public static final Models DEFAULTS =
        new Models(
            "gpt-realtime",
            "gpt-4o-mini-transcribe",
            "gemini-2.5-flash-native-audio-preview-12-2025",
            "claude-haiku-4-5",
            "claude-sonnet-4-6");
  }

  /**
   * Limits of the candidates' {@code /ws} sockets. Audio is 24 kHz PCM16, 48,000 B/s in real time:
   * a socket may send {@code audioBytesPerSecond} on average, {@code audioBurstBytes} at once; what
   * exceeds it is dropped (never sent to the provider), and 5 s over the rate closes the socket
   * 1008.
   */
  public record Realtime(int audioBytesPerSecond, int audioBurstBytes) {
    public static final int DEFAULT_AUDIO_BYTES_PER_SECOND = 52_800;
    public static final int DEFAULT_AUDIO_BURST_BYTES = 144_000;
  }

  /**
   * Sentry error tracking ({@code SENTRY_*}); {@code dsn} null disables it.
   *
   * @param sampleRate share of error events sent, 0.0 to 1.0 ({@code SENTRY_SAMPLE_RATE})
   * @param environment {@code SENTRY_ENVIRONMENT}, by default {@code APP_ENV}
   * @param release {@code SENTRY_RELEASE} (the deploy sets the commit), null when unknown
   */
  public record ErrorTracking(String dsn, double sampleRate, String environment, String release) {
    public static final ErrorTracking DISABLED = new ErrorTracking(null, 1.0, "development", null);

    public boolean enabled() {
      return dsn != null;
    }
  }

  /**
   * The data lifecycle (docs/database.md): transcripts, code snapshots, evaluations and stored
   * objects older than {@code days} are purged by the retention job, at most {@code batchSize} rows
   * per statement and {@code maxBatchesPerRun} statements per table per run; a deleted account can
   * be restored by logging in for {@code accountRestoreDays}, then the job purges it.
   */
  public record Retention(int days, int accountRestoreDays, int batchSize, int maxBatchesPerRun) {
    public static final Retention DEFAULTS = new Retention(90, 30, 1000, 100);
  }

  /**
   * What operators set ({@code docs/runbook.md}, "Operators, costs and budgets").
   *
   * @param adminEmails addresses (lower case) whose accounts hold the admin role ({@code
   *     ADMIN_EMAILS}, comma-separated); the other way to grant it is {@code admin grant} on the
   *     jar
   * @param priceTableFile a versioned price table replacing the built-in one ({@code
   *     PRICE_TABLE_FILE}), null: built in
   * @param dailyBudgetUsd the daily budget per provider ({@code BUDGET_DAILY_USD_OPENAI}, {@code
   *     _GEMINI}, {@code _ANTHROPIC}, {@code _SANDBOX}); a provider without one has no budget
   * @param budgetRefreshSeconds how often each process re-reads today's spend for the guard metric
   *     ({@code BUDGET_REFRESH_SECONDS}); a session start always reads it afresh
   * @param clientErrorsPerIpPerMinute web-client error reports accepted per IP ({@code
   *     CLIENT_ERRORS_PER_IP_PER_MINUTE})
   */
  public record Operations(
      java.util.Set<String> adminEmails,
      String priceTableFile,
      Map<String, java.math.BigDecimal> dailyBudgetUsd,
      int budgetRefreshSeconds,
      int clientErrorsPerIpPerMinute) {
    /**
     * The providers a budget can be set for, as named in the price table and the {@code costs}
     * table.
     */
    public static final List<String> BUDGETED = List.of("openai", "gemini", "anthropic", "sandbox");

    public static final Operations DEFAULTS =
        new Operations(java.util.Set.of(), null, Map.of(), 60, 10);

    public Operations {
      adminEmails = java.util.Set.copyOf(adminEmails);
      dailyBudgetUsd = Map.copyOf(dailyBudgetUsd);
    }

    /** The daily budget of {@code provider} in USD, or null when it has none. */
    public java.math.BigDecimal budget(String provider) {
      return dailyBudgetUsd.get(provider);
    }

    public Operations withDailyBudgetUsd(Map<String, java.math.BigDecimal> next) {
      return new Operations(
          adminEmails, priceTableFile, next, budgetRefreshSeconds, clientErrorsPerIpPerMinute);
    }
  }

  /**
   * Interview audio recordings (docs/architecture.md, "Recordings").
   *
   * @param enabled {@code RECORDING_ENABLED}: false records nobody (a user's {@code recordAudio}
   *     can only turn it off too)
   * @param chunkSeconds {@code RECORDING_CHUNK_SECONDS}: length of one uploaded WAV chunk; a crash
   *     loses at most one
   * @param retentionDays {@code RECORDING_RETENTION_DAYS}: raw audio is purged sooner than the rest
   *     ({@link Retention#days()})
   * @param uploadQueue {@code RECORDING_UPLOAD_QUEUE}: chunks waiting for the store, across the
   *     node; a full queue drops chunks
   * @param uploadThreads {@code RECORDING_UPLOAD_THREADS}: threads that upload (the AWS SDK client
   *     blocks)
   * @param maxObjectBytes {@code RECORDING_MAX_OBJECT_BYTES}: the size cap of one stored object
   * @param publicEndpoint {@code S3_PUBLIC_ENDPOINT}: the store's address as browsers reach it, for
   *     presigned URLs (null: {@code S3_ENDPOINT})
   * @param serverSideEncryption {@code S3_SSE}: {@code AES256} (requested on every upload) or
   *     {@code none}
   */
  public record Recording(
      boolean enabled,
      int chunkSeconds,
      int retentionDays,
      int uploadQueue,
      int uploadThreads,
      int maxObjectBytes,
      String publicEndpoint,
      String serverSideEncryption) {
    public static final Recording DEFAULTS =
        new Recording(true, 30, 30, 32, 4, 16 * 1024 * 1024, null, "AES256");

    public Recording withChunkSeconds(int next) {
      return new Recording(
          enabled,
          next,
          retentionDays,
          uploadQueue,
          uploadThreads,
          maxObjectBytes,
          publicEndpoint,
          serverSideEncryption);
    }

    public Recording withEnabled(boolean next) {
      return new Recording(
          next,
          chunkSeconds,
          retentionDays,
          uploadQueue,
          uploadThreads,
          maxObjectBytes,
          publicEndpoint,
          serverSideEncryption);
    }

    public boolean encrypted() {
      return "AES256".equals(serverSideEncryption);
    }
  }

  /**
   * The operator console (docs/runbook.md, "Operator console"): what the failure detector counts as
   * a failure, how often alerts are sent, and the pepper API keys are hashed with.
   *
   * @param apiKeyPepper the HMAC key of stored API-key hashes ({@code API_KEY_PEPPER}, at least 32
   *     characters). Null: derived from {@code INTERNAL_WEBHOOK_SECRET} by the edge, so rotating
   *     that secret then invalidates every API key
   * @param socketDropsAllowed a candidate's socket may drop this often in one interview before it
   *     is a failure ({@code CONSOLE_SOCKET_DROPS_ALLOWED})
   * @param silenceMs the interviewer saying nothing this long after the candidate stopped speaking
   *     is a failure ({@code CONSOLE_SILENCE_MS}, 20 s)
   * @param firstAudioMs the interviewer's first audio later than this after activation is a failure
   *     ({@code CONSOLE_FIRST_AUDIO_MS}, 3 s)
   * @param bargeInsRepeated this many barge-ins in one interview is a failure ({@code
   *     CONSOLE_BARGE_INS})
   * @param alertPollMs how often each edge looks for Slack alerts to send ({@code
   *     CONSOLE_ALERT_POLL_MS})
   */
  public record Console(
      String apiKeyPepper,
      int socketDropsAllowed,
      int silenceMs,
      int firstAudioMs,
      int bargeInsRepeated,
      int alertPollMs) {
    public static final Console DEFAULTS = new Console(null, 3, 20_000, 3_000, 3, 2_000);
  }

  /**
   * {@code priceUnlimited} is the Stripe price id of the Unlimited Monthly plan; null disables
   * subscriptions. {@code publishableKey} (pk_...) is handed to the web page for Stripe.js; {@code
   * pastDueGraceDays} is how long a {@code past_due} subscriber keeps the plan's tier after the
   * first failed renewal.
   */
  public record Stripe(
      String secretKey,
      String webhookSecret,
      String apiBase,
      String priceUnlimited,
      String publishableKey,
      int pastDueGraceDays) {
    public static final int DEFAULT_PAST_DUE_GRACE_DAYS = 7;

    public boolean configured() {
      return secretKey != null;
    }
  }

  /**
   * Where the billing page loads Stripe.js from ({@code STRIPE_JS_URL}): Stripe's own {@link
   * #DEFAULT_URL} in production; a test fixture points it at its stand-in. The page's CSP allows
   * exactly this script's sources.
   */
  public record StripeJs(String url) {
    public static final String DEFAULT_URL = "https://js.stripe.com/v3/";

    public boolean official() {
      return DEFAULT_URL.equals(url);
    }
  }

  /**
   * Timeouts that keep a request from waiting on a backing service that is down or paused (see
   * docs/runbook.md, "Limits and timeouts").
   *
   * @param dbAcquireTimeoutMs longest wait for a pooled Postgres connection ({@code
   *     DB_ACQUIRE_TIMEOUT_MS})
   * @param dbQueryTimeoutMs longest unit of database work, one transaction ({@code
   *     DB_QUERY_TIMEOUT_MS})
   * @param redisTimeoutMs longest wait for one Redis command on the shared client ({@code
   *     REDIS_TIMEOUT_MS})
   * @param httpHeaderTimeoutMs a request head must be complete this long after its first byte
   *     ({@code HTTP_HEADER_TIMEOUT_MS})
   * @param httpBodyTimeoutMs a request body must be complete this long after its head ({@code
   *     HTTP_BODY_TIMEOUT_MS})
   * @param httpIdleTimeoutSeconds a connection with no traffic either way is closed ({@code
   *     HTTP_IDLE_TIMEOUT_SECONDS})
   * @param httpMaxConnectionsPerIp open connections one client IP may hold on the public listener,
   *     0 = no cap ({@code HTTP_MAX_CONNECTIONS_PER_IP})
   */
  public record Resilience(
      int dbAcquireTimeoutMs,
      int dbQueryTimeoutMs,
      int redisTimeoutMs,
      int httpHeaderTimeoutMs,
      int httpBodyTimeoutMs,
      int httpIdleTimeoutSeconds,
      int httpMaxConnectionsPerIp) {}

  /**
   * The environment, with {@code NAME=value} arguments taking precedence: that is how a process
   * group in {@code fly.toml} ({@code edge = "ROLE=edge"}) reaches the image's ENTRYPOINT.
   */
  public static Config fromEnv(String... args) {
    return from(System.getenv(), args);
  }

  /** As {@link #fromEnv(String...)} over a given environment (tests). */
  public static Config from(Map<String, String> env, String... args) {
    Map<String, String> merged = new java.util.HashMap<>(env);
    for (int i = 0; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      String name = eq > 0 ? args[i].substring(0, eq) : "";
      if (!name.matches("[A-Z][A-Z0-9_]*")) {
        // the argument itself is not echoed: it could be a secret with a typo in its name
        throw new ConfigException(
            "Invalid configuration: argument "
                + (i + 1)
                + " must look like NAME=value with an upper-case NAME, for example ROLE=edge");
      }
      merged.put(name, args[i].substring(eq + 1));
    }
    return from(merged);
  }

  public static Config from(Map<String, String> env) {
    Reader r = new Reader(env);
    Role role = r.enumValue("ROLE", Role.class, Role.ALL);
    // raw audio's window is the shorter one: unset, it follows a RETENTION_DAYS below 30
    int retentionDays = r.intRange("RETENTION_DAYS", Retention.DEFAULTS.days(), 1, 3650);
    Config config =
        new Config(
            role,
            "production"
                .equals(r.oneOf("APP_ENV", "development", List.of("development", "production"))),
            new Http(
                r.port("PORT", 8080),
                r.string("INTERNAL_HOST", "127.0.0.1"),
                r.port("INTERNAL_PORT", 8081),
                r.url(
                    "PUBLIC_BASE_URL",
                    "http://localhost:" + r.port("PORT", 8080),
                    "http",
                    "https")),
            Path.of(r.string("DATA_DIR", "./data")).toAbsolutePath().normalize(),
            r.url("DATABASE_URL", null, "postgres", "postgresql"),
            r.url("REDIS_URL", null, "redis", "rediss"),
            new S3(
                r.url("S3_ENDPOINT", null, "http", "https"),
                r.string("S3_BUCKET", "interviewroom"),
                r.string("S3_REGION", "us-east-1"),
                r.string("S3_ACCESS_KEY", "interviewroom"),
                r.string("S3_SECRET_KEY", "interviewroom-local-secret")),
            new Sandbox(
                r.url("SANDBOX_URL", null, "http", "https"),
                r.port("SANDBOX_PORT", sandboxPortFor(r.port("PORT", 8080))),
                r.intRange(
                    "SANDBOX_SLOTS",
                    Math.max(1, Runtime.getRuntime().availableProcessors()),
                    1,
                    64),
                r.intRange("SANDBOX_QUEUE", 32, 0, 10_000),
                "required"
                    .equals(
                        r.oneOf(
                            "SANDBOX_CGROUPS",
                            role == Role.SANDBOX ? "required" : "optional",
                            List.of("required", "optional"))),
                r.secret("SANDBOX_TOKEN")),
            new Auth(
                r.url("AUTH_JWKS_URL", null, "http", "https"),
                r.string("AUTH_ISSUER", null),
                r.string("AUTH_AUDIENCE", null),
                new Accounts(
                    r.intRange("AUTH_REFRESH_TTL_DAYS", Accounts.DEFAULTS.refreshTtlDays(), 1, 365),
                    r.intRange(
                        "AUTH_LOGIN_PER_IP_PER_MINUTE",
                        Accounts.DEFAULTS.loginPerIpPerMinute(),
                        1,
                        1_000_000),
                    r.intRange(
                        "AUTH_LOGIN_PER_EMAIL_PER_15_MINUTES",
                        Accounts.DEFAULTS.loginPerEmailPer15Minutes(),
                        1,
                        1_000_000),
                    r.intRange(
                        "AUTH_SIGNUP_PER_IP_PER_HOUR",
                        Accounts.DEFAULTS.signupPerIpPerHour(),
                        1,
                        1_000_000),
                    r.intRange(
                        "AUTH_SIGNUP_PER_EMAIL_PER_HOUR",
                        Accounts.DEFAULTS.signupPerEmailPerHour(),
                        1,
                        1_000_000),
                    r.intRange(
                        "AUTH_FREE_CREDIT_SIGNUPS_PER_IP_PER_DAY",
                        Accounts.DEFAULTS.freeCreditSignupsPerIpPerDay(),
                        0,
                        1_000_000),
                    r.intRange(
                        "AUTH_PASSWORD_HASH_SLOTS", Accounts.DEFAULTS.passwordHashSlots(), 1, 64),
                    r.intRange(
                        "AUTH_PASSWORD_HASH_QUEUE",
                        Accounts.DEFAULTS.passwordHashQueue(),
                        0,
                        10_000),
                    r.headerName("CLIENT_IP_HEADER"),
                    r.secret("TRACKED_SKILL_SECRET"))),
            new Providers(
                r.secret("OPENAI_API_KEY"),
                r.url("OPENAI_REALTIME_URL", "wss://api.openai.com/v1/realtime", "ws", "wss"),
                r.secret("GEMINI_API_KEY"),
                r.url(
                    "GEMINI_LIVE_URL",
                    "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
                    "ws",
                    "wss"),
                r.secret("ANTHROPIC_API_KEY"),
                r.url("ANTHROPIC_BASE_URL", "https://api.anthropic.com", "http", "https"),
                new Models(
                    r.modelId("OPENAI_REALTIME_MODEL", Models.DEFAULTS.openAiRealtime()),
                    r.modelId("OPENAI_TRANSCRIBE_MODEL", Models.DEFAULTS.openAiTranscribe()),
                    r.modelId("GEMINI_LIVE_MODEL", Models.DEFAULTS.geminiLive()),
                    r.modelId("ANTHROPIC_OBSERVER_MODEL", Models.DEFAULTS.anthropicObserver()),
                    r.modelId("ANTHROPIC_EVALUATOR_MODEL", Models.DEFAULTS.anthropicEvaluator()))),
            new Stripe(
                r.secret("STRIPE_SECRET_KEY"),
                r.secret("STRIPE_WEBHOOK_SECRET"),
                r.url("STRIPE_API_BASE", "https://api.stripe.com", "http", "https"),
                r.string("STRIPE_PRICE_UNLIMITED", null),
                r.string("STRIPE_PUBLISHABLE_KEY", null),
                r.intRange(
                    "STRIPE_PAST_DUE_GRACE_DAYS", Stripe.DEFAULT_PAST_DUE_GRACE_DAYS, 0, 60)),
            r.secret("INTERNAL_WEBHOOK_SECRET"),
            new Resilience(
                r.intRange("DB_ACQUIRE_TIMEOUT_MS", 5_000, 100, 600_000),
                r.intRange("DB_QUERY_TIMEOUT_MS", 10_000, 100, 600_000),
                r.intRange("REDIS_TIMEOUT_MS", 5_000, 100, 600_000),
                r.intRange("HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 600_000),
                r.intRange("HTTP_BODY_TIMEOUT_MS", 60_000, 100, 3_600_000),
                r.intRange("HTTP_IDLE_TIMEOUT_SECONDS", 120, 1, 86_400),
                r.intRange("HTTP_MAX_CONNECTIONS_PER_IP", 256, 0, 1_000_000)),
            new Realtime(
                // not below real time; the burst holds at least one largest frame (64 KiB)
                r.intRange(
                    "AUDIO_BYTES_PER_SECOND",
                    Realtime.DEFAULT_AUDIO_BYTES_PER_SECOND,
                    48_000,
                    10_000_000),
                r.intRange(
                    "AUDIO_BURST_BYTES",
                    Realtime.DEFAULT_AUDIO_BURST_BYTES,
                    65_536,
                    16 * 1024 * 1024)),
            new ErrorTracking(
                r.url("SENTRY_DSN", null, "http", "https"),
                r.fraction("SENTRY_SAMPLE_RATE", 1.0),
                r.string("SENTRY_ENVIRONMENT", r.string("APP_ENV", "development")),
                r.string("SENTRY_RELEASE", null)),
            new Retention(
                retentionDays,
                r.intRange("ACCOUNT_RESTORE_DAYS", Retention.DEFAULTS.accountRestoreDays(), 0, 365),
                r.intRange("RETENTION_BATCH_SIZE", Retention.DEFAULTS.batchSize(), 1, 100_000),
                r.intRange(
                    "RETENTION_MAX_BATCHES_PER_RUN",
                    Retention.DEFAULTS.maxBatchesPerRun(),
                    1,
                    100_000)),
            new StripeJs(r.url("STRIPE_JS_URL", StripeJs.DEFAULT_URL, "http", "https")),
            new SignIn(
                r.string("GOOGLE_CLIENT_ID", null),
                r.secret("GOOGLE_CLIENT_SECRET"),
                r.url("GOOGLE_ISSUER", SignIn.GOOGLE_ISSUER, "http", "https"),
                r.string("GITHUB_CLIENT_ID", null),
                r.secret("GITHUB_CLIENT_SECRET"),
                r.url("GITHUB_OAUTH_URL", SignIn.GITHUB_OAUTH_URL, "http", "https"),
                r.url("GITHUB_API_URL", SignIn.GITHUB_API_URL, "http", "https")),
            new Operations(
                r.emails("ADMIN_EMAILS"),
                r.string("PRICE_TABLE_FILE", null),
                r.budgets(),
                r.intRange(
                    "BUDGET_REFRESH_SECONDS", Operations.DEFAULTS.budgetRefreshSeconds(), 1, 3600),
                r.intRange(
                    "CLIENT_ERRORS_PER_IP_PER_MINUTE",
                    Operations.DEFAULTS.clientErrorsPerIpPerMinute(),
                    1,
                    10_000)),
            new Recording(
                !"false".equals(r.oneOf("RECORDING_ENABLED", "true", List.of("true", "false"))),
                r.intRange("RECORDING_CHUNK_SECONDS", Recording.DEFAULTS.chunkSeconds(), 1, 300),
                r.intRange(
                    "RECORDING_RETENTION_DAYS",
                    Math.min(Recording.DEFAULTS.retentionDays(), retentionDays),
                    1,
                    3650),
                r.intRange("RECORDING_UPLOAD_QUEUE", Recording.DEFAULTS.uploadQueue(), 1, 10_000),
                r.intRange("RECORDING_UPLOAD_THREADS", Recording.DEFAULTS.uploadThreads(), 1, 64),
                r.intRange(
                    "RECORDING_MAX_OBJECT_BYTES",
                    Recording.DEFAULTS.maxObjectBytes(),
                    1024,
                    1024 * 1024 * 1024),
                r.url("S3_PUBLIC_ENDPOINT", null, "http", "https"),
                r.oneOf(
                    "S3_SSE",
                    Recording.DEFAULTS.serverSideEncryption(),
                    List.of("AES256", "none"))),
            new Console(
                r.secret("API_KEY_PEPPER"),
                r.intRange(
                    "CONSOLE_SOCKET_DROPS_ALLOWED",
                    Console.DEFAULTS.socketDropsAllowed(),
                    0,
                    1_000),
                r.intRange("CONSOLE_SILENCE_MS", Console.DEFAULTS.silenceMs(), 100, 600_000),
                r.intRange("CONSOLE_FIRST_AUDIO_MS", Console.DEFAULTS.firstAudioMs(), 100, 600_000),
                r.intRange("CONSOLE_BARGE_INS", Console.DEFAULTS.bargeInsRepeated(), 2, 1_000),
                r.intRange("CONSOLE_ALERT_POLL_MS", Console.DEFAULTS.alertPollMs(), 50, 600_000)));
    r.check(config);
    r.throwIfInvalid();
    return config;
  }

  /**
   * The runner's default port: PORT + 2 (8082 next to 8080), so two instances on one host with
   * different PORTs do not collide; 0 (any free port) when PORT is 0.
   */
  static int sandboxPortFor(int port) {
    return port == 0 || port + 2 > 65535 ? 0 : port + 2;
  }

  /** True when no external database, Redis or S3 was given: the launcher starts embedded ones. */
  public boolean embeddedDatabase() {
    return databaseUrl == null;
  }

  public boolean embeddedRedis() {
    return redisUrl == null;
  }

  public boolean embeddedS3() {
    return s3.endpoint() == null;
  }

  public Config withDatabaseUrl(String url) {
    return new Config(
        role,
        production,
        http,
        dataDir,
        url,
        redisUrl,
        s3,
        sandbox,
        auth,
        providers,
        stripe,
        internalWebhookSecret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        recording,
        console);
  }

  public Config withRedisUrl(String url) {
    return new Config(
        role,
        production,
        http,
        dataDir,
        databaseUrl,
        url,
        s3,
        sandbox,
        auth,
        providers,
        stripe,
        internalWebhookSecret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        recording,
        console);
  }

  public Config withS3Endpoint(String endpoint) {
    S3 next = new S3(endpoint, s3.bucket(), s3.region(), s3.accessKey(), s3.secretKey());
    return new Config(
        role,
        production,
        http,
        dataDir,
        databaseUrl,
        redisUrl,
        next,
        sandbox,
        auth,
        providers,
        stripe,
        internalWebhookSecret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        recording,
        console);
  }

  public Config withSandboxUrl(String url) {
    Sandbox next =
        new Sandbox(
            url,
            sandbox.port(),
            sandbox.slots(),
            sandbox.queue(),
            sandbox.requireCgroups(),
            sandbox.token());
    return new Config(
        role,
        production,
        http,
        dataDir,
        databaseUrl,
        redisUrl,
        s3,
        next,
        auth,
        providers,
        stripe,
        internalWebhookSecret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        recording,
        console);
  }

  public Config withSandboxToken(String token) {
    return new Config(
        role,
        production,
        http,
        dataDir,
        databaseUrl,
        redisUrl,
        s3,
        sandbox.withToken(token),
        auth,
        providers,
        stripe,
        internalWebhookSecret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        recording,
        console);
  }

  public Config withInternalWebhookSecret(String secret) {
    return new Config(
        role,
        production,
        http,
        dataDir,
        databaseUrl,
        redisUrl,
        s3,
        sandbox,
        auth,
        providers,
        stripe,
        secret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        recording,
        console);
  }

  public Config withHttp(Http next) {
    return new Config(
        role,
        production,
        next,
        dataDir,
        databaseUrl,
        redisUrl,
        s3,
        sandbox,
        auth,
        providers,
        stripe,
        internalWebhookSecret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        recording,
        console);
  }

  public Config withRecording(Recording next) {
    return new Config(
        role,
        production,
        http,
        dataDir,
        databaseUrl,
        redisUrl,
        s3,
        sandbox,
        auth,
        providers,
        stripe,
        internalWebhookSecret,
        resilience,
        realtime,
        errorTracking,
        retention,
        stripeJs,
        signIn,
        operations,
        next,
        console);
  }

  /** Collects every problem first, so one start-up names all wrong variables at once. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> errors = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    String raw(String name) {
      String value = env.get(name);
      return value == null || value.isBlank() ? null : value.trim();
    }

    String string(String name, String fallback) {
      String value = raw(name);
      return value == null ? fallback : value;
    }

    /** Secrets are never echoed in messages. */
    String secret(String name) {
      return raw(name);
    }

    /** An HTTP header name (token characters only), or null when unset. */
    String headerName(String name) {
      String value = raw(name);
      if (value != null && !value.matches("[A-Za-z0-9-]{1,64}")) {
        errors.add(
            name + " must be an HTTP header name such as Fly-Client-IP (got '" + value + "')");
        return null;
      }
      return value;
    }

    /**
     * A model id: letters, digits, dots, dashes, underscores (Gemini's may start with {@code
     * models/}).
     */
    String modelId(String name, String fallback) {
      String value = string(name, fallback);
      if (!value.matches("(models/)?[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")) {
        errors.add(name + " must be a model id such as '" + fallback + "' (got '" + value + "')");
        return fallback;
      }
      return value;
    }

    String oneOf(String name, String fallback, List<String> allowed) {
      String value = string(name, fallback);
      if (!allowed.contains(value)) {
        errors.add(name + " must be one of " + allowed + " (got '" + value + "')");
        return fallback;
      }
      return value;
    }

    <E extends Enum<E>> E enumValue(String name, Class<E> type, E fallback) {
      String value = raw(name);
      if (value == null) {
        return fallback;
      }
      try {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(
            name
                + " must be one of "
                + List.of(type.getEnumConstants()).toString().toLowerCase(Locale.ROOT)
                + " (got '"
                + value
                + "')");
        return fallback;
      }
    }

    /** A share between 0.0 and 1.0. */
    double fraction(String name, double fallback) {
      String value = raw(name);
      if (value == null) {
        return fallback;
      }
      try {
        double parsed = Double.parseDouble(value);
        if (!(parsed >= 0.0 && parsed <= 1.0)) {
          errors.add(name + " must be between 0.0 and 1.0 (got " + value + ")");
          return fallback;
        }
        return parsed;
      } catch (NumberFormatException e) {
        errors.add(name + " must be a number between 0.0 and 1.0 (got '" + value + "')");
        return fallback;
      }
    }

    /** A comma-separated list of e-mail addresses, lower-cased; empty when unset. */
    java.util.Set<String> emails(String name) {
      String value = raw(name);
      if (value == null) {
        return java.util.Set.of();
      }
      java.util.Set<String> out = new java.util.LinkedHashSet<>();
      for (String part : value.split(",")) {
        String email = part.trim().toLowerCase(Locale.ROOT);
        if (email.isEmpty()) {
          continue;
        }
        if (!email.matches("[^@\\s]{1,64}@[^@\\s]{1,255}")) {
          errors.add(
              name + " must be comma-separated e-mail addresses (got '" + part.trim() + "')");
          continue;
        }
        out.add(email);
      }
      return out;
    }

    /** {@code BUDGET_DAILY_USD_<PROVIDER>}: a non-negative amount in USD, per budgeted provider. */
    Map<String, java.math.BigDecimal> budgets() {
      Map<String, java.math.BigDecimal> out = new java.util.HashMap<>();
      for (String provider : Operations.BUDGETED) {
        String name = "BUDGET_DAILY_USD_" + provider.toUpperCase(Locale.ROOT);
        String value = raw(name);
        if (value == null) {
          continue;
        }
        try {
          java.math.BigDecimal amount = new java.math.BigDecimal(value);
          if (amount.signum() < 0
              || amount.compareTo(java.math.BigDecimal.valueOf(1_000_000_000)) > 0) {
            errors.add(name + " must be between 0 and 1000000000 USD (got " + value + ")");
            continue;
          }
          out.put(provider, amount);
        } catch (NumberFormatException e) {
          errors.add(name + " must be an amount in USD such as 25.00 (got '" + value + "')");
        }
      }
      return out;
    }

    int port(String name, int fallback) {
      return intRange(name, fallback, 0, 65535);
    }

    int intRange(String name, int fallback, int min, int max) {
      String value = raw(name);
      if (value == null) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) {
          errors.add(name + " must be between " + min + " and " + max + " (got " + value + ")");
          return fallback;
        }
        return parsed;
      } catch (NumberFormatException e) {
        errors.add(name + " must be a whole number (got '" + value + "')");
        return fallback;
      }
    }

    String url(String name, String fallback, String... schemes) {
      String value = raw(name);
      if (value == null) {
        return fallback;
      }
      try {
        URI uri = new URI(value);
        if (uri.getScheme() == null
            || !List.of(schemes).contains(uri.getScheme().toLowerCase(Locale.ROOT))
            || uri.getHost() == null) {
          errors.add(
              name + " must be a URL with scheme " + String.join(" or ", schemes) + " and a host");
          return fallback;
        }
        return value;
      } catch (Exception e) {
        errors.add(name + " is not a valid URL");
        return fallback;
      }
    }

    void check(Config c) {
      boolean anyAuth =
          c.auth.jwksUrl() != null || c.auth.issuer() != null || c.auth.audience() != null;
      if (anyAuth
          && (c.auth.jwksUrl() == null || c.auth.issuer() == null || c.auth.audience() == null)) {
        errors.add("AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE must be set together");
      }
      if (c.http.port() != 0 && c.http.port() == c.http.internalPort()) {
        errors.add("INTERNAL_PORT must differ from PORT");
      }
      if (c.production && c.internalWebhookSecret == null) {
        errors.add("INTERNAL_WEBHOOK_SECRET is required when APP_ENV=production");
      }
      boolean remoteRunner = c.role == Role.SANDBOX || c.sandbox.url() != null;
      if (c.production && remoteRunner && c.sandbox.token() == null) {
        errors.add(
            "SANDBOX_TOKEN is required when APP_ENV=production and the sandbox runner is its own process (ROLE=sandbox or SANDBOX_URL)");
      }
      if (c.sandbox.token() != null && c.sandbox.token().length() < 32) {
        errors.add("SANDBOX_TOKEN must be at least 32 characters");
      }
      if (c.internalWebhookSecret != null && c.internalWebhookSecret.length() < 32) {
        errors.add("INTERNAL_WEBHOOK_SECRET must be at least 32 characters");
      }
      if (c.console.apiKeyPepper() != null && c.console.apiKeyPepper().length() < 32) {
        errors.add("API_KEY_PEPPER must be at least 32 characters");
      }
      if (c.auth.accounts().trackedSkillSecret() != null
          && c.auth.accounts().trackedSkillSecret().length() < 32) {
        errors.add("TRACKED_SKILL_SECRET must be at least 32 characters");
      }
      if (c.stripe.secretKey() != null) {
        boolean live =
            c.stripe.secretKey().startsWith("sk_live_")
                || c.stripe.secretKey().startsWith("rk_live_");
        boolean test =
            c.stripe.secretKey().startsWith("sk_test_")
                || c.stripe.secretKey().startsWith("rk_test_");
        if (!live && !test) {
          errors.add("STRIPE_SECRET_KEY must start with sk_live_, sk_test_, rk_live_ or rk_test_");
        } else if (c.production && test) {
          errors.add("STRIPE_SECRET_KEY is a test-mode key but APP_ENV=production");
        } else if (!c.production && live) {
          errors.add("STRIPE_SECRET_KEY is a live-mode key but APP_ENV is not production");
        }
        if (c.stripe.webhookSecret() == null) {
          errors.add("STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set");
        }
      }
      String pk = c.stripe.publishableKey();
      if (pk != null && !pk.startsWith("pk_live_") && !pk.startsWith("pk_test_")) {
        errors.add("STRIPE_PUBLISHABLE_KEY must start with pk_live_ or pk_test_");
      } else if (pk != null
          && c.stripe.secretKey() != null
          && pk.startsWith("pk_live_")
              != (c.stripe.secretKey().startsWith("sk_live_")
                  || c.stripe.secretKey().startsWith("rk_live_"))) {
        // a whsec_ secret carries no mode; the publishable key does, and the page and the server
        // must agree
        errors.add(
            "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are of different modes (test and live)");
      }
      if (c.production && !c.stripeJs.official()) {
        // Stripe.js must come from Stripe itself (PCI); a stand-in is for tests and development
        // only
        errors.add("STRIPE_JS_URL must be " + StripeJs.DEFAULT_URL + " when APP_ENV=production");
      }
      if ((c.signIn.googleClientId() == null) != (c.signIn.googleClientSecret() == null)) {
        errors.add("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together");
      }
      if ((c.signIn.githubClientId() == null) != (c.signIn.githubClientSecret() == null)) {
        errors.add("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together");
      }
      if (c.production) {
        for (String[] named :
            new String[][] {
              {"GOOGLE_ISSUER", c.signIn.googleIssuer()},
              {"GITHUB_OAUTH_URL", c.signIn.githubOAuthUrl()},
              {"GITHUB_API_URL", c.signIn.githubApiUrl()}
            }) {
          if (!named[1].startsWith("https://")) {
            errors.add(named[0] + " must be an https URL when APP_ENV=production");
          }
        }
      }
      if (c.recording.retentionDays() > c.retention.days()) {
        errors.add(
            "RECORDING_RETENTION_DAYS must not exceed RETENTION_DAYS (raw audio has the shorter window)");
      }
      // one chunk of 24 kHz 16-bit stereo is 96,000 B/s plus the 44-byte WAV header
      if ((long) c.recording.chunkSeconds() * 96_000 + 44 > c.recording.maxObjectBytes()) {
        errors.add(
            "RECORDING_MAX_OBJECT_BYTES must hold one chunk of RECORDING_CHUNK_SECONDS (96,000 bytes per second plus 44)");
      }
      if (c.stripe.priceUnlimited() != null && !c.stripe.priceUnlimited().startsWith("price_")) {
        errors.add("STRIPE_PRICE_UNLIMITED must be a Stripe price id (price_...)");
      }
    }

    void throwIfInvalid() {
      if (!errors.isEmpty()) {
        throw new ConfigException("Invalid configuration: " + String.join("; ", errors));
      }
    }
  }
}
