package com.interviewroom.realtime.audio;

import io.vertx.core.buffer.Buffer;

/** PCM16 little-endian mono helpers; at 24 kHz one millisecond is 48 bytes. */
public final class Pcm16 {
  public static final int RATE_24K = 24_000;
  public static final int BYTES_PER_MS_24K = 48;

  private Pcm16() {}

  public static long millisAt24k(long bytes) {
    return bytes / BYTES_PER_MS_24K;
  }

  public static short[] samples(Buffer pcm) {
    short[] out = new short[pcm.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = pcm.getShortLE(i * 2);
    }
    return out;
  }

  public static Buffer buffer(short[] samples, int from, int to) {
    Buffer out = Buffer.buffer((to - from) * 2);
    for (int i = from; i < to; i++) {
      out.appendShortLE(samples[i]);
    }
    return out;
  }

  public static Buffer buffer(short[] samples) {
    return buffer(samples, 0, samples.length);
  }

  /** Root-mean-square level of a run of samples, 0..32768. */
  public static double rms(short[] samples, int from, int to) {
    if (to <= from) {
      return 0;
    }
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += (double) samples[i] * samples[i];
    }
    return Math.sqrt(sum / (to - from));
  }

  static short clip(double v) {
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
  }
}
