package com.interviewroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameTrackerTest {

  @Test
  @DisplayName(
      "a frame is 4,800 bytes with its sequence number and send time in the first 16 bytes")
  void frameLayout() {
    FrameTracker tracker = new FrameTracker();
    tracker.nextFrame(1L);
    Buffer frame = tracker.nextFrame(123_456_789L);
    assertThat(frame.length()).isEqualTo(4_800);
    assertThat(frame.getLong(0)).isEqualTo(1);
    assertThat(frame.getLong(8)).isEqualTo(123_456_789L);
    assertThat(frame.getBytes(16, 4_800)).containsOnly(0);
  }

  @Test
  @DisplayName(
      "echoes give round trips from the send time; a late frame counts as reordered; unanswered frames are lost")
  void echoes() {
    FrameTracker tracker = new FrameTracker();
    Buffer first = tracker.nextFrame(1_000_000L);
    Buffer second = tracker.nextFrame(2_000_000L);
    tracker.nextFrame(3_000_000L); // never comes back
    assertThat(tracker.onEcho(second.copy(), 7_000_000L, true)).isTrue();
    assertThat(tracker.onEcho(first.copy(), 9_000_000L, false)).as("counted, not timed").isTrue();
    assertThat(tracker.onEcho(Buffer.buffer(new byte[8]), 9_000_000L, true))
        .as("no header")
        .isFalse();

    FrameTracker.Counts counts = tracker.counts();
    assertThat(counts.sent()).isEqualTo(3);
    assertThat(counts.received()).isEqualTo(2);
    assertThat(counts.lost()).isEqualTo(1);
    assertThat(counts.reordered()).isEqualTo(1);
    assertThat(counts.latenciesNanos()).containsExactly(5_000_000L);
  }

  @Test
  @DisplayName("percentiles are nearest-rank, in milliseconds")
  void percentiles() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = (i + 1) * 1_000_000L;
    }
    assertThat(FrameTracker.percentileMs(sorted, 0.50)).isEqualTo(50.0);
    assertThat(FrameTracker.percentileMs(sorted, 0.99)).isEqualTo(99.0);
    assertThat(FrameTracker.percentileMs(new long[] {3_000_000L}, 0.99)).isEqualTo(3.0);
    assertThat(FrameTracker.percentileMs(new long[0], 0.5)).isNaN();
  }
}
