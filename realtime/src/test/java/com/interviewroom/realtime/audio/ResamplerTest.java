package com.interviewroom.realtime.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.realtime.support.Audio;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResamplerTest {

  /**
   * RMS of the resampled tone, fed in 100 ms chunks the way the gateway delivers audio, skipping
   * the filter's start-up.
   */
  private static double resampledRms(double hz) {
    Resampler r = new Resampler();
    Buffer out = Buffer.buffer();
    for (int i = 0; i < 10; i++) {
      out.appendBuffer(r.process(Audio.tone(hz, 100, 10_000).getBuffer(0, 4_800)));
    }
    short[] s = Pcm16.samples(out);
    return Pcm16.rms(s, 800, s.length - 100);
  }

  @DisplayName("24 kHz in gives two thirds as many samples out at 16 kHz")
  @Test
  void twoThirds() {
    Resampler r = new Resampler();
    int samples = 0;
    for (int i = 0; i < 30; i++) {
      samples += r.process(Audio.speech(100)).length() / 2;
    }
    assertThat(samples).isBetween(48_000 - 40, 48_000);
  }

  @DisplayName("a 1 kHz tone passes the low-pass filter at full level")
  @Test
  void passband() {
    double inRms = 10_000 / Math.sqrt(2);
    assertThat(resampledRms(1_000) / inRms).isBetween(0.95, 1.05);
  }

  @DisplayName(
      "a 10 kHz tone, above the new 8 kHz Nyquist limit, is strongly attenuated instead of aliasing")
  @Test
  void stopband() {
    double inRms = 10_000 / Math.sqrt(2);
    assertThat(resampledRms(10_000) / inRms).isLessThan(0.03);
  }

  @DisplayName("chunk boundaries are seamless: chunked output equals one-shot output")
  @Test
  void seamless() {
    Buffer tone = Audio.tone(700, 1_000, 9_000);
    Buffer oneShot = new Resampler().process(tone);
    Resampler chunked = new Resampler();
    Buffer pieces = Buffer.buffer();
    for (int off = 0; off < tone.length(); off += 962) { // odd sizes on purpose
      pieces.appendBuffer(chunked.process(tone.getBuffer(off, Math.min(tone.length(), off + 962))));
    }
    assertThat(pieces.length()).isEqualTo(oneShot.length());
    assertThat(pieces.getBytes()).isEqualTo(oneShot.getBytes());
  }
}
