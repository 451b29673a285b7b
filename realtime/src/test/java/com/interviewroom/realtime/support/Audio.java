package com.interviewroom.realtime.support;

import io.vertx.core.buffer.Buffer;

/** Test audio at 24 kHz PCM16: a loud voice-band tone, or silence. */
public final class Audio {
  private Audio() {}

  public static Buffer tone(double hz, long ms, double amplitude) {
    int n = (int) (ms * 24);
    Buffer b = Buffer.buffer(n * 2);
    for (int i = 0; i < n; i++) {
      b.appendShortLE((short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / 24_000.0)));
    }
    return b;
  }

  public static Buffer speech(long ms) {
    return tone(220, ms, 8_000);
  }

  public static Buffer silence(long ms) {
    return Buffer.buffer(new byte[(int) (ms * 48)]);
  }
}
