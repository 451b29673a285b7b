package com.interviewroom.realtime.audio;

import io.vertx.core.buffer.Buffer;

/**
 * Streaming 24 kHz → 16 kHz resampler for PCM16 mono. Each output sample sits 1.5 input samples
 * after the previous one, so only two filter phases exist (offset 0 and 0.5); both are a
 * Blackman-windowed sinc low-pass at 7 kHz, below the new 8 kHz Nyquist limit, so content that 16
 * kHz cannot represent is removed instead of folding back as aliasing (which plain sample dropping
 * would do). One instance per stream: it keeps the tail of the previous chunk so chunk boundaries
 * are seamless.
 */
public final class Resampler {
  private static final int HALF_TAPS = 16;
  private static final double CUTOFF_HZ = 7_000;
  private static final double IN_RATE = 24_000;
  private static final double STEP = 1.5;

  private static final double[][] PHASES = {kernel(0.0), kernel(0.5)};

  /** Input samples not yet fully used: the filter needs HALF_TAPS on either side of each output. */
  private float[] pending = new float[HALF_TAPS]; // leading silence so the first output has history

  private int pendingLength = HALF_TAPS;

  /** Position of the next output sample, in input samples relative to pending[0]. */
  private double next = HALF_TAPS;

  public Buffer process(Buffer pcm24k) {
    short[] in = Pcm16.samples(pcm24k);
    ensureCapacity(pendingLength + in.length);
    for (short s : in) {
      pending[pendingLength++] = s;
    }
    Buffer out = Buffer.buffer((int) (in.length / STEP) * 2 + 4);
    while (next + HALF_TAPS < pendingLength) {
      int base = (int) Math.floor(next);
      double[] h = PHASES[next - base >= 0.25 ? 1 : 0];
      double acc = 0;
      for (int k = 0; k < h.length; k++) {
        acc += pending[base - HALF_TAPS + 1 + k] * h[k];
      }
      out.appendShortLE(Pcm16.clip(acc));
      next += STEP;
    }
    compact();
    return out;
  }

  /** Drops input that no future output needs, so memory stays constant on a long stream. */
  private void compact() {
    int keepFrom = Math.max(0, (int) Math.floor(next) - HALF_TAPS);
    if (keepFrom > 0) {
      System.arraycopy(pending, keepFrom, pending, 0, pendingLength - keepFrom);
      pendingLength -= keepFrom;
      next -= keepFrom;
    }
  }

  private void ensureCapacity(int size) {
    if (pending.length < size) {
      float[] grown = new float[Math.max(size, pending.length * 2)];
      System.arraycopy(pending, 0, grown, 0, pendingLength);
      pending = grown;
    }
  }

  /**
   * Taps at input offsets (-HALF_TAPS+1 .. HALF_TAPS) from floor(t), for fractional offset {@code
   * frac}.
   */
  private static double[] kernel(double frac) {
    double[] h = new double[2 * HALF_TAPS];
    double fc = CUTOFF_HZ / IN_RATE;
    double sum = 0;
    for (int k = 0; k < h.length; k++) {
      double d = (k - HALF_TAPS + 1) - frac; // distance from the output instant
      double x = 2 * fc * d;
      double sinc = Math.abs(x) < 1e-12 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      double w = (d + HALF_TAPS) / (2.0 * HALF_TAPS); // 0..1 across the window
      double blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * w) + 0.08 * Math.cos(4 * Math.PI * w);
      h[k] = sinc * Math.max(0, blackman);
      sum += h[k];
    }
    for (int k = 0; k < h.length; k++) {
      h[k] /= sum; // unity gain at DC
    }
    return h;
  }
}
