package com.interviewroom.bench;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * One simulated browser's audio: 4,800-byte frames (100 ms of PCM16 at 24 kHz) whose first 16 bytes
 * carry a sequence number and the send time ({@code System.nanoTime()}, big-endian longs); echoes
 * coming back are matched by those bytes. Used on one event loop only.
 */
final class FrameTracker {
  static final int FRAME_BYTES = 4_800;
  static final int HEADER_BYTES = 16;

  private long sent;
  private long received;
  private long reordered;
  private long highestSeq = -1;
  private long[] latencies = new long[128];
  private int recorded;

  /** What one browser saw, copied out of its event loop. */
  record Counts(long sent, long received, long reordered, long[] latenciesNanos) {
    long lost() {
      return Math.max(0, sent - received);
    }
  }

  Buffer nextFrame(long nowNanos) {
    Buffer frame = Buffer.buffer(new byte[FRAME_BYTES]);
    frame.setLong(0, sent++);
    frame.setLong(8, nowNanos);
    return frame;
  }

  /**
   * An echoed frame: counts it, notes it when it arrives after a later one (reordered or
   * duplicated), and records its round trip when {@code record}. Shorter frames carry no header and
   * are ignored; returns whether the frame was counted.
   */
  boolean onEcho(Buffer frame, long nowNanos, boolean record) {
    if (frame.length() < HEADER_BYTES) {
      return false;
    }
    long seq = frame.getLong(0);
    received++;
    if (seq <= highestSeq) {
      reordered++;
    }
    highestSeq = Math.max(highestSeq, seq);
    if (record) {
      if (recorded == latencies.length) {
        latencies = Arrays.copyOf(latencies, recorded * 2);
      }
      latencies[recorded++] = nowNanos - frame.getLong(8);
    }
    return true;
  }

  Counts counts() {
    return new Counts(sent, received, reordered, Arrays.copyOf(latencies, recorded));
  }

  /**
   * The value at or below which a fraction {@code p} of {@code sorted} lies (nearest rank); NaN
   * when empty.
   */
  static double percentileMs(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }
}
