package com.interviewroom.realtime.voice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.ProviderUnavailable;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import com.interviewroom.testkit.FakeSentry;
import io.sentry.Sentry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A session whose provider refuses it reaches Sentry tagged with the provider, the session and the
 * user, and no key.
 */
class ProviderErrorReportTest extends VoiceTestBed {
  private static final String WRONG_KEY = "sk-proj-wrongkey0123456789abcdef";
  private static FakeOpenAiRealtime fake;
  private static FakeSentry sentry;
  private static int port;

  @BeforeAll
  static void up() throws Exception {
    sentry = FakeSentry.start();
    ErrorReports.init(new Config.ErrorTracking(sentry.dsn(), 1.0, "test", null), "realtime");
    fake = new FakeOpenAiRealtime(vertx);
    port = fake.start();
  }

  @AfterAll
  static void down() {
    ErrorReports.close();
    sentry.close();
    fake.close();
  }

  @Test
  @DisplayName(
      "every provider refusing a session (a bad key) is reported with provider=openai, sessionId and userId")
  void providerFailureCarriesTheProviderTag() throws Exception {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    VoiceProviders providers =
        new VoiceProviders(
            vertx,
            new Config.Providers(
                WRONG_KEY, fake.url(port), null, "ws://127.0.0.1:1/unused", null, null));
    PgSessionRecords records = new PgSessionRecords(voiceDb.db);
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofMillis(200), 500, 100_000);
    DefaultVoiceSessionFactory factory =
        new DefaultVoiceSessionFactory(
            vertx,
            new ProviderSelector(true, false),
            providers,
            batcher,
            records,
            records::markErroredAndRefund,
            new BridgedVoiceSession.Settings(
                List.of(Duration.ofMillis(10)), Duration.ofSeconds(5), Duration.ofSeconds(2), 1),
            Clock.systemUTC());
    Throwable failure =
        loop.failure(
            () ->
                factory.open(
                    new InterviewContext(
                        s.sessionId(),
                        s.userId(),
                        "Two Sum",
                        "Return two indices.",
                        "easy",
                        "python",
                        "mid",
                        1_800_000,
                        List.of()),
                    new RecordingClient()));
    assertThat(failure).isInstanceOf(ProviderUnavailable.class);

    List<JsonObject> events =
        sentry.eventsUntil(s.sessionId().toString(), () -> Sentry.flush(1000));
    JsonObject event = events.getLast();
    assertThat(event.getJsonObject("tags").getMap())
        .containsEntry("provider", "openai")
        .containsEntry("sessionId", s.sessionId().toString())
        .containsEntry("userId", s.userId().toString())
        .containsEntry("role", "realtime");
    assertThat(event.encode())
        .contains("provider_unavailable")
        .doesNotContain(WRONG_KEY)
        .doesNotContain("wrongkey");
    loop.await(providers::close);
  }
}
