package com.interviewroom.realtime.recording;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Mixes the two sides of one interview onto a common timeline as 16-bit stereo at 24 kHz (left: the
 * candidate, right: the interviewer) and cuts it into self-contained WAV chunks of {@code
 * chunkFrames} frames, handed to a sink as they complete. Single-threaded: the connection's event
 * loop calls every method.
 *
 * <p>Where audio lands: a frame from the candidate's microphone arrives when its last sample was
 * captured, so it is placed ending now; interviewer audio starts playing in the browser when it
 * arrives, so it is placed starting now. Either side continues its previous frame without a gap
 * when it arrives within {@link #SLACK_MS} of where that frame ended, and never overlaps it (a
 * provider sends an answer faster than real time: its audio queues up on the timeline as it would
 * in the player). A barge-in ({@link #clearInterviewer()}) drops the interviewer audio still queued
 * past now, as the browser's {@code playback.clear} does. Where a side sent nothing, its channel is
 * silence.
 *
 * <p>The chunks themselves are not in the heap: the hot path copies samples into a small scratch
 * array and appends them, with where they go, to the session's {@link ChunkSpool.Lane}, which
 * writes them into the chunk's spool file on a worker thread; no allocation per frame, no file
 * access on the event loop. The writer holds at most {@link #retainedBytes()} (the scratch and one
 * spool block) whatever the chunk length. At most two chunks are open, the current one and the next
 * (only once audio queued past the current one's end reaches it); audio further ahead, or arriving
 * after its chunk was handed off, is dropped and counted, as is audio the spool had no block for.
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
  private final ChunkSpool.Lane lane;
  private final Consumer<CompletionStage<WavChunk>> sink;
  private final long[] cursor = new long[CHANNELS];

  /**
   * Samples are copied here first (a client frame is 4,800 bytes; larger ones in slices), so the
   * loop reads an array.
   */
  private final byte[] scratch = new byte[8 * 1024];

  private long currentStart;
  private boolean current;
  private int currentHigh;
  private boolean next;
  private int nextHigh;
  private long droppedFrames;
  private boolean closed;

  /**
   * @param clockMs wall-clock milliseconds; the timeline's frame 0 is its value now
   * @param lane where the chunks' audio goes (closed by {@link #close()})
   * @param sink gets each chunk as it ends, in timeline order; the stage completes once its file is
   *     whole
   */
  public StereoChunkWriter(
      int chunkFrames,
      LongSupplier clockMs,
      ChunkSpool.Lane lane,
      Consumer<CompletionStage<WavChunk>> sink) {
    if (chunkFrames <= 0) {
      throw new IllegalArgumentException("chunkFrames must be positive");
    }
    this.chunkFrames = chunkFrames;
    this.graceFrames = Math.min(GRACE_MS * FRAMES_PER_MS, chunkFrames / 10);
    this.clockMs = clockMs;
    this.originMs = clockMs.getAsLong();
    this.lane = lane;
    this.sink = sink;
  }

  /**
   * Heap this writer holds besides its fields: the scratch array and the spool block being filled.
   */
  public int retainedBytes() {
    return scratch.length + lane.retainedBytes();
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
      // what arrived since the last tick goes to disk, so an idle session holds no block
      lane.flush();
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
    if (current) {
      // followed by queued audio, the chunk stays whole so the two stay contiguous
      emit(currentStart, next ? chunkFrames : currentHigh);
    }
    if (next) {
      emit(currentStart + chunkFrames, nextHigh);
    }
    current = false;
    next = false;
    lane.close();
  }

  private long nowFrame() {
    return (clockMs.getAsLong() - originMs) * FRAMES_PER_MS;
  }

  private void write(int channel, Buffer pcm16) {
    if (closed) {
      return;
    }
    int bytes = pcm16.length() & ~1;
    if (bytes == 0) {
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
    // a provider may hand over more than the gateway's largest client frame: slice by slice
    for (int offset = 0; offset < bytes; offset += scratch.length) {
      int slice = Math.min(scratch.length, bytes - offset);
      pcm16.getBytes(offset, offset + slice, scratch, 0);
      copy(channel, start + offset / 2, slice / 2);
    }
    cursor[channel] = start + frames;
  }

  /** Hands off the current chunk while its end (plus the grace) has passed. */
  private void advance(long now) {
    long grace = graceFrames;
    while (now >= currentStart + chunkFrames + grace) {
      if (current) {
        emit(currentStart, chunkFrames);
      }
      currentStart += chunkFrames;
      current = next;
      currentHigh = nextHigh;
      next = false;
      nextHigh = 0;
      if (!current) {
        // nothing held: skip the silent stretch in one step
        long idle = (now - grace - currentStart) / chunkFrames;
        if (idle > 0) {
          currentStart += idle * chunkFrames;
        }
      }
    }
  }

  /**
   * Copies {@code frames} samples of {@link #scratch} to {@code channel} from timeline frame {@code
   * start}.
   */
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
      current = true;
      int offset = (int) (from - currentStart);
      int count = (int) (upTo - from);
      droppedFrames +=
          lane.samples(currentStart, offset, channel, scratch, (int) (from - start) * 2, count);
      currentHigh = Math.max(currentHigh, offset + count);
    }
    from = Math.max(start, nextStart);
    upTo = Math.min(end, nextEnd);
    if (from < upTo) {
      next = true;
      int offset = (int) (from - nextStart);
      int count = (int) (upTo - from);
      droppedFrames +=
          lane.samples(nextStart, offset, channel, scratch, (int) (from - start) * 2, count);
      nextHigh = Math.max(nextHigh, offset + count);
    }
  }

  private void silence(int channel, long from, long to) {
    zero(current, currentStart, channel, from, to);
    zero(next, currentStart + chunkFrames, channel, from, to);
  }

  private void zero(boolean held, long chunkStart, int channel, long from, long to) {
    if (!held) {
      return;
    }
    long a = Math.max(from, chunkStart);
    long b = Math.min(to, chunkStart + chunkFrames);
    if (a < b && !lane.zero(chunkStart, (int) (a - chunkStart), channel, (int) (b - a))) {
      droppedFrames += b - a;
    }
  }

  private void emit(long start, int frames) {
    if (frames > 0) {
      sink.accept(lane.finish(start, frames));
    }
  }
}
