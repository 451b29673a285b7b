package com.interviewroom.realtime.recording;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the audio of live recordings on disk instead of the heap. A session's writer appends what
 * it would have copied into the chunk (a run of one side's samples, a stretch to silence) as a
 * record to a small block ({@link #BLOCK_BYTES}); full blocks, and the partial one every tick, go
 * to a worker thread that applies them to the chunk's spool file, which is laid out as the final
 * WAV ({@code <dir>/<lane>-<chunkStart>.wav}, its header written when the chunk ends). So a session
 * holds at most one block in the heap whatever {@code RECORDING_CHUNK_SECONDS} is; the event loop
 * never touches a file.
 *
 * <p>Blocks come from one node-wide pool of at most {@code maxBlocks}: when the disk falls that far
 * behind, a writer finds none and drops the audio (counted by {@code
 * interviewroom.recording.spool.dropped}, in bytes of records); the relay never waits. A crash
 * leaves spool files behind: the chunk in progress is lost (as it was when chunks lived in the
 * heap) and {@link #clear} removes them at start-up. Up to {@link #MAX_FREE_BLOCKS} returned blocks
 * are kept for reuse, so a block is allocated only when a burst needs more than that.
 */
public final class ChunkSpool {
  public static final int BLOCK_BYTES = 32 * 1024;
  public static final int DEFAULT_MAX_BLOCKS = 2_048;

  /** Free blocks kept for reuse (8 MiB); past a burst, the rest go back to the collector. */
  static final int MAX_FREE_BLOCKS = 256;

  static final String SUFFIX = ".wav";
  private static final byte SAMPLES = 1;
  private static final byte ZERO = 2;

  /** type, channel, chunk start (frame), frame offset in the chunk, count of frames. */
  private static final int RECORD_HEADER = 1 + 1 + 8 + 4 + 4;

  private static final int BYTES_PER_FRAME = 2 * StereoChunkWriter.CHANNELS;

  /** The widest stretch a worker patches at once (one block's samples fit). */
  private static final int PATCH_FRAMES = BLOCK_BYTES / 2;

  private static final ThreadLocal<ByteBuffer> PATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(PATCH_FRAMES * BYTES_PER_FRAME));

  /** A worker's runs of the block it applies: per thread, so a session holds none of it. */
  private static final ThreadLocal<Patches> PATCHES = ThreadLocal.withInitial(Patches::new);

  private final Path dir;
  private final Executor workers;
  private final int maxBlocks;
  private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicLong lanes = new AtomicLong();
  private final Counter dropped;

  public ChunkSpool(Path dir, Executor workers, int maxBlocks, MeterRegistry registry) {
    this.dir = dir;
    this.workers = workers;
    this.maxBlocks = maxBlocks;
    this.dropped =
        Counter.builder("interviewroom.recording.spool.dropped")
            .baseUnit("bytes")
            .description("Recording audio dropped because the spool's blocks were all in use")
            .register(registry);
    Gauge.builder("interviewroom.recording.spool.blocks", inUse, AtomicInteger::get)
        .description("Recording spool blocks held by writers or waiting for the disk")
        .register(registry);
  }

  /**
   * Blocking: creates {@code dir} and removes what a previous run left in it (chunks whose process
   * died before they were uploaded; the one in progress was incomplete anyway). Returns how many.
   */
  public static int clear(Path dir) {
    try {
      Files.createDirectories(dir);
      int removed = 0;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path file : files) {
          Files.deleteIfExists(file);
          removed++;
        }
      }
      return removed;
    } catch (IOException e) {
      throw new UncheckedIOException("recording spool " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** Blocks held by writers or queued for the disk, node-wide. */
  public int blocksInUse() {
    return inUse.get();
  }

  /**
   * One session's ordered stream of records; its methods are called from one thread (the event
   * loop).
   */
  public Lane lane() {
    return new Lane(lanes.incrementAndGet());
  }

  private ByteBuffer acquire() {
    ByteBuffer block = free.poll();
    if (block == null) {
      if (created.incrementAndGet() > maxBlocks) {
        created.decrementAndGet();
        return null;
      }
      block = ByteBuffer.allocate(BLOCK_BYTES);
    }
    inUse.incrementAndGet();
    return block;
  }

  private void release(ByteBuffer block) {
    block.clear();
    inUse.decrementAndGet();
    if (created.get() - inUse.get() > MAX_FREE_BLOCKS) {
      created.decrementAndGet();
    } else {
      free.offer(block);
    }
  }

  /** The end of a chunk, queued behind the records that fill it. */
  private record Finish(long chunkStart, int frames, CompletableFuture<WavChunk> done) {}

  private static final Object CLOSE = new Object();

  public final class Lane implements Runnable {
    private final long id;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Worker side: the chunks being written. */
    private final Map<Long, ChunkFile> files = new HashMap<>();

    private ByteBuffer block;

    private Lane(long id) {
      this.id = id;
    }

    /** Heap this lane holds now: the block being filled, if any. */
    public int retainedBytes() {
      return block == null ? 0 : block.capacity();
    }

    /**
     * Records {@code count} samples of {@code channel} (16-bit little-endian, from {@code
     * from[at]}) for frames from {@code frameOffset} of the chunk starting at {@code chunkStart}.
     * Returns the frames dropped.
     */
    int samples(long chunkStart, int frameOffset, int channel, byte[] from, int at, int count) {
      int done = 0;
      while (done < count) {
        if (!room(RECORD_HEADER + 2)) {
          dropped.increment(2.0 * (count - done));
          return count - done;
        }
        int n = Math.min(count - done, (block.remaining() - RECORD_HEADER) / 2);
        header(SAMPLES, channel, chunkStart, frameOffset + done, n);
        block.put(from, at + done * 2, n * 2);
        done += n;
      }
      return 0;
    }

    /**
     * Records silence on {@code channel} for {@code count} frames from {@code frameOffset}; false
     * when dropped.
     */
    boolean zero(long chunkStart, int frameOffset, int channel, int count) {
      if (!room(RECORD_HEADER)) {
        dropped.increment(RECORD_HEADER);
        return false;
      }
      header(ZERO, channel, chunkStart, frameOffset, count);
      return true;
    }

    /** Ends the chunk at {@code frames} frames; completes (on a worker) once its file is whole. */
    CompletionStage<WavChunk> finish(long chunkStart, int frames) {
      flush();
      CompletableFuture<WavChunk> done = new CompletableFuture<>();
      submit(new Finish(chunkStart, frames, done));
      return done;
    }

    /** Hands the partial block to the disk, or returns an unused one to the pool. */
    void flush() {
      if (block == null) {
        return;
      }
      if (block.position() == 0) {
        release(block);
      } else {
        block.flip();
        submit(block);
      }
      block = null;
    }

    /** No more records: files of chunks never finished are removed. */
    void close() {
      flush();
      submit(CLOSE);
    }

    private boolean room(int bytes) {
      if (block != null && block.remaining() < bytes) {
        flush();
      }
      if (block == null) {
        block = acquire();
      }
      return block != null;
    }

    private void header(byte type, int channel, long chunkStart, int frameOffset, int count) {
      block.put(type).put((byte) channel).putLong(chunkStart).putInt(frameOffset).putInt(count);
    }

    private void submit(Object item) {
      queue.add(item);
      if (scheduled.compareAndSet(false, true)) {
        try {
          workers.execute(this);
        } catch (RejectedExecutionException stopped) {
          // the node is shutting down: what is queued is lost, as in a crash, but nobody waits for
          // it
          Object left;
          while ((left = queue.poll()) != null) {
            if (left instanceof ByteBuffer records) {
              release(records);
            } else if (left instanceof Finish finish) {
              finish.done().completeExceptionally(stopped);
            }
          }
          scheduled.set(false);
        }
      }
    }

    /** Worker: applies what is queued, in order. */
    @Override
    public void run() {
      do {
        Object item;
        while ((item = queue.poll()) != null) {
          if (item instanceof ByteBuffer records) {
            try {
              apply(records);
            } catch (RuntimeException unexpected) {
              // the lane must go on: its chunks still end and are handed off, with this block's
              // audio missing
              PATCHES.get().discard();
              dropped.increment(records.limit());
            } finally {
              release(records);
            }
          } else if (item instanceof Finish finish) {
            complete(finish);
          } else {
            files.values().forEach(ChunkFile::discard);
            files.clear();
          }
        }
        scheduled.set(false);
      } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
    }

    private void apply(ByteBuffer records) {
      Patches patches = PATCHES.get();
      while (records.hasRemaining()) {
        byte type = records.get();
        int channel = records.get();
        long chunkStart = records.getLong();
        int frameOffset = records.getInt();
        int count = records.getInt();
        ChunkFile file = files.computeIfAbsent(chunkStart, this::open);
        if (type == SAMPLES) {
          patches.add(records, file, channel, frameOffset, count, records.position());
          records.position(records.position() + count * 2);
        } else {
          for (int done = 0; done < count; done += PATCH_FRAMES) {
            patches.add(
                records,
                file,
                channel,
                frameOffset + done,
                Math.min(PATCH_FRAMES, count - done),
                -1);
          }
        }
      }
      patches.flush(records);
    }

    private void complete(Finish finish) {
      ChunkFile file = files.remove(finish.chunkStart());
      if (file == null) {
        file = open(finish.chunkStart());
      }
      try {
        finish.done().complete(file.finish(finish.chunkStart(), finish.frames()));
      } catch (IOException | RuntimeException e) {
        file.discard();
        finish.done().completeExceptionally(e);
      }
    }

    private ChunkFile open(long chunkStart) {
      return new ChunkFile(dir.resolve(id + "-" + chunkStart + SUFFIX));
    }
  }

  /**
   * A block's records gathered into runs of neighbouring frames of one file, each patched with one
   * read and one write: the two sides of a moment arrive as separate records, and a block holds a
   * few of each. Two runs, because interviewer audio may be queued seconds ahead of the microphone.
   * A record joins a run only when it overlaps no other run, so the order of records that touch the
   * same frames is kept; otherwise every run is written first.
   */
  private static final class Patches {
    private final Run[] runs = {new Run(), new Run()};

    void add(ByteBuffer block, ChunkFile file, int side, int offset, int frames, int samples) {
      int end = offset + frames;
      Run target = null;
      int overlapping = 0;
      for (Run run : runs) {
        if (run.overlaps(file, offset, end)) {
          overlapping++;
          target = run;
        }
      }
      if (overlapping == 0) {
        target = near(file, offset, end);
      } else if (overlapping > 1 || !target.takes(file, offset, end)) {
        target = null;
      }
      if (target == null) {
        flush(block);
        target = runs[0];
      }
      target.add(file, side, offset, frames, samples);
    }

    /** A run the record can stretch, or an empty one. */
    private Run near(ChunkFile file, int offset, int end) {
      for (Run run : runs) {
        if (run.records > 0 && run.takes(file, offset, end)) {
          return run;
        }
      }
      for (Run run : runs) {
        if (run.records == 0) {
          return run;
        }
      }
      return null;
    }

    /** Forgets the runs (their block is gone). */
    void discard() {
      for (Run run : runs) {
        run.clear();
      }
    }

    /** Writes every run, in turn: each reads the file as the runs before it left it. */
    void flush(ByteBuffer block) {
      for (Run run : runs) {
        if (run.records > 0) {
          run.file.patch(run, block);
          run.clear();
        }
      }
    }
  }

  /** Records of one file within {@link #PATCH_FRAMES} frames, in the order they came. */
  private static final class Run {
    /**
     * Frames between records beyond which a run is not stretched (its read and write would carry
     * them).
     */
    private static final int GAP = 2_048;

    ChunkFile file;
    int from;
    int to;
    int records;
    int[] side = new int[16];
    int[] offset = new int[16];
    int[] frames = new int[16];
    int[] samples = new int[16];

    void clear() {
      records = 0;
      file = null; // a finished chunk's file is not kept reachable by the worker
    }

    boolean overlaps(ChunkFile other, int start, int end) {
      return records > 0 && other == file && start < to && end > from;
    }

    /** Whether a record of a non-empty run's file may stretch it. */
    boolean takes(ChunkFile other, int start, int end) {
      return other == file
          && start <= to + GAP
          && end >= from - GAP
          && Math.max(to, end) - Math.min(from, start) <= PATCH_FRAMES;
    }

    void add(ChunkFile into, int channel, int at, int count, int samplesAt) {
      if (records == 0) {
        file = into;
        from = at;
        to = at + count;
      } else {
        from = Math.min(from, at);
        to = Math.max(to, at + count);
      }
      if (records == side.length) {
        side = Arrays.copyOf(side, records * 2);
        offset = Arrays.copyOf(offset, records * 2);
        frames = Arrays.copyOf(frames, records * 2);
        samples = Arrays.copyOf(samples, records * 2);
      }
      side[records] = channel;
      offset[records] = at;
      frames[records] = count;
      samples[records] = samplesAt;
      records++;
    }
  }

  /** A chunk's spool file, written only by the lane's worker. */
  private static final class ChunkFile {
    private final Path path;
    private FileChannel channel;
    private IOException failure;

    ChunkFile(Path path) {
      this.path = path;
      try {
        channel =
            FileChannel.open(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
      } catch (IOException e) {
        failure = e;
      }
    }

    /**
     * Writes the records of {@code run} (samples from {@code block}, or silence) over the frames it
     * spans: one read and one write for all of them, applied in their order.
     */
    void patch(Run run, ByteBuffer block) {
      if (failure != null) {
        return;
      }
      try {
        ByteBuffer region = PATCH.get();
        long at = WavChunk.HEADER_BYTES + (long) run.from * BYTES_PER_FRAME;
        int length = (run.to - run.from) * BYTES_PER_FRAME;
        region.clear().limit(length);
        while (region.hasRemaining() && channel.read(region, at + region.position()) > 0) {
          // a sparse file reads back what was written; past its end stays as filled below
        }
        byte[] bytes = region.array();
        Arrays.fill(bytes, region.position(), length, (byte) 0);
        byte[] from = block.array();
        for (int r = 0; r < run.records; r++) {
          int out = (run.offset[r] - run.from) * BYTES_PER_FRAME + run.side[r] * 2;
          int end = out + run.frames[r] * BYTES_PER_FRAME;
          if (run.samples[r] < 0) {
            for (; out < end; out += BYTES_PER_FRAME) {
              bytes[out] = 0;
              bytes[out + 1] = 0;
            }
          } else {
            for (int in = block.arrayOffset() + run.samples[r];
                out < end;
                out += BYTES_PER_FRAME, in += 2) {
              bytes[out] = from[in];
              bytes[out + 1] = from[in + 1];
            }
          }
        }
        region.position(0).limit(length);
        while (region.hasRemaining()) {
          channel.write(region, at + region.position());
        }
      } catch (IOException e) {
        failure = e;
      }
    }

    WavChunk finish(long chunkStart, int frames) throws IOException {
      if (failure != null) {
        throw failure;
      }
      byte[] header = new byte[WavChunk.HEADER_BYTES];
      WavChunk.writeHeader(
          header, frames, StereoChunkWriter.CHANNELS, StereoChunkWriter.SAMPLE_RATE);
      int length = WavChunk.HEADER_BYTES + frames * BYTES_PER_FRAME;
      ByteBuffer head = ByteBuffer.wrap(header);
      while (head.hasRemaining()) {
        channel.write(head, head.position());
      }
      // the tail nobody wrote is silence; audio past a cut chunk's end is not part of it
      if (channel.size() > length) {
        channel.truncate(length);
      } else if (channel.size() < length) {
        channel.write(ByteBuffer.wrap(new byte[BYTES_PER_FRAME]), length - BYTES_PER_FRAME);
      }
      channel.close();
      return new WavChunk(chunkStart, frames, path, length);
    }

    void discard() {
      try {
        if (channel != null) {
          channel.close();
        }
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // a leftover is removed at the next start-up
      }
    }
  }
}
