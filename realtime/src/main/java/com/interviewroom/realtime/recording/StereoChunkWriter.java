package com.interviewroom.realtime.recording;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Mixes the two sides of one interview onto a common timeline as 16-bit stereo at 24 kHz (left:
 * the candidate, right: the interviewer) and cuts it into self-contained WAV chunks of
 * {@code chunkFrames} frames, handed to a sink as they complete. Single-threaded: the connection's
 * event loop calls every method.
 *
 * <p>Where audio lands: a frame from the candidate's microphone arrives when its last sample was
 * captured, so it is placed ending now; interviewer audio starts playing in the browser when it
 * arrives, so it is placed starting now. Either side continues its previous frame without a gap
 * when it arrives within {@link #SLACK_MS} of where that frame ended, and never overlaps it (a
 * provider sends an answer faster than real time: its audio queues up on the timeline as it
 * would in the player). A barge-in ({@link #clearInterviewer()}) drops the interviewer audio still
 * queued past now, as the browser's {@code playback.clear} does. Where a side sent nothing, its
 * channel is silence.
 *
 * <p>The hot path copies samples into the chunk's own byte array, which is the WAV file to
 * upload (its header written last): no allocation per frame. At most two chunks are held, the
 * current one and the next (only once audio queued past the current one's end reaches it); audio
 * further ahead, or arriving after its chunk was handed off, is dropped and counted.
 */
public final class StereoChunkWriter {
  public static final int SAMPLE_RATE = 24_000;
  public static final int CHANNELS = 2;
  public static final int CANDIDATE = 0;
  public static final int INTERVIEWER = 1;
  static final int FRAMES_PER_MS = SAMPLE_RATE / 1000;
  private static final int BYTES_PER_FRAME = 2 * CHANNELS;
  /** Arrival jitter under which a side's frames stay contiguous. */
  static final long SLACK_MS = 40;
  /**
   * A chunk is handed off this long after its end (a tenth of a chunk at most), so late microphone
   * frames still land in it; a crash loses the chunk in progress and at most this much of the next.
   */
  static final long GRACE_MS = 2_000;

  private final int chunkFrames;
  private final long graceFrames;
  private final LongSupplier clockMs;
  private final long originMs;
  private final Consumer<WavChunk> sink;
  private final long[] cursor = new long[CHANNELS];
  /** Largest PCM frame accepted by the gateway (64 KiB); copied here first, so the loop reads an array. */
  private final byte[] scratch = new byte[64 * 1024];

  private long currentStart;
  private byte[] current;
  private int currentHigh;
  private byte[] next;
  private int nextHigh;
  private long droppedFrames;
  private boolean closed;

  /**
   * @param clockMs  wall-clock milliseconds; the timeline's frame 0 is its value now
   */
  public StereoChunkWriter(int chunkFrames, LongSupplier clockMs, Consumer<WavChunk> sink) {
    if (chunkFrames <= 0) {
      throw new IllegalArgumentException("chunkFrames must be positive");
    }
    this.chunkFrames = chunkFrames;
    this.graceFrames = Math.min(GRACE_MS * FRAMES_PER_MS, chunkFrames / 10);
    this.clockMs = clockMs;
    this.originMs = clockMs.getAsLong();
    this.sink = sink;
  }

  /** The wall-clock millisecond of frame 0. */
  public long originMs() {
    return originMs;
  }

  public void candidate(Buffer pcm16) {
    write(CANDIDATE, pcm16);
  }

  public void interviewer(Buffer pcm16) {
    write(INTERVIEWER, pcm16);
  }

  /** Frames dropped so far: late (their chunk was gone) or too far ahead. */
  public long droppedFrames() {
    return droppedFrames;
  }

  /** Hands off every chunk whose time is over; call now and then (a timer), audio or not. */
  public void tick() {
    if (!closed) {
      advance(nowFrame());
    }
  }

  /** The interviewer was interrupted: what was queued past now will never be heard. */
  public void clearInterviewer() {
    if (closed) {
      return;
    }
    long now = nowFrame();
    advance(now);
    if (cursor[INTERVIEWER] > now) {
      silence(INTERVIEWER, now, cursor[INTERVIEWER]);
      cursor[INTERVIEWER] = now;
    }
  }

  /** Hands off what is held, the last chunk cut where its audio ends; later calls do nothing. */
  public void close() {
    if (closed) {
      return;
    }
    advance(nowFrame());
    closed = true;
    if (current != null) {
      // followed by queued audio, the chunk stays whole so the two stay contiguous
      emit(currentStart, next != null ? chunkFrames : currentHigh, current);
    }
    if (next != null) {
      emit(currentStart + chunkFrames, nextHigh, next);
    }
    current = null;
    next = null;
  }

  private long nowFrame() {
    return (clockMs.getAsLong() - originMs) * FRAMES_PER_MS;
  }

  private void write(int channel, Buffer pcm16) {
    if (closed) {
      return;
    }
    int bytes = pcm16.length() & ~1;
    if (bytes == 0 || bytes > scratch.length) {
      return;
    }
    int frames = bytes / 2;
    long now = nowFrame();
    advance(now);
    long start = channel == CANDIDATE ? now - frames : now;
    if (cursor[channel] >= start - SLACK_MS * FRAMES_PER_MS) {
      start = cursor[channel];
    }
    start = Math.max(start, 0);
    pcm16.getBytes(0, bytes, scratch, 0);
    copy(channel, start, frames);
    cursor[channel] = start + frames;
  }

  /** Hands off the current chunk while its end (plus the grace) has passed. */
  private void advance(long now) {
    long grace = graceFrames;
    while (now >= currentStart + chunkFrames + grace) {
      if (current != null) {
        emit(currentStart, chunkFrames, current);
      }
      currentStart += chunkFrames;
      current = next;
      currentHigh = nextHigh;
      next = null;
      nextHigh = 0;
      if (current == null) {
        // nothing held: skip the silent stretch in one step
        long idle = (now - grace - currentStart) / chunkFrames;
        if (idle > 0) {
          currentStart += idle * chunkFrames;
        }
      }
    }
  }

  /** Copies {@code frames} samples of {@link #scratch} to {@code channel} from timeline frame {@code start}. */
  private void copy(int channel, long start, int frames) {
    long end = start + frames;
    long nextStart = currentStart + chunkFrames;
    long nextEnd = nextStart + chunkFrames;
    long from = Math.max(start, currentStart);
    if (start < currentStart) {
      droppedFrames += Math.min(end, currentStart) - start;
    }
    if (end > nextEnd) {
      droppedFrames += end - Math.max(start, nextEnd);
    }
    long upTo = Math.min(end, nextStart);
    if (from < upTo) {
      if (current == null) {
        current = newChunk();
      }
      int offset = (int) (from - currentStart);
      int count = (int) (upTo - from);
      interleave(current, offset, channel, (int) (from - start), count);
      currentHigh = Math.max(currentHigh, offset + count);
    }
    from = Math.max(start, nextStart);
    upTo = Math.min(end, nextEnd);
    if (from < upTo) {
      if (next == null) {
        next = newChunk();
      }
      int offset = (int) (from - nextStart);
      int count = (int) (upTo - from);
      interleave(next, offset, channel, (int) (from - start), count);
      nextHigh = Math.max(nextHigh, offset + count);
    }
  }

  private void interleave(byte[] chunk, int frameOffset, int channel, int sampleOffset, int count) {
    int out = WavChunk.HEADER_BYTES + frameOffset * BYTES_PER_FRAME + channel * 2;
    int in = sampleOffset * 2;
    for (int i = 0; i < count; i++) {
      chunk[out] = scratch[in];
      chunk[out + 1] = scratch[in + 1];
      out += BYTES_PER_FRAME;
      in += 2;
    }
  }

  private void silence(int channel, long from, long to) {
    zero(current, currentStart, channel, from, to);
    zero(next, currentStart + chunkFrames, channel, from, to);
  }

  private void zero(byte[] chunk, long chunkStart, int channel, long from, long to) {
    if (chunk == null) {
      return;
    }
    long a = Math.max(from, chunkStart);
    long b = Math.min(to, chunkStart + chunkFrames);
    for (long f = a; f < b; f++) {
      int at = WavChunk.HEADER_BYTES + (int) (f - chunkStart) * BYTES_PER_FRAME + channel * 2;
      chunk[at] = 0;
      chunk[at + 1] = 0;
    }
  }

  private byte[] newChunk() {
    return new byte[WavChunk.HEADER_BYTES + chunkFrames * BYTES_PER_FRAME];
  }

  private void emit(long start, int frames, byte[] chunk) {
    if (frames <= 0) {
      return;
    }
    WavChunk.writeHeader(chunk, frames, CHANNELS, SAMPLE_RATE);
    sink.accept(new WavChunk(start, frames, chunk, WavChunk.HEADER_BYTES + frames * BYTES_PER_FRAME));
  }
}
