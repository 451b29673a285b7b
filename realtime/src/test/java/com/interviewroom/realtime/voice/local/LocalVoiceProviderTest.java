package com.interviewroom.realtime.voice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.VoiceEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LocalVoiceProviderTest {
  private static Vertx vertx;

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void down() {
    vertx.close().await();
  }

  static InterviewContext context() {
    return new InterviewContext(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "Two Sum",
        "Find two numbers.",
        "easy",
        "python",
        "mid",
        1_800_000,
        List.of());
  }

  @DisplayName(
      "it greets as a simulated interviewer with text and real-time paced 100 ms PCM chunks")
  @Test
  void greets() throws InterruptedException {
    Loop loop = new Loop(vertx);
    List<VoiceEvent> events = new CopyOnWriteArrayList<>();
    List<Long> audioAt = new CopyOnWriteArrayList<>();
    LocalVoiceProvider p = new LocalVoiceProvider(vertx);
    loop.await(
        () ->
            p.connect(
                context(),
                e -> {
                  events.add(e);
                  if (e instanceof VoiceEvent.Audio) {
                    audioAt.add(System.nanoTime());
                  }
                }));
    Loop.eventually(Duration.ofSeconds(5), () -> audioAt.size() >= 6, "six audio chunks");
    assertThat((audioAt.get(5) - audioAt.get(0)) / 1_000_000)
        .as("paced in real time")
        .isBetween(400L, 1_000L);
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.Audio)
                .map(e -> ((VoiceEvent.Audio) e).pcm16At24k().length())
                .limit(5))
        .containsOnly(LocalVoiceProvider.CHUNK_BYTES);
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.TranscriptDelta)
                .map(e -> ((VoiceEvent.TranscriptDelta) e).text())
                .findFirst())
        .hasValueSatisfying(t -> assertThat(t).contains("simulated interviewer"));
    Buffer first = Buffer.buffer(); // the first 600 ms the candidate hears
    events.stream()
        .filter(e -> e instanceof VoiceEvent.Audio)
        .limit(6)
        .forEach(e -> first.appendBuffer(((VoiceEvent.Audio) e).pcm16At24k()));
    double sum = 0;
    int peak = 0;
    for (int i = 0; i < first.length(); i += 2) {
      int v = first.getShortLE(i);
      sum += (double) v * v;
      peak = Math.max(peak, Math.abs(v));
    }
    double rms = Math.sqrt(sum / (first.length() / 2.0));
    assertThat(peak)
        .as("clearly audible: peak above -7 dBFS (the raw synth peaks near -17 dBFS)")
        .isGreaterThan(15_000);
    assertThat(rms).as("clearly audible: RMS").isGreaterThan(3_000);
    loop.await(p::disconnect);
    int after = events.size();
    assertThat(events.get(after - 1)).isEqualTo(new VoiceEvent.Closed("disconnected", true));
    Thread.sleep(300);
    assertThat(events).hasSize(after);
  }

  @DisplayName(
      "candidate speech is detected by energy and answered with a follow-up; injected notes get a reaction")
  @Test
  void listensAndReacts() throws Exception {
    Loop loop = new Loop(vertx);
    List<VoiceEvent> events = new CopyOnWriteArrayList<>();
    LocalVoiceProvider p = new LocalVoiceProvider(vertx);
    loop.await(() -> p.connect(context(), events::add));
    loop.run(() -> p.cancel(0)); // skip the greeting
    loop.run(
        () -> {
          p.sendAudio(Audio.silence(500));
          p.sendAudio(Audio.speech(2_100));
          p.sendAudio(Audio.silence(700));
        });
    assertThat(events).contains(new VoiceEvent.SpeechStarted(), new VoiceEvent.SpeechStopped());
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.TranscriptFinal f && f.role().equals("user"))
                .map(e -> ((VoiceEvent.TranscriptFinal) e).text())
                .findFirst())
        .hasValueSatisfying(
            t ->
                assertThat(t)
                    .matches("\\(speech, 2\\.[01] s — no transcription without a provider key\\)"));
    Loop.eventually(
        Duration.ofSeconds(3),
        () ->
            events.stream()
                .anyMatch(
                    e ->
                        e instanceof VoiceEvent.TranscriptDelta d
                            && d.text().contains("complexity")),
        "a follow-up question");
    loop.run(() -> p.cancel(100));
    String warning =
        "About 5 minutes remain in the interview. Let the candidate know briefly and naturally, and help them prioritise finishing.";
    loop.run(() -> p.inject(new ContextNote(ContextNote.Kind.TIME_WARNING, warning)));
    Loop.eventually(
        Duration.ofSeconds(3),
        () ->
            events.stream()
                .anyMatch(
                    e ->
                        e instanceof VoiceEvent.TranscriptDelta d
                            && d.text().contains("5 minutes")),
        "a reaction to the time warning");
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.TranscriptDelta)
                .map(e -> ((VoiceEvent.TranscriptDelta) e).text()))
        .noneMatch(
            t -> t.contains("Let the candidate know") || t.contains("remain in the interview"));
    loop.await(p::disconnect);
  }

  @DisplayName(
      "a short noise is no turn, and push-to-talk closes a turn the VAD has not closed, once")
  @Test
  void noiseAndPushToTalk() throws Exception {
    Loop loop = new Loop(vertx);
    List<VoiceEvent> events = new CopyOnWriteArrayList<>();
    LocalVoiceProvider p = new LocalVoiceProvider(vertx);
    loop.await(() -> p.connect(context(), events::add));
    loop.run(() -> p.cancel(0));
    loop.run(
        () -> {
          p.sendAudio(Audio.speech(300));
          p.sendAudio(Audio.silence(700));
        });
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.TranscriptFinal f && f.role().equals("user")))
        .isEmpty();
    loop.run(
        () -> {
          p.sendAudio(Audio.speech(1_500));
          p.commit();
          p.commit();
        });
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.TranscriptFinal f && f.role().equals("user")))
        .hasSize(1);
    loop.await(p::disconnect);
  }
}
