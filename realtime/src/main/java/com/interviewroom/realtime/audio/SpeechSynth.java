package com.interviewroom.realtime.audio;

import io.vertx.core.buffer.Buffer;

/**
 * A speech-like signal for the simulated interviewer: a voiced source whose harmonics are shaped by
 * two formants per vowel, chopped into 200 ms syllables with a smooth envelope. It is not speech,
 * but it has speech's level, spectrum and rhythm, so clients, VAD and barge-in see realistic audio.
 * About one second per sentence plus a little per word. Syllables are synthesized once per vowel
 * and reused, so speaking costs a copy, not trigonometry on the event loop.
 */
public final class SpeechSynth {
  private static final int RATE = Pcm16.RATE_24K;
  private static final double[][] VOWELS = {
    {730, 1090}, {270, 2290}, {530, 1840}, {570, 840}, {300, 870}
  };
  private static final double[] PITCHES = {110, 125, 140};
  private static final int SYLLABLE_SAMPLES = RATE / 5;
  private static final Buffer[] SYLLABLES = syllables();

  private SpeechSynth() {}

  public static Buffer speak(String text) {
    int words = Math.max(1, text.trim().split("\\s+").length);
    int sentences = Math.max(1, text.split("[.!?]+\\s*").length);
    double seconds = Math.min(8.0, sentences * 1.0 + words * 0.05);
    int count = (int) Math.ceil(seconds * 5);
    Buffer out = Buffer.buffer(count * SYLLABLE_SAMPLES * 2);
    int seed = text.hashCode();
    for (int s = 0; s < count; s++) {
      out.appendBuffer(SYLLABLES[Math.floorMod(seed + s * 7919, SYLLABLES.length)]);
    }
    return out;
  }

  private static Buffer[] syllables() {
    Buffer[] all = new Buffer[VOWELS.length * PITCHES.length];
    for (int v = 0; v < VOWELS.length; v++) {
      for (int p = 0; p < PITCHES.length; p++) {
        all[v * PITCHES.length + p] = syllable(VOWELS[v], PITCHES[p]);
      }
    }
    return all;
  }

  private static Buffer syllable(double[] vowel, double f0) {
    short[] out = new short[SYLLABLE_SAMPLES];
    for (int i = 0; i < SYLLABLE_SAMPLES; i++) {
      double pos = i / (double) SYLLABLE_SAMPLES;
      double envelope = Math.pow(Math.sin(Math.PI * pos), 2);
      double t = i / (double) RATE;
      double sample = 0;
      for (int h = 1; h * f0 < 4000; h++) {
        double f = h * f0;
        double gain = formant(f, vowel[0], 90) + 0.6 * formant(f, vowel[1], 120) + 0.05;
        sample += gain * Math.sin(2 * Math.PI * f * t) / h;
      }
      out[i] = Pcm16.clip(sample * 6_000 * envelope);
    }
    return Pcm16.buffer(out);
  }

  private static double formant(double f, double centre, double bandwidth) {
    double d = (f - centre) / bandwidth;
    return Math.exp(-0.5 * d * d);
  }
}
