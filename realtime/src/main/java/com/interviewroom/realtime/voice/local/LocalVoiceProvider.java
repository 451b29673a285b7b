package com.interviewroom.realtime.voice.local;

import com.interviewroom.realtime.audio.EnergyVad;
import com.interviewroom.realtime.audio.SpeechSynth;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.VoiceEvent;
import com.interviewroom.realtime.voice.VoiceEvents;
import com.interviewroom.realtime.voice.VoiceProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Queue;

/**
 * The simulated interviewer: no network and no key. It greets, asks for the approach, reacts to
 * injected notes, and answers with text plus speech-like PCM audio paced in real time (100 ms
 * chunks on a Vert.x timer), so the whole audio path, VAD and barge-in run end to end without a
 * paid provider. It says plainly that it is simulated.
 */
public final class LocalVoiceProvider implements VoiceProvider {
  public static final String NAME = "local";
  static final int CHUNK_BYTES = 4_800; // 100 ms at 24 kHz
  static final long CHUNK_MS = 100;
  /** Quiet rooms sit below ~300 RMS; speech is well above 1,000. */
  static final double VAD_THRESHOLD = 700;
  private static final long THINK_MS = 300;

  private static final List<String> FOLLOW_UPS = List.of(
      "Thanks. What are the time and space complexity of that approach?",
      "Good. Which edge cases would you test first?",
      "That sounds reasonable. Go ahead and code it, and talk me through it as you go.",
      "Okay. Is there anything you would improve if you had more time?",
      "Mm-hm. Keep going, I'm following.");

  private final Vertx vertx;
  private final Queue<String> queued = new ArrayDeque<>();
  private InterviewContext context;
  private VoiceEvents events;
  private EnergyVad vad;
  private boolean open;
  private int turns;
  private int items;
  private long pacer = -1;
  private long thinkTimer = -1;
  private Speaking speaking;

  /** The response being spoken: its audio, the sentences and when each one starts. */
  private record Speaking(String itemId, Buffer audio, String text, int[] sentenceStarts, String[] sentences) {}

  private int offset;
  private int nextSentence;

  public LocalVoiceProvider(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Void> connect(InterviewContext context, VoiceEvents events) {
    this.context = context;
    this.events = events;
    this.open = true;
    this.vad = new EnergyVad(VAD_THRESHOLD, new EnergyVad.Listener() {
      @Override
      public void started() {
        emit(new VoiceEvent.SpeechStarted());
      }

      @Override
      public void stopped(long speechMs) {
        emit(new VoiceEvent.SpeechStopped());
        candidateSpoke(speechMs);
      }
    });
    // The greeting starts after connect's future completes, so the caller is ready for events.
    vertx.runOnContext(v -> say(context.history().isEmpty() ? greeting() : welcomeBack()));
    return Future.succeededFuture();
  }

  @Override
  public void sendAudio(Buffer pcm16At24k) {
    if (open) {
      vad.accept(pcm16At24k);
    }
  }

  @Override
  public void commit() {
    if (open && !vad.speaking()) {
      candidateSpoke(0);
    }
  }

  @Override
  public void cancel(long playedMs) {
    stopSpeaking();
    queued.clear();
  }

  @Override
  public void inject(ContextNote note) {
    if (!open) {
      return;
    }
    String reaction = switch (note.kind()) {
      case CODE_OBSERVATION -> note.text() + " Can you walk me through that part?";
      case EXECUTION_RESULT -> note.text() + " What do you make of that result?";
      case TIME_WARNING -> note.text() + " Let's make sure we reach a working solution.";
    };
    say(reaction);
  }

  @Override
  public Future<Void> disconnect() {
    if (open) {
      open = false;
      stopSpeaking();
      cancelThinking();
      queued.clear();
      events.on(new VoiceEvent.Closed("disconnected", true));
    }
    return Future.succeededFuture();
  }

  private String greeting() {
    return "Hi, I'm a simulated interviewer for practice; no AI service is connected right now. "
        + "Today's problem is " + context.problemTitle() + ". "
        + "Before you write any code, could you explain your approach?";
  }

  private String welcomeBack() {
    return "Sorry, we lost the connection for a moment. I'm still a simulated interviewer. Please go on where you left off.";
  }

  private void candidateSpoke(long speechMs) {
    String itemId = "local-user-" + (++items);
    String text = String.format(Locale.ROOT, "[candidate spoke %.1f s]", speechMs / 1000.0);
    emit(new VoiceEvent.TranscriptFinal("user", itemId, text));
    String reply = FOLLOW_UPS.get(Math.min(turns++, FOLLOW_UPS.size() - 1));
    cancelThinking();
    thinkTimer = vertx.setTimer(THINK_MS, id -> {
      thinkTimer = -1;
      say(reply);
    });
  }

  private void say(String text) {
    if (!open) {
      return;
    }
    if (speaking != null) {
      queued.add(text); // never talk over ourselves; the note is used once the current answer ends
      return;
    }
    String[] sentences = text.split("(?<=[.!?])\\s+");
    Buffer audio = Buffer.buffer();
    int[] starts = new int[sentences.length];
    for (int i = 0; i < sentences.length; i++) {
      starts[i] = audio.length();
      audio.appendBuffer(SpeechSynth.speak(sentences[i]));
    }
    speaking = new Speaking("local-asst-" + (++items), audio, text, starts, sentences);
    offset = 0;
    nextSentence = 0;
    sendChunk();
    pacer = vertx.setPeriodic(CHUNK_MS, id -> sendChunk());
  }

  private void sendChunk() {
    Speaking s = speaking;
    if (s == null) {
      return;
    }
    while (nextSentence < s.sentences().length && s.sentenceStarts()[nextSentence] <= offset) {
      String prefix = nextSentence == 0 ? "" : " ";
      emit(new VoiceEvent.TranscriptDelta("assistant", s.itemId(), prefix + s.sentences()[nextSentence++]));
    }
    int end = Math.min(offset + CHUNK_BYTES, s.audio().length());
    emit(new VoiceEvent.Audio(s.itemId(), s.audio().getBuffer(offset, end)));
    offset = end;
    if (offset >= s.audio().length()) {
      stopSpeaking();
      emit(new VoiceEvent.TranscriptFinal("assistant", s.itemId(), s.text()));
      emit(new VoiceEvent.ResponseDone(s.itemId(), new JsonObject()
          .put("input_tokens", 0)
          .put("output_tokens", s.text().split("\\s+").length)
          .put("audio_ms", s.audio().length() / 48)));
      String next = queued.poll();
      if (next != null) {
        say(next);
      }
    }
  }

  private void stopSpeaking() {
    if (pacer >= 0) {
      vertx.cancelTimer(pacer);
      pacer = -1;
    }
    speaking = null;
  }

  private void cancelThinking() {
    if (thinkTimer >= 0) {
      vertx.cancelTimer(thinkTimer);
      thinkTimer = -1;
    }
  }

  private void emit(VoiceEvent event) {
    if (open) {
      events.on(event);
    }
  }
}
