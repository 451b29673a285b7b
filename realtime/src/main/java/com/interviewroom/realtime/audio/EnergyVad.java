package com.interviewroom.realtime.audio;

import io.vertx.core.buffer.Buffer;

/**
 * Energy voice-activity detection on PCM16 24 kHz: 20 ms frames, speech starts after {@link
 * #START_FRAMES} loud frames in a row and stops after {@link #STOP_FRAMES} quiet ones, so a click
 * does not start a turn and a breath does not end it.
 */
public final class EnergyVad {
  public interface Listener {
    void started();

    void stopped(long speechMs);
  }

  static final int FRAME_SAMPLES = 480; // 20 ms at 24 kHz
  static final int START_FRAMES = 3;
  static final int STOP_FRAMES = 25;

  private final double threshold;
  private final Listener listener;
  private final short[] frame = new short[FRAME_SAMPLES];
  private int filled;
  private int loudRun;
  private int quietRun;
  private boolean speaking;
  private long speechFrames;

  public EnergyVad(double rmsThreshold, Listener listener) {
    this.threshold = rmsThreshold;
    this.listener = listener;
  }

  public boolean speaking() {
    return speaking;
  }

  public void accept(Buffer pcm24k) {
    for (int i = 0; i + 1 < pcm24k.length(); i += 2) {
      frame[filled++] = pcm24k.getShortLE(i);
      if (filled == FRAME_SAMPLES) {
        onFrame(Pcm16.rms(frame, 0, FRAME_SAMPLES) >= threshold);
        filled = 0;
      }
    }
  }

  private void onFrame(boolean loud) {
    if (speaking) {
      speechFrames++;
      quietRun = loud ? 0 : quietRun + 1;
      if (quietRun >= STOP_FRAMES) {
        speaking = false;
        long ms = (speechFrames - quietRun) * 20;
        quietRun = 0;
        loudRun = 0;
        listener.stopped(Math.max(0, ms));
      }
    } else {
      loudRun = loud ? loudRun + 1 : 0;
      if (loudRun >= START_FRAMES) {
        speaking = true;
        speechFrames = loudRun;
        listener.started();
      }
    }
  }
}
