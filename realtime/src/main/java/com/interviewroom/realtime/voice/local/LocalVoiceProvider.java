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

/**
 * The simulated interviewer every newcomer meets (no key, no network): a scripted interviewer that
 * runs the interview's arc ({@link InterviewScript}) and speaks with synthetic, clearly audible PCM
 * paced in real time (100 ms chunks on a Vert.x timer), so the whole audio path, VAD and barge-in
 * run end to end. It says plainly that it is simulated and cannot understand words: the candidate's
 * turns are labelled honestly ("(speech, 2.4 s — no transcription without a provider key)"), never
 * shown as words.
 */
public final class LocalVoiceProvider implements VoiceProvider {
  public static final String NAME = "local";
  static final int CHUNK_BYTES = 4_800; // 100 ms at 24 kHz
  static final long CHUNK_MS = 100;

  /** Quiet rooms sit below ~300 RMS; speech is well above 1,000. */
  static final double VAD_THRESHOLD = 700;

  /** Shorter sounds (a cough, a click) are not a turn: no label, no answer. */
  static final long MIN_TURN_MS = 600;

  /**
   * The synthetic voice is scaled to this peak (about -3 dBFS), so it is clearly audible on any
   * device.
   */
  static final int TARGET_PEAK = 23_000;

  private static final long THINK_MS = 400;

  /** 600 ms of silence at 24 kHz: more than the VAD needs to close a turn. */
  private static final int COMMIT_SILENCE_BYTES = 600 * 48;

  private final Vertx vertx;
  private InterviewScript script;
  private VoiceEvents events;
  private EnergyVad vad;
  private boolean open;
  private int items;
  private long pacer = -1;
  private long thinkTimer = -1;
  private Speaking speaking;

  /**
   * The one line waiting for the current one to finish; a newer line replaces it, so lines never
   * pile up.
   */
  private String next;

  /** The response being spoken: its audio, the sentences and when each one starts. */
  private record Speaking(
      String itemId, Buffer audio, String text, int[] sentenceStarts, String[] sentences) {}

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
    this.script = new InterviewScript(context, System::currentTimeMillis);
    this.events = events;
    this.open = true;
    this.vad =
        new EnergyVad(
            VAD_THRESHOLD,
            new EnergyVad.Listener() {
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
    // The opening line starts after connect's future completes, so the caller is ready for events.
    vertx.runOnContext(v -> say(script.opening()));
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
    // push-to-talk ends a turn the VAD may not have closed; what the VAD already answered is not
    // answered twice
    if (open && vad.speaking()) {
      vad.accept(
          Buffer.buffer(
              new byte[COMMIT_SILENCE_BYTES])); // the silence the released button did not send
    }
  }

  @Override
  public void cancel(long playedMs) {
    stopSpeaking();
    next = null;
  }

  @Override
  public void inject(ContextNote note) {
    if (!open) {
      return;
    }
    String reaction = script.react(note);
    if (reaction != null) {
      say(reaction);
    }
  }

  @Override
  public Future<Void> disconnect() {
    if (open) {
      open = false;
      stopSpeaking();
      cancelThinking();
      next = null;
      events.on(new VoiceEvent.Closed("disconnected", true));
    }
    return Future.succeededFuture();
  }

  /** The honest label of a turn we heard but cannot transcribe. */
  static String turnLabel(long speechMs) {
    return com.interviewroom.common.transcript.SpeechLabel.format(speechMs);
  }

  private void candidateSpoke(long speechMs) {
    if (speechMs < MIN_TURN_MS) {
      return;
    }
    emit(new VoiceEvent.TranscriptFinal("user", "local-user-" + (++items), turnLabel(speechMs)));
    String reply = script.afterCandidateTurn(speechMs);
    cancelThinking();
    thinkTimer =
        vertx.setTimer(
            THINK_MS,
            id -> {
              thinkTimer = -1;
              say(reply);
            });
  }

  private void say(String text) {
    if (!open || text == null) {
      return;
    }
    if (speaking != null) {
      next = text; // never talk over ourselves; only the newest waiting line is kept
      return;
    }
    String[] sentences = text.split("(?<=[.!?])\\s+");
    Buffer audio = Buffer.buffer();
    int[] starts = new int[sentences.length];
    for (int i = 0; i < sentences.length; i++) {
      starts[i] = audio.length();
      audio.appendBuffer(SpeechSynth.speak(sentences[i]));
    }
    speaking = new Speaking("local-asst-" + (++items), louder(audio), text, starts, sentences);
    offset = 0;
    nextSentence = 0;
    sendChunk();
    pacer = vertx.setPeriodic(CHUNK_MS, id -> sendChunk());
  }

  /** Scales PCM16 LE so its peak reaches {@link #TARGET_PEAK}. */
  static Buffer louder(Buffer pcm) {
    int peak = 1;
    for (int i = 0; i + 1 < pcm.length(); i += 2) {
      peak = Math.max(peak, Math.abs((int) pcm.getShortLE(i)));
    }
    double gain = TARGET_PEAK / (double) peak;
    Buffer out = Buffer.buffer(pcm.length());
    for (int i = 0; i + 1 < pcm.length(); i += 2) {
      long v = Math.round(pcm.getShortLE(i) * gain);
      out.appendShortLE((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v)));
    }
    return out;
  }

  private void sendChunk() {
    Speaking s = speaking;
    if (s == null) {
      return;
    }
    while (nextSentence < s.sentences().length && s.sentenceStarts()[nextSentence] <= offset) {
      String prefix = nextSentence == 0 ? "" : " ";
      emit(
          new VoiceEvent.TranscriptDelta(
              "assistant", s.itemId(), prefix + s.sentences()[nextSentence++]));
    }
    int end = Math.min(offset + CHUNK_BYTES, s.audio().length());
    emit(new VoiceEvent.Audio(s.itemId(), s.audio().getBuffer(offset, end)));
    offset = end;
    if (offset >= s.audio().length()) {
      stopSpeaking();
      emit(new VoiceEvent.TranscriptFinal("assistant", s.itemId(), s.text()));
      emit(
          new VoiceEvent.ResponseDone(
              s.itemId(),
              new JsonObject()
                  .put("input_tokens", 0)
                  .put("output_tokens", s.text().split("\\s+").length)
                  .put("audio_ms", s.audio().length() / 48)));
      String waiting = next;
      next = null;
      if (waiting != null) {
        say(waiting);
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
