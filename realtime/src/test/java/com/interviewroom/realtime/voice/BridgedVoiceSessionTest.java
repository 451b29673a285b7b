package com.interviewroom.realtime.voice;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.MutableClock;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.local.LocalVoiceProvider;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BridgedVoiceSessionTest extends VoiceTestBed {
  /**
   * Shorter holds than {@link VoiceTestBed#FAST}: 2 s to connect, 300 ms of the candidate's audio
   * held.
   */
  static final BridgedVoiceSession.Settings FAST =
      new BridgedVoiceSession.Settings(
          List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)),
          Duration.ofSeconds(2),
          Duration.ofMillis(300),
          3);

  @BeforeAll
  static void up() {
    // smaller batches than the bed's: these tests store few lines and want them flushed in rows of
    // 100
    batcher = new TranscriptBatcher(vertx, voiceDb.db, Duration.ofMillis(200), 100, 10_000);
  }

  private static InterviewContext context(VoiceDb.Charged s) {
    return new InterviewContext(
        s.sessionId(),
        s.userId(),
        "Two Sum",
        "Find two numbers.",
        "easy",
        "python",
        "mid",
        1_800_000,
        List.of());
  }

  private static DefaultVoiceSessionFactory factory(
      Function<String, VoiceProvider> providers, ProviderSelector selector) {
    return factory(providers, selector, Clock.systemUTC());
  }

  private static DefaultVoiceSessionFactory factory(
      Function<String, VoiceProvider> providers, ProviderSelector selector, Clock clock) {
    return new DefaultVoiceSessionFactory(
        vertx, selector, providers, batcher, records, records::markErroredAndRefund, FAST, clock);
  }

  /** One scripted provider that connects at once, and the list it is recorded in. */
  private static Function<String, VoiceProvider> recording(List<ScriptedProvider> made) {
    return n -> {
      ScriptedProvider p = new ScriptedProvider(n, Future::succeededFuture);
      made.add(p);
      return p;
    };
  }

  /**
   * {@code ms} of assistant audio in 100 ms deltas, all at once, as providers send faster than real
   * time.
   */
  private static void speak(ScriptedProvider p, String itemId, long ms) {
    for (long sent = 0; sent < ms; sent += 100) {
      p.events.on(new VoiceEvent.Audio(itemId, Buffer.buffer(new byte[4_800])));
    }
  }

  @DisplayName(
      "the local interviewer's greeting reaches the client as audio, transcript and speaking status, and the provider is recorded")
  @Test
  void greetingFlows() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceSession session =
        loop.await(
            () ->
                factory(n -> new LocalVoiceProvider(vertx), new ProviderSelector(false, false))
                    .open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(15),
        () -> !client.finals("assistant").isEmpty(),
        "the greeting's final transcript");
    assertThat(client.finals("assistant").get(0)).contains("simulated interviewer");
    assertThat(client.audioBytes()).isGreaterThan(48_000);
    assertThat(client.json("status").stream().map(j -> j.getString("state")))
        .containsSubsequence("listening", "speaking", "listening");
    loop.await(session::close);
    Row row = loop.await(() -> voiceDb.session(s.sessionId()));
    assertThat(row.getString("provider")).isEqualTo("local");
    assertThat(row.getJsonObject("usage").getLong("responses")).isEqualTo(1L);
    assertThat(row.getJsonObject("usage").getJsonObject("by_provider").containsKey("local"))
        .isTrue();
  }

  @DisplayName(
      "barge-in: speech over the interviewer clears playback at once, cancels with the played ms and stores the truncated text")
  @Test
  void bargeIn() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    List<Long> cancels = new CopyOnWriteArrayList<>();
    Function<String, VoiceProvider> providers =
        n -> new CancelSpy(new LocalVoiceProvider(vertx), cancels);
    VoiceSession session =
        loop.await(
            () -> factory(providers, new ProviderSelector(false, false)).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> client.audioBytes() >= 48 * 1_500, "1.5 s of greeting audio");
    loop.run(() -> session.audio(Audio.speech(200)));
    int clearAt = indexOfType(client, "playback.clear");
    assertThat(clearAt).as("playback.clear sent").isGreaterThanOrEqualTo(0);
    long sentBefore =
        client.frames.subList(0, clearAt).stream()
            .filter(f -> f.audio() != null)
            .mapToLong(f -> f.audio().length())
            .sum();
    assertThat(cancels).hasSize(1);
    // what was heard: never more than was sent, nor than the time since the first byte (the local
    // provider paces in real time)
    assertThat(cancels.get(0)).isLessThanOrEqualTo(sentBefore / 48).isGreaterThanOrEqualTo(1_000L);
    Loop.sleep(400);
    assertThat(
            client.frames.subList(clearAt, client.frames.size()).stream()
                .filter(f -> f.audio() != null))
        .as("no audio after the clear")
        .isEmpty();
    String greeting =
        "Hi, I'm a simulated interviewer for this practice session. No AI voice service is connected, "
            + "so I can hear when you talk but not your words. Today's problem is Two Sum. "
            + "Read it through, then tell me how you'd approach it before you write any code.";
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !client.finals("assistant").isEmpty(),
        "the truncated final, once stored");
    String truncated = client.finals("assistant").get(0);
    assertThat(truncated)
        .isEqualTo(BridgedVoiceSession.truncate(greeting, cancels.get(0)))
        .isNotEqualTo(greeting)
        .isNotEmpty();
    loop.await(session::close);
    String stored =
        loop.await(
            () ->
                voiceDb
                    .db
                    .pool()
                    .preparedQuery(
                        "SELECT text FROM transcripts WHERE session_id = $1 AND role = 'assistant'")
                    .execute(Tuple.of(s.sessionId()))
                    .map(rows -> rows.iterator().next().getString(0)));
    assertThat(stored).isEqualTo(truncated);
  }

  @DisplayName(
      "connect failures are retried three times with backoff, then provider_unavailable, errored and one refund, both done before the open fails (the opener then ends the socket, which would complete a session not yet errored)")
  @Test
  void allRetriesFail() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    int creditsBefore = loop.await(() -> voiceDb.credits(s.userId()));
    RecordingClient client = new RecordingClient();
    List<String> attempts = new CopyOnWriteArrayList<>();
    List<Long> at = new CopyOnWriteArrayList<>();
    Function<String, VoiceProvider> providers =
        n ->
            new ScriptedProvider(
                n,
                () -> {
                  attempts.add(n);
                  at.add(System.nanoTime());
                  return Future.failedFuture(
                      ProviderException.transientFailure("connect_failed", "refused"));
                });
    // a slow database: the errored mark takes 300 ms
    DefaultVoiceSessionFactory slowMark =
        new DefaultVoiceSessionFactory(
            vertx,
            new ProviderSelector(true, true),
            providers,
            batcher,
            records,
            id ->
                vertx
                    .timer(300, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .compose(v -> records.markErroredAndRefund(id)),
            FAST,
            Clock.systemUTC());
    Throwable err = loop.failure(() -> slowMark.open(context(s), client));
    assertThat(loop.await(() -> voiceDb.session(s.sessionId())).getString("status"))
        .as("errored before the open failed")
        .isEqualTo("errored");
    assertThat(loop.await(() -> voiceDb.refunds(s.sessionId()))).isEqualTo(1L);
    assertThat(err).isInstanceOf(ProviderUnavailable.class);
    assertThat(((ProviderUnavailable) err).code()).isEqualTo("provider_unavailable");
    assertThat(attempts).containsExactly("gemini", "openai", "gemini", "openai");
    assertThat((at.get(3) - at.get(0)) / 1_000_000)
        .as("backoff 10+20+40 ms")
        .isGreaterThanOrEqualTo(70);
    assertThat(client.hasError("provider_unavailable")).isTrue();
    assertThat(client.voiceLost.get())
        .as("a failed first connect is the opener's to handle")
        .isZero();
    assertThat(loop.await(() -> voiceDb.credits(s.userId()))).isEqualTo(creditsBefore + 1);
    loop.await(() -> records.markErroredAndRefund(s.sessionId()));
    assertThat(loop.await(() -> voiceDb.refunds(s.sessionId())))
        .as("refund is once-only")
        .isEqualTo(1L);
  }

  @DisplayName(
      "a fatal error (invalid key) is not retried; a rate limit tells the client and backs off for as long as asked")
  @Test
  void fatalAndRateLimited() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    AtomicInteger openAi = new AtomicInteger();
    AtomicInteger gemini = new AtomicInteger();
    List<Long> at = new CopyOnWriteArrayList<>();
    Function<String, VoiceProvider> providers =
        n ->
            new ScriptedProvider(
                n,
                () -> {
                  at.add(System.nanoTime());
                  if (n.equals("openai")) {
                    openAi.incrementAndGet();
                    return Future.failedFuture(
                        ProviderException.fatal("invalid_api_key", "bad key"));
                  }
                  return gemini.incrementAndGet() == 1
                      ? Future.failedFuture(ProviderException.rateLimited(150))
                      : Future.succeededFuture();
                });
    VoiceSession session =
        loop.await(
            () -> factory(providers, new ProviderSelector(true, true)).open(context(s), client));
    assertThat(openAi.get()).isEqualTo(1);
    assertThat(gemini.get()).isEqualTo(2);
    assertThat((at.get(1) - at.get(0)) / 1_000_000)
        .as("gemini rate-limited first, 150 ms before openai")
        .isGreaterThanOrEqualTo(150);
    assertThat(client.hasError("rate_limited")).isTrue();
    assertThat(((BridgedVoiceSession) session).providerName()).isEqualTo("gemini");
    loop.await(session::close);
  }

  @DisplayName(
      "a provider dropping mid-session fails over with the transcript so far, and held audio is delivered")
  @Test
  void failover() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
    Function<String, VoiceProvider> providers =
        n -> {
          ScriptedProvider p = new ScriptedProvider(n, Future::succeededFuture);
          made.add(p);
          return p;
        };
    var failovers =
        com.interviewroom.common.observability.Observability.newRegistry()
            .get("interviewroom.voice.failovers")
            .functionCounter();
    double failoversBefore = failovers.count();
    VoiceSession session =
        loop.await(
            () -> factory(providers, new ProviderSelector(true, true)).open(context(s), client));
    ScriptedProvider first = made.get(0);
    loop.run(
        () -> {
          first.events.on(
              new VoiceEvent.TranscriptFinal("assistant", "a1", "Explain your approach."));
          first.events.on(new VoiceEvent.SpeechStarted());
          first.events.on(new VoiceEvent.TranscriptFinal("user", "u1", "I would use a hash map."));
          first.events.on(new VoiceEvent.Closed("socket reset", false));
          session.audio(Buffer.buffer(new byte[480]));
        });
    Loop.eventually(
        Duration.ofSeconds(3),
        () -> made.size() == 2 && made.get(1).calls.contains("audio"),
        "failover");
    assertThat(failovers.count())
        .as("interviewroom_voice_failovers_total counts it")
        .isEqualTo(failoversBefore + 1);
    ScriptedProvider second = made.get(1);
    assertThat(first.name).isEqualTo("gemini");
    assertThat(second.name).isEqualTo("openai");
    assertThat(second.context.history())
        .extracting(InterviewContext.TranscriptLine::text)
        .containsExactly("Explain your approach.", "I would use a hash map.");
    assertThat(first.calls).contains("disconnect");
    loop.run(() -> first.events.on(new VoiceEvent.TranscriptFinal("assistant", "late", "ignored")));
    assertThat(client.finals("assistant")).doesNotContain("ignored");
    loop.await(session::close);
  }

  @DisplayName(
      "status goes thinking after the candidate stops and back to listening when no response comes")
  @Test
  void statusTimeout() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    List<ScriptedProvider> made = new ArrayList<>();
    VoiceSession session =
        loop.await(
            () ->
                factory(
                        n -> {
                          ScriptedProvider p = new ScriptedProvider(n, Future::succeededFuture);
                          made.add(p);
                          return p;
                        },
                        new ProviderSelector(true, false))
                    .open(context(s), client));
    loop.run(() -> made.get(0).events.on(new VoiceEvent.SpeechStopped()));
    Loop.eventually(
        Duration.ofSeconds(2), () -> client.json("status").size() >= 3, "thinking then listening");
    assertThat(client.json("status").stream().map(j -> j.getString("state")))
        .containsExactly("listening", "thinking", "listening");
    loop.await(session::close);
  }

  @DisplayName(
      "a mid-session rate limit tells the client once and holds injected notes until the window ends")
  @Test
  void rateLimitedMidSession() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    List<ScriptedProvider> made = new ArrayList<>();
    VoiceSession session =
        loop.await(
            () ->
                factory(
                        n -> {
                          ScriptedProvider p = new ScriptedProvider(n, Future::succeededFuture);
                          made.add(p);
                          return p;
                        },
                        new ProviderSelector(true, false))
                    .open(context(s), client));
    ScriptedProvider p = made.get(0);
    loop.run(
        () -> {
          p.events.on(new VoiceEvent.RateLimited(300));
          p.events.on(new VoiceEvent.RateLimited(300));
          session.inject(
              new ContextNote(ContextNote.Kind.EXECUTION_RESULT, "I see 3 of 5 tests pass."));
        });
    assertThat(client.json("error")).hasSize(1);
    assertThat(client.hasError("rate_limited")).isTrue();
    assertThat(p.calls).doesNotContain("inject");
    Loop.eventually(
        Duration.ofSeconds(2), () -> p.calls.contains("inject"), "the note after the window");
    loop.await(session::close);
  }

  @DisplayName(
      "a provider lost mid-session whose failover fails too: provider_unavailable, errored with one refund, then the channel hears voiceLost")
  @Test
  void lostMidSession() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    AtomicInteger connects = new AtomicInteger();
    List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
    VoiceSession session =
        loop.await(
            () ->
                factory(
                        n -> {
                          ScriptedProvider p =
                              new ScriptedProvider(
                                  n,
                                  () ->
                                      connects.incrementAndGet() == 1
                                          ? Future.succeededFuture()
                                          : Future.failedFuture(
                                              ProviderException.transientFailure(
                                                  "connect_failed", "refused")));
                          made.add(p);
                          return p;
                        },
                        new ProviderSelector(true, false))
                    .open(context(s), client));
    assertThat(client.voiceLost.get()).isZero();
    loop.run(() -> made.get(0).events.on(new VoiceEvent.Closed("reset", false)));
    Loop.eventually(
        Duration.ofSeconds(3),
        () -> client.voiceLost.get() == 1,
        "voiceLost after the failover gave up");
    assertThat(client.hasError("provider_unavailable")).isTrue();
    // voiceLost comes only after the errored mark, so ending the socket cannot race the refund
    assertThat(loop.await(() -> voiceDb.session(s.sessionId())).getString("status"))
        .isEqualTo("errored");
    assertThat(loop.await(() -> voiceDb.refunds(s.sessionId()))).isEqualTo(1);
    loop.await(session::close);
    assertThat(client.voiceLost.get()).isEqualTo(1);
  }

  @DisplayName(
      "closing while a failover waits out its backoff ends promptly, without an error or a refund")
  @Test
  void closeDuringFailoverBackoff() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    AtomicInteger connects = new AtomicInteger();
    List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
    BridgedVoiceSession.Settings slow =
        new BridgedVoiceSession.Settings(
            List.of(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30)),
            Duration.ofSeconds(2),
            Duration.ofSeconds(15),
            3);
    DefaultVoiceSessionFactory f =
        new DefaultVoiceSessionFactory(
            vertx,
            new ProviderSelector(true, false),
            n -> {
              ScriptedProvider p =
                  new ScriptedProvider(
                      n,
                      () ->
                          connects.incrementAndGet() == 1
                              ? Future.succeededFuture()
                              : Future.failedFuture(
                                  ProviderException.transientFailure("connect_failed", "refused")));
              made.add(p);
              return p;
            },
            batcher,
            records,
            records::markErroredAndRefund,
            slow,
            Clock.systemUTC());
    VoiceSession session = loop.await(() -> f.open(context(s), client));
    loop.run(() -> made.get(0).events.on(new VoiceEvent.Closed("reset", false)));
    Loop.eventually(Duration.ofSeconds(2), () -> connects.get() == 2, "the first failover attempt");
    long t0 = System.nanoTime();
    loop.await(session::close, Duration.ofSeconds(5));
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
    Loop.sleep(200);
    assertThat(client.hasError("provider_unavailable")).isFalse();
    assertThat(loop.await(() -> voiceDb.refunds(s.sessionId()))).isZero();
    assertThat(loop.await(() -> voiceDb.session(s.sessionId())).getString("status"))
        .isEqualTo("active");
  }

  @DisplayName(
      "barge-in after response.done: 1.5 s into a 3 s answer the client is still playing, so playback is cleared and the text cut to 1.5 s")
  @Test
  void bargeInAfterResponseDone() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
    VoiceSession session =
        loop.await(
            () ->
                factory(recording(made), new ProviderSelector(true, false), clock)
                    .open(context(s), client));
    ScriptedProvider p = made.get(0);
    String answer =
        "Thanks for joining. Could you walk me through your approach before you start coding it up today?";
    loop.run(
        () -> {
          p.events.on(new VoiceEvent.TranscriptDelta("assistant", "a1", answer));
          speak(p, "a1", 3_000);
          p.events.on(new VoiceEvent.TranscriptFinal("assistant", "a1", answer));
          p.events.on(new VoiceEvent.ResponseDone("a1", new JsonObject().put("total_tokens", 10)));
        });
    assertThat(client.json("playback.clear")).isEmpty();
    clock.advance(Duration.ofMillis(1_500));
    loop.run(() -> p.events.on(new VoiceEvent.SpeechStarted()));
    assertThat(client.json("playback.clear")).hasSize(1);
    assertThat(p.calls).contains("cancel:1500");
    // finals reach the client once stored, in the order they were given
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("assistant").size() == 2,
        "both finals, once stored");
    assertThat(client.finals("assistant")).containsExactly(answer, "Thanks for joining.");

    // a second answer the client has finished playing: speech over silence is no barge-in
    loop.run(
        () -> {
          speak(p, "a2", 1_000);
          p.events.on(new VoiceEvent.TranscriptFinal("assistant", "a2", "What is the complexity?"));
          p.events.on(new VoiceEvent.ResponseDone("a2", new JsonObject()));
        });
    clock.advance(Duration.ofMillis(1_200));
    loop.run(() -> p.events.on(new VoiceEvent.SpeechStarted()));
    assertThat(client.json("playback.clear")).hasSize(1);
    assertThat(p.calls.stream().filter(c -> c.startsWith("cancel"))).hasSize(1);
    loop.await(session::close);
    assertThat(loop.await(() -> voiceDb.transcriptText(s.sessionId(), "a1")))
        .isEqualTo("Thanks for joining.");
    assertThat(loop.await(() -> voiceDb.transcriptText(s.sessionId(), "a2")))
        .isEqualTo("What is the complexity?");
  }

  @DisplayName(
      "a late user transcription is stored before the assistant's reply to it: rows follow turn start, not arrival")
  @Test
  void lateUserTranscriptSortsFirst() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T11:00:00Z"));
    List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
    VoiceSession session =
        loop.await(
            () ->
                factory(recording(made), new ProviderSelector(true, false), clock)
                    .open(context(s), client));
    ScriptedProvider p = made.get(0);
    loop.run(() -> p.events.on(new VoiceEvent.SpeechStarted()));
    clock.advance(Duration.ofSeconds(2));
    loop.run(() -> p.events.on(new VoiceEvent.SpeechStopped()));
    clock.advance(Duration.ofSeconds(1));
    loop.run(
        () -> {
          speak(p, "a1", 500);
          p.events.on(
              new VoiceEvent.TranscriptFinal("assistant", "a1", "Good, and the complexity?"));
          p.events.on(new VoiceEvent.ResponseDone("a1", new JsonObject()));
        });
    clock.advance(Duration.ofSeconds(2));
    loop.run(
        () -> p.events.on(new VoiceEvent.TranscriptFinal("user", "u1", "I would use a hash map.")));
    loop.await(session::close);
    List<String> order =
        loop.await(
            () ->
                voiceDb
                    .db
                    .pool()
                    .preparedQuery(
                        "SELECT item_id FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at")
                    .execute(Tuple.of(s.sessionId()))
                    .map(
                        rows -> {
                          List<String> ids = new ArrayList<>();
                          rows.forEach(r -> ids.add(r.getString(0)));
                          return ids;
                        }));
    assertThat(order).containsExactly("u1", "a1");
  }

  @DisplayName(
      "usage adds up across bridges of the same session: a reconnect does not erase what the first one recorded")
  @Test
  void usageAccumulatesAcrossReconnects() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    for (JsonObject reported :
        List.of(
            new JsonObject()
                .put("input_tokens", 100)
                .put("output_tokens", 50)
                .put("total_tokens", 150),
            new JsonObject()
                .put("input_tokens", 10)
                .put("output_tokens", 5)
                .put("total_tokens", 15))) {
      List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
      VoiceSession bridge =
          loop.await(
              () ->
                  factory(recording(made), new ProviderSelector(true, false))
                      .open(context(s), new RecordingClient()));
      loop.run(() -> made.get(0).events.on(new VoiceEvent.ResponseDone("a", reported)));
      loop.await(bridge::close);
    }
    JsonObject usage = loop.await(() -> voiceDb.session(s.sessionId())).getJsonObject("usage");
    assertThat(usage.getLong("total_tokens")).isEqualTo(165L);
    assertThat(usage.getLong("input_tokens")).isEqualTo(110L);
    assertThat(usage.getLong("responses")).isEqualTo(2L);
    assertThat(usage.getJsonObject("by_provider").getJsonObject("openai").getLong("output_tokens"))
        .isEqualTo(55L);
  }

  @DisplayName("the standard backoff is 1 s, 2 s, 4 s")
  @Test
  void standardBackoff() {
    assertThat(BridgedVoiceSession.Settings.standard().backoff())
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @DisplayName(
      "a client that leaves during the first connect's backoff closes the pending session: no more attempts, no error, no refund")
  @Test
  void clientLeavesDuringFirstConnect() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    AtomicInteger connects = new AtomicInteger();
    BridgedVoiceSession.Settings slow =
        new BridgedVoiceSession.Settings(
            List.of(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30)),
            Duration.ofSeconds(2),
            Duration.ofSeconds(15),
            3);
    DefaultVoiceSessionFactory f =
        new DefaultVoiceSessionFactory(
            vertx,
            new ProviderSelector(true, false),
            n ->
                new ScriptedProvider(
                    n,
                    () -> {
                      connects.incrementAndGet();
                      return Future.failedFuture(
                          ProviderException.transientFailure("connect_failed", "refused"));
                    }),
            batcher,
            records,
            records::markErroredAndRefund,
            slow,
            Clock.systemUTC());
    java.util.concurrent.CompletableFuture<Throwable> opened =
        new java.util.concurrent.CompletableFuture<>();
    loop.run(() -> f.open(context(s), client).onComplete(ar -> opened.complete(ar.cause())));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.opening != null && connects.get() == 1,
        "the first attempt");
    long t0 = System.nanoTime();
    loop.await(() -> client.opening.close());
    Throwable err = opened.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat((System.nanoTime() - t0) / 1_000_000)
        .as("the backoff does not run out first")
        .isLessThan(3_000);
    assertThat(err).isInstanceOf(ProviderUnavailable.class);
    Loop.sleep(200);
    assertThat(connects.get()).isEqualTo(1);
    assertThat(client.json("error")).isEmpty();
    assertThat(loop.await(() -> voiceDb.refunds(s.sessionId()))).isZero();
    assertThat(loop.await(() -> voiceDb.session(s.sessionId())).getString("status"))
        .isEqualTo("active");
  }

  @DisplayName(
      "close releases every timer the bridge holds: thinking timeout, silence watch, rate-limit window and the failover's wait")
  @Test
  void timersReleasedOnClose() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    TimerTracking tracking = new TimerTracking(vertx);
    List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
    BridgedVoiceSession.Settings slow =
        new BridgedVoiceSession.Settings(
            List.of(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30)),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            3);
    DefaultVoiceSessionFactory f =
        new DefaultVoiceSessionFactory(
            tracking.vertx,
            new ProviderSelector(true, false),
            recording(made),
            batcher,
            records,
            records::markErroredAndRefund,
            slow,
            Clock.systemUTC());
    VoiceSession session = loop.await(() -> f.open(context(s), new RecordingClient()));
    ScriptedProvider p = made.get(0);
    loop.run(
        () -> {
          p.events.on(new VoiceEvent.SpeechStopped());
          p.events.on(new VoiceEvent.RateLimited(30_000));
        });
    assertThat(tracking.live)
        .as("the thinking timeout, the silence watch (voice.silence) and the rate-limit window")
        .hasSize(3);
    loop.run(() -> p.events.on(new VoiceEvent.Closed("reset", false)));
    assertThat(made).as("the failover waits out the rate limit first").hasSize(1);
    assertThat(tracking.live)
        .as(
            "the thinking timeout, the silence watch, the rate-limit window and the failover's wait")
        .hasSize(4);
    loop.await(session::close);
    assertThat(tracking.live).isEmpty();
  }

  /** A Vert.x whose one-shot and periodic timers are tracked until they fire or are cancelled. */
  private static final class TimerTracking implements java.lang.reflect.InvocationHandler {
    final Set<Long> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final Vertx vertx;
    private final Vertx real;

    TimerTracking(Vertx real) {
      this.real = real;
      this.vertx =
          (Vertx)
              java.lang.reflect.Proxy.newProxyInstance(
                  Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class}, this);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
        throws Throwable {
      String name = method.getName();
      if (name.equals("setTimer") && args.length == 2 && args[1] instanceof Handler<?> h) {
        Handler<Long> handler = (Handler<Long>) h;
        long id =
            real.setTimer(
                (Long) args[0],
                fired -> {
                  live.remove(fired);
                  handler.handle(fired);
                });
        live.add(id);
        return id;
      }
      Object result;
      try {
        result = method.invoke(real, args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
      if (name.equals("setPeriodic")) {
        live.add((Long) result);
      } else if (name.equals("cancelTimer")) {
        live.remove((Long) args[0]);
      }
      return result;
    }
  }

  /** Delegates to a real provider and records the played milliseconds of each cancel. */
  private record CancelSpy(VoiceProvider inner, List<Long> cancels) implements VoiceProvider {
    public String name() {
      return inner.name();
    }

    public Future<Void> connect(InterviewContext c, VoiceEvents e) {
      return inner.connect(c, e);
    }

    public void sendAudio(Buffer b) {
      inner.sendAudio(b);
    }

    public void commit() {
      inner.commit();
    }

    public void cancel(long playedMs) {
      cancels.add(playedMs);
      inner.cancel(playedMs);
    }

    public void inject(ContextNote note) {
      inner.inject(note);
    }

    public Future<Void> disconnect() {
      return inner.disconnect();
    }
  }

  private static int indexOfType(RecordingClient client, String type) {
    for (int i = 0; i < client.frames.size(); i++) {
      JsonObject j = client.frames.get(i).json();
      if (j != null && type.equals(j.getString("type"))) {
        return i;
      }
    }
    return -1;
  }

  @DisplayName(
      "code snapshots: the first goes at once, later ones coalesce to the newest at most once per refresh interval, none while the candidate speaks, and a new provider after failover gets the code again")
  @Test
  void codeSnapshotsCoalesce() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    List<ScriptedProvider> made = new java.util.concurrent.CopyOnWriteArrayList<>();
    BridgedVoiceSession.Settings settings =
        new BridgedVoiceSession.Settings(
            FAST.backoff(),
            FAST.connectTimeout(),
            FAST.responseTimeout(),
            FAST.maxFailovers(),
            Duration.ofMillis(400));
    VoiceSession session =
        loop.await(
            () ->
                new DefaultVoiceSessionFactory(
                        vertx,
                        new ProviderSelector(true, false),
                        recording(made),
                        batcher,
                        records,
                        records::markErroredAndRefund,
                        settings,
                        Clock.systemUTC())
                    .open(context(s), new RecordingClient()));
    ScriptedProvider p = made.get(0);
    for (int i = 1; i <= 5; i++) {
      int version = i;
      loop.run(
          () ->
              session.inject(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "code v" + version)));
    }
    assertThat(p.notes).extracting(ContextNote::text).containsExactly("code v1");
    Loop.eventually(
        Duration.ofSeconds(2), () -> p.notes.size() == 2, "the newest after the interval");
    assertThat(p.notes).extracting(ContextNote::text).containsExactly("code v1", "code v5");
    Loop.sleep(450);
    loop.run(() -> p.events.on(new VoiceEvent.SpeechStarted()));
    loop.run(() -> session.inject(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "code v6")));
    Loop.sleep(100);
    assertThat(p.notes).as("held while the candidate speaks").hasSize(2);
    loop.run(() -> p.events.on(new VoiceEvent.SpeechStopped()));
    Loop.eventually(
        Duration.ofSeconds(2), () -> p.notes.size() == 3, "sent when the candidate stops");
    loop.run(() -> p.events.on(new VoiceEvent.Closed("dropped", false)));
    Loop.eventually(
        Duration.ofSeconds(2),
        () -> made.size() == 2 && made.get(1).notes.size() == 1,
        "the code for the new provider");
    assertThat(made.get(1).notes.get(0).text()).isEqualTo("code v6");
    assertThat(made.get(1).context.history()).as("snapshots are not conversation lines").isEmpty();
    loop.await(session::close);
  }

  @DisplayName(
      "a speech start never followed by a stop (a provider's own barge-in signal) holds notes only until the interviewer answers")
  @Test
  void heldNotesNotStuck() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    List<ScriptedProvider> made = new java.util.concurrent.CopyOnWriteArrayList<>();
    VoiceSession session =
        loop.await(
            () ->
                factory(recording(made), new ProviderSelector(true, false))
                    .open(context(s), new RecordingClient()));
    ScriptedProvider p = made.get(0);
    loop.run(() -> p.events.on(new VoiceEvent.SpeechStarted()));
    loop.run(
        () ->
            session.inject(new ContextNote(ContextNote.Kind.TIME_WARNING, "Five minutes remain.")));
    Loop.sleep(100);
    assertThat(p.notes).isEmpty();
    loop.run(() -> speak(p, "asst-9", 300));
    Loop.eventually(
        Duration.ofSeconds(2), () -> p.notes.size() == 1, "the note once the interviewer answers");
    loop.await(session::close);
  }
}
